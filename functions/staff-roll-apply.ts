/**
 * POST /api/staff/roll/apply: `id`, `sha256` of a previewed upload. Applies
 * exactly that upload (password re-entered within 10 minutes), then 303 to
 * the roll page. Staff only.
 */
import type { Config } from '@netlify/functions';
import { readFields } from '../src/server/http/body.ts';
import { defineHandler } from '../src/server/http/handler.ts';
import { redirectWithFlash, siteUrl } from '../src/server/staff/http/answers.ts';
import { requireStaff } from '../src/server/staff/http/guard.ts';
import { hasRecentReauth, REAUTH_MESSAGES } from '../src/server/staff/reauth.ts';
import { applyRollImport } from '../src/server/staff/roll-import.ts';

async function post(req: Request): Promise<Response> {
  const staff = await requireStaff(req);
  const fields = await readFields(req, ['id', 'sha256']);
  if (!(await hasRecentReauth(staff.session.id))) {
    return redirectWithFlash(staff, `/api/staff/roll?preview=${encodeURIComponent(fields.id)}`, {
      kind: 'error',
      text: REAUTH_MESSAGES.needed,
    });
  }
  const result = await applyRollImport(fields.id, fields.sha256, {
    id: staff.user.id,
    username: staff.user.username,
  });
  if (!result.ok)
    return redirectWithFlash(staff, '/api/staff/roll', { kind: 'error', text: result.message });
  const p = result.preview;
  const text =
    `Roll imported: ${p.rows} rows (${p.added} added, ${p.removed} removed, ${p.changedStatus} changed status).` +
    (p.lapsing
      ? ` ${p.lapsing} confirmed member${p.lapsing === 1 ? '' : 's'} left the roll: decide on them below.`
      : '');
  return redirectWithFlash(staff, '/api/staff/roll', { kind: 'ok', text });
}

export default defineHandler({ POST: post }, { siteUrl });

export const config: Config = { path: '/api/staff/roll/apply' };
