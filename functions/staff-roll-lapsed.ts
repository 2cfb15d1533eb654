/** POST /api/staff/roll/lapsed: `id`, `decision` keep | suspend for a member who left the roll. Staff only. */
import type { Config } from '@netlify/functions';
import { readFields } from '../src/server/http/body.ts';
import { HttpError } from '../src/server/http/errors.ts';
import { defineHandler } from '../src/server/http/handler.ts';
import { redirectWithFlash, siteUrl } from '../src/server/staff/http/answers.ts';
import { requireStaff } from '../src/server/staff/http/guard.ts';
import { decideLapse } from '../src/server/membership/lapse.ts';

async function post(req: Request): Promise<Response> {
  const staff = await requireStaff(req);
  const fields = await readFields(req, ['id', 'decision']);
  if (fields.decision !== 'keep' && fields.decision !== 'suspend')
    throw new HttpError(400, 'Choose keep or suspend.');
  const result = await decideLapse(fields.id, fields.decision, staff.user.username);
  return redirectWithFlash(staff, '/api/staff/roll#lapsed-title', {
    kind: result.ok ? 'ok' : 'error',
    text: result.message,
  });
}

export default defineHandler({ POST: post }, { siteUrl });

export const config: Config = { path: '/api/staff/roll/lapsed' };
