/** GET /api/staff/members: search accounts by name, username, email or full warrant number (`q`, `status`). Staff only. */
import type { Config } from '@netlify/functions';
import { defineHandler } from '../src/server/http/handler.ts';
import { renderMembersPage } from '../src/server/staff/html/members-page.ts';
import { answerStaffPage, siteUrl } from '../src/server/staff/http/answers.ts';
import { requireStaff } from '../src/server/staff/http/guard.ts';
import { parseStatus, searchMembers } from '../src/server/staff/members.ts';
import { hasRecentReauth } from '../src/server/staff/reauth.ts';

async function get(req: Request): Promise<Response> {
  const staff = await requireStaff(req);
  const params = new URL(req.url).searchParams;
  const q = (params.get('q') ?? '').slice(0, 200);
  const status = parseStatus(params.get('status'));
  const searched = params.has('q') || params.has('status');
  const results = searched ? await searchMembers(q, status) : null;
  const reauthFresh = await hasRecentReauth(staff.session.id);
  return answerStaffPage(req, staff, {
    title: 'Members',
    section: '/api/staff/members',
    body: renderMembersPage({ q, status: status ?? '', results, reauthFresh }),
  });
}

export default defineHandler({ GET: get }, { siteUrl });

export const config: Config = { path: '/api/staff/members' };
