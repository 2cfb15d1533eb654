/**
 * GET /api/staff/reauth: the re-authentication page (`next`).
 * POST /api/staff/reauth: `password`, and `code` (authenticator app) or `passkey`
 * (a passkey's answer, as JSON text, filled in by the page script), and `next` →
 * stamps the session and 303 to `next`, or the page again (422) with what was wrong.
 * POST /api/staff/reauth/passkey-options: JSON request options for the staff
 * member's own passkeys (422 when they have none). Staff only.
 */
import type { Config } from '@netlify/functions';
import { readFields } from '../src/server/http/body.ts';
import { HttpError } from '../src/server/http/errors.ts';
import { defineHandler } from '../src/server/http/handler.ts';
import { jsonResponse } from '../src/server/http/responses.ts';
import { renderReauthPage } from '../src/server/staff/html/reauth-page.ts';
import {
  answerStaffPage,
  consolePath,
  redirectWithFlash,
  siteUrl,
} from '../src/server/staff/http/answers.ts';
import { requireStaff, type StaffRequest } from '../src/server/staff/http/guard.ts';
import {
  loadReauthState,
  reauthenticateStaff,
  type ReauthSecondFactor,
} from '../src/server/staff/reauth.ts';
import { parseAuthenticationAnswer } from '../src/server/two-factor/passkey-answer.ts';
import { passkeyConfirmationOptions } from '../src/server/two-factor/passkeys.ts';

const OPTIONS_PATH = '/api/staff/reauth/passkey-options';

async function get(req: Request): Promise<Response> {
  const staff = await requireStaff(req);
  const next = consolePath(new URL(req.url).searchParams.get('next') ?? '', '/api/staff/roll');
  return answerStaffPage(req, staff, {
    title: 'Confirm your password and second factor',
    section: '',
    body: renderReauthPage(next, await loadReauthState(staff.session)),
  });
}

async function passkeyOptions(req: Request, staff: StaffRequest): Promise<Response> {
  await readFields(req, []);
  const options = await passkeyConfirmationOptions(staff.user.id);
  if (!options)
    return jsonResponse({ ok: false, error: 'There is no passkey on your account.' }, 422);
  return jsonResponse({ ok: true, options });
}

/** The second factor the form carries: a passkey's answer when the script filled it in. */
function secondFactorOf(fields: { code: string; passkey: string }): ReauthSecondFactor {
  if (!fields.passkey) return { code: fields.code };
  const answer = parseAuthenticationAnswer(fields.passkey);
  if (!answer) throw new HttpError(400, 'The passkey answer could not be read.');
  return { passkey: answer };
}

async function post(req: Request): Promise<Response> {
  const staff = await requireStaff(req);
  if (new URL(req.url).pathname === OPTIONS_PATH) return passkeyOptions(req, staff);
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
        body: renderReauthPage(next, await loadReauthState(staff.session), result.message),
        flash: null,
      },
      422,
    );
  }
  return redirectWithFlash(staff, next, {
    kind: 'ok',
    text: 'Password and second factor confirmed: you can import or export for the next 10 minutes.',
  });
}

export default defineHandler({ GET: get, POST: post }, { siteUrl });

// Literal paths: Netlify reads this object from the source without running it.
export const config: Config = { path: ['/api/staff/reauth', '/api/staff/reauth/passkey-options'] };
