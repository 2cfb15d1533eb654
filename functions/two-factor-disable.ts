/** POST /api/two-factor/disable: `password`, `code`. Turns two-factor sign-in off (members only). */
import type { Config } from '@netlify/functions';
import { getConfig } from '../src/server/config.ts';
import { answerAccountRefusal, requireSignedIn } from '../src/server/http/account-forms.ts';
import { ACCOUNT_PATH } from '../src/server/http/account-page.ts';
import { readFields } from '../src/server/http/body.ts';
import { disableTwoFactorForm, fieldNames } from '../src/server/http/forms/definitions.ts';
import { defineHandler } from '../src/server/http/handler.ts';
import { formSuccess } from '../src/server/http/responses.ts';
import { cookieHeaders } from '../src/server/http/session.ts';
import { siteFiles } from '../src/server/http/site-files.ts';
import { disableTwoFactor } from '../src/server/two-factor/two-factor.ts';

async function post(req: Request): Promise<Response> {
  const signedIn = await requireSignedIn(req);
  if (signedIn instanceof Response) return signedIn;
  const fields = await readFields(req, fieldNames(disableTwoFactorForm));
  const result = await disableTwoFactor(signedIn.current.user.id, fields);
  if (result.ok)
    return formSuccess(req, ACCOUNT_PATH, { headers: cookieHeaders(signedIn.setCookies) });
  return answerAccountRefusal(req, siteFiles, signedIn, disableTwoFactorForm, result);
}

export default defineHandler({ POST: post }, { siteUrl: () => getConfig().siteUrl });

export const config: Config = { path: '/api/two-factor/disable' };
