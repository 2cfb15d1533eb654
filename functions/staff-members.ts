/**
 * GET|POST /api/staff/members: search accounts by name, username, email or full
 * warrant number (`q`, `status`). Staff only. The search form POSTs so that a
 * warrant number never lands in a URL, browser history or an access log; GET
 * serves the page and plain filter links.
 */
import type { Config } from '@netlify/functions';
import { readFields } from '../src/server/http/body.ts';
import { defineHandler } from '../src/server/http/handler.ts';
import { renderMembersPage } from '../src/server/staff/html/members-page.ts';
import { answerStaffPage, siteUrl } from '../src/server/staff/http/answers.ts';
import { requireStaff } from '../src/server/staff/http/guard.ts';
import { parseStatus, searchMembers } from '../src/server/staff/members.ts';
import { loadReauthState } from '../src/server/staff/reauth.ts';

interface Search {
  q: string;
  status: string | null;
  searched: boolean;
}

async function get(req: Request): Promise<Response> {
  const params = new URL(req.url).searchParams;
  return answerSearch(req, {
    q: params.get('q') ?? '',
    status: params.get('status'),
    searched: params.has('q') || params.has('status'),
  });
}

async function post(req: Request): Promise<Response> {
  const fields = await readFields(req, ['q', 'status'] as const);
  return answerSearch(req, { q: fields.q, status: fields.status, searched: true });
}

async function answerSearch(req: Request, search: Search): Promise<Response> {
  const staff = await requireStaff(req);
  const q = search.q.slice(0, 200);
  const status = parseStatus(search.status);
  const results = search.searched ? await searchMembers(q, status) : null;
  const reauth = await loadReauthState(staff.session);
  return answerStaffPage(req, staff, {
    title: 'Members',
    section: '/api/staff/members',
    body: renderMembersPage({ q, status: status ?? '', results, reauth }),
  });
}

export default defineHandler({ GET: get, POST: post }, { siteUrl });

export const config: Config = { path: '/api/staff/members' };
