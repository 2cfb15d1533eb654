/** POST /api/account/password: changes the password (the current one is required); ends other sessions. */
import type { Config } from '@netlify/functions';
import { changePassword } from '../src/server/account.ts';
import { getConfig } from '../src/server/config.ts';
import { buildSessionCookie } from '../src/server/session-cookie.ts';
import { answerAccountInvalid, requireSignedIn } from '../src/server/http/account-forms.ts';
import { readFields } from '../src/server/http/body.ts';
import { changePasswordForm, fieldNames } from '../src/server/http/forms/definitions.ts';
import { defineHandler } from '../src/server/http/handler.ts';
import { formSuccess } from '../src/server/http/responses.ts';
import { cookieHeaders, isSecureRequest } from '../src/server/http/session.ts';
import { siteFiles } from '../src/server/http/site-files.ts';

const NEXT = '/members/account/password-changed/';

async function post(req: Request): Promise<Response> {
  const signedIn = await requireSignedIn(req);
  if (signedIn instanceof Response) return signedIn;
  const fields = await readFields(req, fieldNames(changePasswordForm));
  const errors: Record<string, string> = {};
  if (fields.currentPassword === '') errors.currentPassword = 'Enter your current password';
  if (fields.newPassword === '') errors.newPassword = 'Enter a new password';
  if (Object.keys(errors).length > 0) {
    return answerAccountInvalid(req, siteFiles, signedIn, changePasswordForm, { errors });
  }
  const result = await changePassword(
    signedIn.current.user.id,
    fields.currentPassword,
    fields.newPassword,
  );
  if (!result.ok)
    return answerAccountInvalid(req, siteFiles, signedIn, changePasswordForm, {
      errors: result.errors,
    });
  // Every old session ended with the change; this browser continues on a new one.
  const cookie = buildSessionCookie(result.token, result.maxAgeSeconds, isSecureRequest(req));
  return formSuccess(req, NEXT, { headers: cookieHeaders([cookie]) });
}

export default defineHandler({ POST: post }, { siteUrl: () => getConfig().siteUrl });

export const config: Config = { path: '/api/account/password' };
