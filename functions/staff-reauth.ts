/**
 * GET /api/staff/reauth: the password re-entry page (`next`).
 * POST /api/staff/reauth: `password`, `code`, `next` → stamps the session and 303 to `next`,
 * or the page again (422) when the password is wrong. Staff only.
 */
import type { Config } from '@netlify/functions';
import { readFields } from '../src/server/http/body.ts';
import { defineHandler } from '../src/server/http/handler.ts';
import { renderReauthPage } from '../src/server/staff/html/reauth-page.ts';
import {
  answerStaffPage,
  consolePath,
  redirectWithFlash,
  siteUrl,
} from '../src/server/staff/http/answers.ts';
import { requireStaff } from '../src/server/staff/http/guard.ts';
import { reauthenticateStaff } from '../src/server/staff/reauth.ts';

async function get(req: Request): Promise<Response> {
  const staff = await requireStaff(req);
  const next = consolePath(new URL(req.url).searchParams.get('next') ?? '', '/api/staff/roll');
  return answerStaffPage(req, staff, {
    title: 'Confirm your password and code',
    section: '',
    body: renderReauthPage(next),
  });
}

async function post(req: Request): Promise<Response> {
  const staff = await requireStaff(req);
  const fields = await readFields(req, ['password', 'code', 'next']);
  const next = consolePath(fields.next, '/api/staff/roll');
  const result = await reauthenticateStaff(staff.session, fields.password, fields.code);
  if (!result.ok) {
    return answerStaffPage(
      req,
      staff,
      {
        title: 'Error: Confirm your password and code',
        section: '',
        body: renderReauthPage(next, result.message),
        flash: null,
      },
      422,
    );
  }
  return redirectWithFlash(staff, next, {
    kind: 'ok',
    text: 'Password and code confirmed: you can import or export for the next 10 minutes.',
  });
}

export default defineHandler({ GET: get, POST: post }, { siteUrl });

export const config: Config = { path: '/api/staff/reauth' };
