/** GET /api/session: who is logged in, for scripts: `{member: null}` or name, username, status, role. */
import type { Config } from '@netlify/functions';
import { getConfig } from '../src/server/config.ts';
import { defineHandler } from '../src/server/http/handler.ts';
import { jsonResponse } from '../src/server/http/responses.ts';
import { cookieHeaders, readRequestSession } from '../src/server/http/session.ts';

async function get(req: Request): Promise<Response> {
  const { current, setCookies } = await readRequestSession(req);
  const headers = cookieHeaders(setCookies);
  if (!current) return jsonResponse({ member: null }, 200, headers);
  const { firstName, surname, username, status, role } = current.user;
  return jsonResponse(
    { member: { name: `${firstName} ${surname}`, firstName, surname, username, status, role } },
    200,
    headers,
  );
}

export default defineHandler({ GET: get }, { siteUrl: () => getConfig().siteUrl });

export const config: Config = { path: '/api/session' };
