/**
 * GET /verify-email/?token=: the confirmation page with the token in a hidden field.
 * POST /api/verify-email: uses the token (registration or email change).
 */
import type { Config } from '@netlify/functions';
import { getConfig } from '../src/server/config.ts';
import { verifyEmail } from '../src/server/registration.ts';
import { readFields } from '../src/server/http/body.ts';
import { answerInvalid } from '../src/server/http/form-answers.ts';
import { fieldNames, verifyEmailForm } from '../src/server/http/forms/definitions.ts';
import { verifyEmailPage } from '../src/server/http/forms/pages.ts';
import { defineHandler } from '../src/server/http/handler.ts';
import { formSuccess } from '../src/server/http/responses.ts';
import { siteFiles } from '../src/server/http/site-files.ts';
import { answerTokenPage, NO_REFERRER } from '../src/server/http/token-page.ts';

/** Where each outcome is explained. */
const NEXT = {
  confirmed: '/verify-email/confirmed/',
  pending: '/verify-email/pending/',
  emailChanged: '/verify-email/email-changed/',
} as const;

async function post(req: Request): Promise<Response> {
  const fields = await readFields(req, fieldNames(verifyEmailForm));
  const result = await verifyEmail(fields.token);
  if (!result.ok) {
    return answerInvalid(
      req,
      siteFiles,
      verifyEmailPage,
      { values: fields, errors: { token: result.message } },
      422,
      NO_REFERRER,
    );
  }
  if (result.kind === 'email-change')
    return formSuccess(req, NEXT.emailChanged, { headers: NO_REFERRER });
  const next = result.status === 'confirmed' ? NEXT.confirmed : NEXT.pending;
  return formSuccess(req, next, { headers: NO_REFERRER, body: { status: result.status } });
}

export default defineHandler(
  { GET: (req) => answerTokenPage(req, siteFiles, verifyEmailPage), POST: post },
  { siteUrl: () => getConfig().siteUrl },
);

export const config: Config = { path: ['/api/verify-email', '/verify-email', '/verify-email/'] };
