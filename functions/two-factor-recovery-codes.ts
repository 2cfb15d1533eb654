/**
 * POST /api/two-factor/recovery-codes: `password`. Makes ten new recovery
 * codes (the old ones stop working) and shows them once.
 */
import type { Config } from '@netlify/functions';
import { getConfig } from '../src/server/config.ts';
import { answerAccountRefusal, requireSignedIn } from '../src/server/http/account-forms.ts';
import { ACCOUNT_PATH } from '../src/server/http/account-page.ts';
import { readFields } from '../src/server/http/body.ts';
import { fieldNames, recoveryCodesForm } from '../src/server/http/forms/definitions.ts';
import { defineHandler } from '../src/server/http/handler.ts';
import { htmlResponse, jsonResponse, wantsJson } from '../src/server/http/responses.ts';
import { cookieHeaders } from '../src/server/http/session.ts';
import { siteFiles } from '../src/server/http/site-files.ts';
import { renderRecoveryCodesPage } from '../src/server/http/two-factor-pages.ts';
import { regenerateRecoveryCodes } from '../src/server/two-factor/two-factor.ts';

async function post(req: Request): Promise<Response> {
  const signedIn = await requireSignedIn(req);
  if (signedIn instanceof Response) return signedIn;
  const fields = await readFields(req, fieldNames(recoveryCodesForm));
  const result = await regenerateRecoveryCodes(signedIn.current.user.id, fields.password);
  const headers = cookieHeaders(signedIn.setCookies);
  if (result.ok) {
    if (wantsJson(req))
      return jsonResponse({ ok: true, recoveryCodes: result.recoveryCodes }, 200, headers);
    const page = renderRecoveryCodesPage(
      siteFiles,
      signedIn.current.user,
      result.recoveryCodes,
      ACCOUNT_PATH,
    );
    return htmlResponse(page, 200, headers);
  }
  return answerAccountRefusal(req, siteFiles, signedIn, recoveryCodesForm, result);
}

export default defineHandler({ POST: post }, { siteUrl: () => getConfig().siteUrl });

export const config: Config = { path: '/api/two-factor/recovery-codes' };
