/** POST /api/password/forgot: emails a reset link when the address has an account; same answer either way. */
import type { Config } from '@netlify/functions';
import { getConfig } from '../src/server/config.ts';
import { requestPasswordReset } from '../src/server/password-reset.ts';
import { EMAIL_MESSAGES } from '../src/server/rules/email-address.ts';
import { readFields } from '../src/server/http/body.ts';
import { answerInvalid, answerRateLimited } from '../src/server/http/form-answers.ts';
import { fieldNames, forgotPasswordForm } from '../src/server/http/forms/definitions.ts';
import { forgotPasswordPage } from '../src/server/http/forms/pages.ts';
import { defineHandler } from '../src/server/http/handler.ts';
import { formSuccess } from '../src/server/http/responses.ts';
import { siteFiles } from '../src/server/http/site-files.ts';

const NEXT = '/forgot-password/check-email/';
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

async function post(req: Request): Promise<Response> {
  const fields = await readFields(req, fieldNames(forgotPasswordForm));
  const email = fields.email.trim();
  if (email === '')
    return answerInvalid(req, siteFiles, forgotPasswordPage, {
      values: fields,
      errors: { email: EMAIL_MESSAGES.required },
    });
  if (!EMAIL_SHAPE.test(email) || email.length > 254) {
    return answerInvalid(req, siteFiles, forgotPasswordPage, {
      values: fields,
      errors: { email: EMAIL_MESSAGES.shape },
    });
  }
  const result = await requestPasswordReset(email);
  if (!result.ok)
    return answerRateLimited(req, siteFiles, forgotPasswordPage, result.retryAfter, fields);
  return formSuccess(req, NEXT, { status: 202 });
}

export default defineHandler({ POST: post }, { siteUrl: () => getConfig().siteUrl });

export const config: Config = { path: '/api/password/forgot' };
