/**
 * GET /two-factor/: the second step of signing in (a half-signed-in session only).
 * GET /two-factor/setup/: the QR code and key of a new authenticator, for a
 * signed-in account without one. `next` (a same-site path) is carried through.
 */
import type { Config } from '@netlify/functions';
import { getConfig } from '../src/server/config.ts';
import { ACCOUNT_PATH } from '../src/server/http/account-page.ts';
import { defineHandler } from '../src/server/http/handler.ts';
import { DEFAULT_AFTER_LOGIN, safeNextPath } from '../src/server/http/next-path.ts';
import { htmlResponse, seeOther } from '../src/server/http/responses.ts';
import { cookieHeaders, readRequestSession } from '../src/server/http/session.ts';
import { siteFiles } from '../src/server/http/site-files.ts';
import {
  renderSetupPage,
  renderVerifyPage,
  setupReturnPath,
} from '../src/server/http/two-factor-pages.ts';
import { startTotpSetup } from '../src/server/two-factor/two-factor.ts';

async function get(req: Request): Promise<Response> {
  const url = new URL(req.url);
  if (!url.pathname.endsWith('/')) return seeOther(`${url.pathname}/${url.search}`);
  const setup = url.pathname === '/two-factor/setup/';
  if (!setup && url.pathname !== '/two-factor/') return seeOther('/two-factor/');
  const next = safeNextPath(url.searchParams.get('next')) ?? DEFAULT_AFTER_LOGIN;
  const { current, halfSignedIn, setCookies } = await readRequestSession(req);
  const headers = cookieHeaders(setCookies);
  if (halfSignedIn) {
    if (setup) return seeOther(`/two-factor/?next=${encodeURIComponent(url.pathname)}`, headers);
    return htmlResponse(renderVerifyPage(siteFiles, next), 200, headers);
  }
  if (!current) {
    const back = encodeURIComponent(setup ? url.pathname + url.search : next);
    return seeOther(`/login/?next=${back}`, headers);
  }
  if (!setup) return seeOther(next, headers);
  const totp = await startTotpSetup({ id: current.user.id, username: current.user.username });
  if (!totp) return seeOther(ACCOUNT_PATH, headers);
  const back = setupReturnPath(url.searchParams.get('next'), current.user.role);
  return htmlResponse(renderSetupPage(siteFiles, current.user, totp, back), 200, headers);
}

export default defineHandler({ GET: get }, { siteUrl: () => getConfig().siteUrl });

export const config: Config = {
  path: ['/two-factor', '/two-factor/', '/two-factor/setup', '/two-factor/setup/'],
};
