/** POST /api/account/delete: erases the account after checking the password, and logs out. */
import type { Config } from '@netlify/functions';
import { currentPasswordMessage } from '../src/server/account.ts';
import { eraseAccount } from '../src/server/membership/erase.ts';
import { getConfig } from '../src/server/config.ts';
import { checkAccountPassword } from '../src/server/password-check.ts';
import { buildBlankSessionCookie } from '../src/server/session-cookie.ts';
import { findUserById } from '../src/server/users.ts';
import { answerAccountInvalid, requireSignedIn } from '../src/server/http/account-forms.ts';
import { readFields } from '../src/server/http/body.ts';
import { deleteAccountForm, fieldNames } from '../src/server/http/forms/definitions.ts';
import { defineHandler } from '../src/server/http/handler.ts';
import { formSuccess } from '../src/server/http/responses.ts';
import { cookieHeaders, isSecureRequest } from '../src/server/http/session.ts';
import { siteFiles } from '../src/server/http/site-files.ts';

const NEXT = '/account-deleted/';

async function post(req: Request): Promise<Response> {
  const signedIn = await requireSignedIn(req);
  if (signedIn instanceof Response) return signedIn;
  const fields = await readFields(req, fieldNames(deleteAccountForm));
  if (fields.password === '') {
    return answerAccountInvalid(req, siteFiles, signedIn, deleteAccountForm, {
      errors: { password: 'Enter your password to confirm' },
    });
  }
  const user = await findUserById(signedIn.current.user.id);
  const check = user ? await checkAccountPassword(user, fields.password) : 'wrong';
  if (!user || check !== 'ok') {
    return answerAccountInvalid(req, siteFiles, signedIn, deleteAccountForm, {
      errors: { password: currentPasswordMessage(check === 'locked' ? 'locked' : 'wrong') },
    });
  }
  await eraseAccount(user.id);
  const blank = buildBlankSessionCookie(isSecureRequest(req));
  return formSuccess(req, NEXT, { headers: cookieHeaders([blank]) });
}

export default defineHandler({ POST: post }, { siteUrl: () => getConfig().siteUrl });

export const config: Config = { path: '/api/account/delete' };
