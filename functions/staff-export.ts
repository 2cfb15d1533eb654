/** POST /api/staff/export: every account as CSV, with the password re-entered within 10 minutes. Staff only. */
import type { Config } from '@netlify/functions';
import { readNoFields } from '../src/server/http/body.ts';
import { defineHandler } from '../src/server/http/handler.ts';
import { baseHeaders } from '../src/server/http/responses.ts';
import { exportMembersCsv } from '../src/server/staff/export.ts';
import { redirectWithFlash, siteUrl } from '../src/server/staff/http/answers.ts';
import { requireStaff } from '../src/server/staff/http/guard.ts';
import { hasRecentReauth, REAUTH_MESSAGES } from '../src/server/staff/reauth.ts';

async function post(req: Request): Promise<Response> {
  const staff = await requireStaff(req);
  await readNoFields(req);
  if (!(await hasRecentReauth(staff.session.id))) {
    return redirectWithFlash(staff, '/api/staff/members', {
      kind: 'error',
      text: REAUTH_MESSAGES.needed,
    });
  }
  const csv = await exportMembersCsv(staff.user.username);
  const headers = baseHeaders();
  for (const cookie of staff.setCookies) headers.append('Set-Cookie', cookie);
  headers.set('Content-Type', 'text/csv; charset=utf-8');
  const day = new Date().toISOString().slice(0, 10);
  headers.set('Content-Disposition', `attachment; filename="members-${day}.csv"`);
  return new Response(csv, { status: 200, headers });
}

export default defineHandler({ POST: post }, { siteUrl });

export const config: Config = { path: '/api/staff/export' };
