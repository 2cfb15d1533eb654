/**
 * GET /api/staff/members/:id: one account, its status and history.
 * POST /api/staff/members/:id: `action` revoke | suspend (`reason`) | reinstate |
 * erase (`confirm` = the username) | reset-two-factor (another staff account
 * that lost every second factor; password and second factor re-entered within
 * 10 minutes), then 303 with a status message. Staff only.
 */
import type { Config, Context } from '@netlify/functions';
import { readFields } from '../src/server/http/body.ts';
import { HttpError } from '../src/server/http/errors.ts';
import { defineHandler } from '../src/server/http/handler.ts';
import { renderMemberPage } from '../src/server/staff/html/members-page.ts';
import { answerStaffPage, redirectWithFlash, siteUrl } from '../src/server/staff/http/answers.ts';
import { requireStaff } from '../src/server/staff/http/guard.ts';
import { hasRecentReauth, REAUTH_MESSAGES } from '../src/server/staff/reauth.ts';
import { eraseMember } from '../src/server/membership/erase.ts';
import { suspendMember } from '../src/server/membership/end.ts';
import { reinstateMember } from '../src/server/membership/standing.ts';
import { getMemberDetail, revokeMemberSessions } from '../src/server/staff/members.ts';
import { resetStaffTwoFactor } from '../src/server/two-factor/two-factor.ts';

function memberId(context: Context): string {
  const id = context.params?.id ?? '';
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw new HttpError(404, 'There is no such account.');
  return id;
}

async function get(req: Request, context: Context): Promise<Response> {
  const staff = await requireStaff(req);
  const detail = await getMemberDetail(memberId(context));
  if (!detail) throw new HttpError(404, 'There is no such account: it may have been erased.');
  return answerStaffPage(req, staff, {
    title: detail.name,
    section: '/api/staff/members',
    body: renderMemberPage(detail),
  });
}

async function post(req: Request, context: Context): Promise<Response> {
  const staff = await requireStaff(req);
  const id = memberId(context);
  const fields = await readFields(req, ['action', 'reason', 'confirm']);
  const actor = staff.user.username;
  const here = `/api/staff/members/${encodeURIComponent(id)}`;
  let result;
  switch (fields.action) {
    case 'revoke':
      result = await revokeMemberSessions(id, actor);
      break;
    case 'suspend': {
      result = await suspendMember(id, actor, fields.reason);
      // A reason to correct is shown beside its box, as typed; nothing was changed.
      const detail = !result.ok && result.field === 'reason' && (await getMemberDetail(id));
      if (detail) {
        return answerStaffPage(
          req,
          staff,
          {
            title: `Error: ${detail.name}`,
            section: '/api/staff/members',
            body: renderMemberPage(detail, { reason: fields.reason, message: result.message }),
            flash: null,
          },
          422,
        );
      }
      break;
    }
    case 'reinstate':
      result = await reinstateMember(id, actor);
      break;
    case 'reset-two-factor':
      // It leaves a colleague with a password alone: a stolen session must not be enough.
      if (!(await hasRecentReauth(staff.session.id))) {
        return redirectWithFlash(staff, `/api/staff/reauth?next=${encodeURIComponent(here)}`, {
          kind: 'error',
          text: REAUTH_MESSAGES.neededForReset,
        });
      }
      result = await resetStaffTwoFactor({ id: staff.user.id, username: actor }, id);
      break;
    case 'erase':
      result = await eraseMember(id, fields.confirm, actor);
      if (result.ok)
        return redirectWithFlash(staff, '/api/staff/members', { kind: 'ok', text: result.message });
      break;
    default:
      throw new HttpError(400, 'Unknown action.');
  }
  return redirectWithFlash(staff, here, { kind: result.ok ? 'ok' : 'error', text: result.message });
}

export default defineHandler({ GET: get, POST: post }, { siteUrl });

export const config: Config = { path: '/api/staff/members/:id' };
