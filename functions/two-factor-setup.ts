/**
 * POST /api/two-factor/setup: `code` (from the key on /two-factor/setup/),
 * `next`. Turns TOTP on, replaces the session with a fully signed-in one and
 * answers with the ten recovery codes, shown this once.
 */
import type { Config } from '@netlify/functions';
import { getConfig } from '../src/server/config.ts';
import { requireSignedIn } from '../src/server/http/account-forms.ts';
import { readFields } from '../src/server/http/body.ts';
import { describeRateLimit } from '../src/server/http/retry-after.ts';
import { fieldNames, setupTwoFactorForm } from '../src/server/http/forms/definitions.ts';
import { FORM_ERROR } from '../src/server/http/forms/spec.ts';
import { defineHandler } from '../src/server/http/handler.ts';
import { htmlResponse, jsonResponse, seeOther, wantsJson } from '../src/server/http/responses.ts';
import { cookieHeaders, isSecureRequest } from '../src/server/http/session.ts';
import { siteFiles } from '../src/server/http/site-files.ts';
import {
  renderRecoveryCodesPage,
  renderSetupPage,
  setupReturnPath,
} from '../src/server/http/two-factor-pages.ts';
import { buildSessionCookie } from '../src/server/session-cookie.ts';
import { confirmTotpSetup, startTotpSetup } from '../src/server/two-factor/two-factor.ts';

async function post(req: Request): Promise<Response> {
  const signedIn = await requireSignedIn(req);
  if (signedIn instanceof Response) return signedIn;
  const fields = await readFields(req, fieldNames(setupTwoFactorForm));
  const user = signedIn.current.user;
  const next = setupReturnPath(fields.next, user.role);
  const result = await confirmTotpSetup(
    { id: signedIn.current.session.id, userId: user.id },
    fields.code,
  );
  if (result.ok) {
    const cookie = buildSessionCookie(result.token, result.maxAgeSeconds, isSecureRequest(req));
    const headers = cookieHeaders([cookie]);
    if (wantsJson(req))
      return jsonResponse({ ok: true, recoveryCodes: result.recoveryCodes, next }, 200, headers);
    return htmlResponse(
      renderRecoveryCodesPage(siteFiles, user, result.recoveryCodes, next),
      200,
      headers,
    );
  }
  const headers = cookieHeaders(signedIn.setCookies);
  const locked = 'locked' in result ? describeRateLimit(result.retryAfter) : null;
  const errors = 'errors' in result ? result.errors : { [FORM_ERROR]: locked!.message };
  const status = locked ? 429 : 422;
  if (locked) headers.set('Retry-After', String(locked.seconds));
  if (wantsJson(req)) return jsonResponse({ ok: false, errors }, status, headers);
  const totp = await startTotpSetup({ id: user.id, username: user.username });
  if (!totp) return seeOther('/members/account/', headers);
  const page = renderSetupPage(siteFiles, user, totp, next, { values: { next }, errors });
  return htmlResponse(page, status, headers);
}

export default defineHandler({ POST: post }, { siteUrl: () => getConfig().siteUrl });

export const config: Config = { path: '/api/two-factor/setup' };
