/**
 * GET /api/staff/team: staff accounts and the invitation form.
 * POST /api/staff/team: `firstName`, `surname`, `email`, `username` → the new
 * staff member is emailed a set-password link; 303 back, or 422 with errors. Staff only.
 */
import type { Config } from '@netlify/functions';
import { readFields } from '../src/server/http/body.ts';
import { defineHandler } from '../src/server/http/handler.ts';
import { renderTeamPage } from '../src/server/staff/html/team-page.ts';
import { answerStaffPage, redirectWithFlash, siteUrl } from '../src/server/staff/http/answers.ts';
import { requireStaff } from '../src/server/staff/http/guard.ts';
import { inviteStaff, listStaff } from '../src/server/staff/invite.ts';

async function get(req: Request): Promise<Response> {
  const staff = await requireStaff(req);
  return answerStaffPage(req, staff, {
    title: 'Staff',
    section: '/api/staff/team',
    body: renderTeamPage({ staff: await listStaff() }),
  });
}

async function post(req: Request): Promise<Response> {
  const staff = await requireStaff(req);
  const fields = await readFields(req, ['firstName', 'surname', 'email', 'username']);
  const result = await inviteStaff(fields, staff.user.username);
  if (!result.ok) {
    const body = renderTeamPage({
      staff: await listStaff(),
      values: fields,
      errors: result.errors,
    });
    return answerStaffPage(
      req,
      staff,
      { title: 'Error: Staff', section: '/api/staff/team', body, flash: null },
      422,
    );
  }
  return redirectWithFlash(staff, '/api/staff/team', { kind: 'ok', text: result.message });
}

export default defineHandler({ GET: get, POST: post }, { siteUrl });

export const config: Config = { path: '/api/staff/team' };
