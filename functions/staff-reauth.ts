/**
 * GET /api/staff/reauth: the re-authentication page (`next`).
 * POST /api/staff/reauth: `password`, and `code` (authenticator app) or `passkey`
 * (the proof from /api/passkeys/confirm, filled in by the page script), and
 * `next` → stamps the session and 303 to `next`, or the page again (422) with
 * what was wrong. Staff only.
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
import {
  loadReauthState,
  reauthenticateStaff,
  type ReauthSecondFactor,
} from '../src/server/staff/reauth.ts';

async function get(req: Request): Promise<Response> {
  const staff = await requireStaff(req);
  const next = consolePath(new URL(req.url).searchParams.get('next') ?? '', '/api/staff/roll');
  return answerStaffPage(req, staff, {
    title: 'Confirm your password and second factor',
    section: '',
    body: renderReauthPage(next, await loadReauthState(staff.session)),
  });
}

/** The second factor the form carries: a passkey's proof when the script filled it in. */
function secondFactorOf(fields: { code: string; passkey: string }): ReauthSecondFactor {
  return fields.passkey ? { passkeyProof: fields.passkey } : { code: fields.code };
}

async function post(req: Request): Promise<Response> {
  const staff = await requireStaff(req);
  const fields = await readFields(req, ['password', 'code', 'passkey', 'next']);
  const next = consolePath(fields.next, '/api/staff/roll');
  const result = await reauthenticateStaff(staff.session, fields.password, secondFactorOf(fields));
  if (!result.ok) {
    return answerStaffPage(
      req,
      staff,
      {
        title: 'Error: Confirm your password and second factor',
        section: '',
        body: renderReauthPage(next, await loadReauthState(staff.session), result),
        flash: null,
      },
      422,
    );
  }
  return redirectWithFlash(staff, next, {
    kind: 'ok',
    text: 'Password and second factor confirmed for the next 10 minutes: go on with what you were doing.',
  });
}

export default defineHandler({ GET: get, POST: post }, { siteUrl });

export const config: Config = { path: '/api/staff/reauth' };
