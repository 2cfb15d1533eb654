/** POST /api/logout: ends this session and deletes the cookie. Never on GET. */
import type { Config } from '@netlify/functions';
import { getConfig } from '../src/server/config.ts';
import { invalidateSession } from '../src/server/sessions.ts';
import { buildBlankSessionCookie } from '../src/server/session-cookie.ts';
import { readNoFields } from '../src/server/http/body.ts';
import { defineHandler } from '../src/server/http/handler.ts';
import { formSuccess } from '../src/server/http/responses.ts';
import { cookieHeaders, isSecureRequest, readRequestSession } from '../src/server/http/session.ts';

async function post(req: Request): Promise<Response> {
  await readNoFields(req);
  const { current, halfSignedIn } = await readRequestSession(req);
  const session = current ?? halfSignedIn;
  if (session) await invalidateSession(session.session.id);
  const blank = buildBlankSessionCookie(isSecureRequest(req));
  return formSuccess(req, '/', { headers: cookieHeaders([blank]) });
}

export default defineHandler({ POST: post }, { siteUrl: () => getConfig().siteUrl });

export const config: Config = { path: '/api/logout' };
