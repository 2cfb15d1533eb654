/** GET /api/staff/audit: the audit log, filtered by `actor`, `action`, `from`, `to` (dates), paged. Staff only. */
import type { Config } from '@netlify/functions';
import { defineHandler } from '../src/server/http/handler.ts';
import { readPageNumber } from '../src/server/http/page-number.ts';
import { listAuditActions, listAuditEntries } from '../src/server/staff/audit-view.ts';
import { renderAuditPage } from '../src/server/staff/html/audit-page.ts';
import { answerStaffPage, siteUrl } from '../src/server/staff/http/answers.ts';
import { requireStaff } from '../src/server/staff/http/guard.ts';

async function get(req: Request): Promise<Response> {
  const staff = await requireStaff(req);
  const params = new URL(req.url).searchParams;
  const read = (name: string) => (params.get(name) ?? '').slice(0, 100);
  const filter = {
    actor: read('actor'),
    action: read('action'),
    from: read('from'),
    to: read('to'),
  };
  const [page, actions] = await Promise.all([
    listAuditEntries(filter, readPageNumber(params.get('page'))),
    listAuditActions(),
  ]);
  return answerStaffPage(req, staff, {
    title: 'Audit log',
    section: '/api/staff/audit',
    body: renderAuditPage({ filter, actions, page }),
  });
}

export default defineHandler({ GET: get }, { siteUrl });

export const config: Config = { path: '/api/staff/audit' };
