/** POST /api/account/export: everything the members area holds about the member, as a JSON download. */
import type { Config } from '@netlify/functions';
import { exportMemberData } from '../src/server/account.ts';
import { getConfig } from '../src/server/config.ts';
import { requireSignedIn } from '../src/server/http/account-forms.ts';
import { readNoFields } from '../src/server/http/body.ts';
import { defineHandler } from '../src/server/http/handler.ts';
import { jsonResponse } from '../src/server/http/responses.ts';
import { cookieHeaders } from '../src/server/http/session.ts';

async function post(req: Request): Promise<Response> {
  const signedIn = await requireSignedIn(req);
  if (signedIn instanceof Response) return signedIn;
  await readNoFields(req);
  const data = await exportMemberData(signedIn.current.user.id);
  const headers = cookieHeaders(signedIn.setCookies);
  headers.set('Content-Disposition', 'attachment; filename="my-members-area-data.json"');
  return jsonResponse(data, 200, headers);
}

export default defineHandler({ POST: post }, { siteUrl: () => getConfig().siteUrl });

export const config: Config = { path: '/api/account/export' };
