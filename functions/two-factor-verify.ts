/**
 * POST /api/two-factor/verify: `code` or `recoveryCode`, `next`. The second
 * step of signing in: on success the half-signed-in session is replaced by a
 * new, fully signed-in one (no fixation) and the browser goes to `next`.
 */
import type { Config } from '@netlify/functions';
import { getConfig } from '../src/server/config.ts';
import { readFields } from '../src/server/http/body.ts';
import { describeRateLimit } from '../src/server/http/retry-after.ts';
import { recoveryCodeForm, twoFactorCodeForm } from '../src/server/http/forms/definitions.ts';
import { FORM_ERROR } from '../src/server/http/forms/spec.ts';
import { defineHandler } from '../src/server/http/handler.ts';
import { chooseNextPath } from '../src/server/http/next-path.ts';
import {
  formSuccess,
  htmlResponse,
  jsonResponse,
  seeOther,
  wantsJson,
} from '../src/server/http/responses.ts';
import { cookieHeaders, isSecureRequest, readRequestSession } from '../src/server/http/session.ts';
import { siteFiles } from '../src/server/http/site-files.ts';
import { renderVerifyPage } from '../src/server/http/two-factor-pages.ts';
import { buildSessionCookie } from '../src/server/session-cookie.ts';
import { verifySecondFactor } from '../src/server/two-factor/two-factor.ts';

async function post(req: Request): Promise<Response> {
  const fields = await readFields(req, ['code', 'recoveryCode', 'next']);
  const next = chooseNextPath(fields.next, req.headers.get('referer'), getConfig().siteUrl);
  const { current, halfSignedIn, setCookies } = await readRequestSession(req);
  const headers = cookieHeaders(setCookies);
  if (!halfSignedIn) {
    // Already through (a second tab), or not signed in at all.
    if (current) return formSuccess(req, next, { headers });
    if (wantsJson(req)) return jsonResponse({ ok: false, error: 'Log in first.' }, 401, headers);
    return seeOther(`/login/?next=${encodeURIComponent(next)}`, headers);
  }
  const result = await verifySecondFactor(
    { id: halfSignedIn.session.id, userId: halfSignedIn.user.id },
    { code: fields.code, recoveryCode: fields.recoveryCode },
  );
  if (result.ok) {
    const cookie = buildSessionCookie(result.token, result.maxAgeSeconds, isSecureRequest(req));
    return formSuccess(req, next, { headers: cookieHeaders([cookie]) });
  }
  const locked = 'locked' in result ? describeRateLimit(result.retryAfter) : null;
  const errors = 'errors' in result ? result.errors : { [FORM_ERROR]: locked!.message };
  const status = locked ? 429 : 422;
  if (locked) headers.set('Retry-After', String(locked.seconds));
  if (wantsJson(req)) return jsonResponse({ ok: false, errors }, status, headers);
  const form =
    'recoveryCode' in errors || fields.code.trim() === '' ? recoveryCodeForm : twoFactorCodeForm;
  const page = renderVerifyPage(siteFiles, next, { form, state: { errors } });
  return htmlResponse(page, status, headers);
}

export default defineHandler({ POST: post }, { siteUrl: () => getConfig().siteUrl });

export const config: Config = { path: '/api/two-factor/verify' };
