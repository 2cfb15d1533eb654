/**
 * GET /reset-password/?token=: the new-password form with the token in a hidden field.
 * POST /api/password/reset: sets the password and ends every session of the account.
 * GET /set-password/?token=, POST /api/password/set: the same for an invited colleague's
 * first password, on a page worded for an invitation.
 */
import type { Config, Context } from '@netlify/functions';
import { getConfig } from '../src/server/config.ts';
import { isTokenShaped } from '../src/server/email-tokens.ts';
import { resetPassword } from '../src/server/password-reset.ts';
import { INVALID_LINK_MESSAGE } from '../src/server/registration.ts';
import { checkPassword } from '../src/server/rules/password-policy.ts';
import { readFields } from '../src/server/http/body.ts';
import { consumeFormIpToken } from '../src/server/http/client-ip.ts';
import { answerInvalid, answerRateLimited } from '../src/server/http/form-answers.ts';
import { fieldNames, resetPasswordForm } from '../src/server/http/forms/definitions.ts';
import { resetPasswordPage, setPasswordPage } from '../src/server/http/forms/pages.ts';
import type { FormPage } from '../src/server/http/form-answers.ts';
import { defineHandler } from '../src/server/http/handler.ts';
import { formSuccess } from '../src/server/http/responses.ts';
import { siteFiles } from '../src/server/http/site-files.ts';
import { answerTokenPage, NO_REFERRER } from '../src/server/http/token-page.ts';

/** The reset and the invitation share the rules; each has its own page and wording. */
function flowFor(req: Request): { page: FormPage; next: string } {
  const { pathname } = new URL(req.url);
  return pathname.startsWith('/set-password') || pathname === '/api/password/set'
    ? { page: setPasswordPage, next: '/set-password/done/' }
    : { page: resetPasswordPage, next: '/reset-password/done/' };
}

async function post(req: Request, context: Context): Promise<Response> {
  const flow = flowFor(req);
  const fields = await readFields(req, fieldNames(resetPasswordForm));
  const values = { token: fields.token };
  if (!isTokenShaped(fields.token)) {
    return answerInvalid(
      req,
      siteFiles,
      flow.page,
      { values, errors: { token: INVALID_LINK_MESSAGE } },
      422,
      NO_REFERRER,
    );
  }
  const basic = checkPassword(fields.password, { siteName: getConfig().siteName });
  if (!basic.ok) {
    return answerInvalid(
      req,
      siteFiles,
      flow.page,
      { values, errors: { password: basic.message } },
      422,
      NO_REFERRER,
    );
  }
  // Per-IP limit before the new password is hashed.
  const bucket = await consumeFormIpToken(context);
  if (!bucket.allowed)
    return answerRateLimited(req, siteFiles, flow.page, bucket.retryAfter, values);
  const result = await resetPassword(fields.token, fields.password);
  if (!result.ok)
    return answerInvalid(
      req,
      siteFiles,
      flow.page,
      { values, errors: result.errors },
      422,
      NO_REFERRER,
    );
  return formSuccess(req, flow.next, { headers: NO_REFERRER });
}

export default defineHandler(
  { GET: (req) => answerTokenPage(req, siteFiles, flowFor(req).page), POST: post },
  { siteUrl: () => getConfig().siteUrl },
);

export const config: Config = {
  path: [
    '/api/password/reset',
    '/reset-password',
    '/reset-password/',
    '/api/password/set',
    '/set-password',
    '/set-password/',
  ],
};
