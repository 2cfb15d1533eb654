/**
 * POST /api/account/sessions: `action` = `end` (with `session`, the id of one
 * of the member's other sessions) or `end-others`. Signs other devices out.
 */
import type { Config } from '@netlify/functions';
import { getConfig } from '../src/server/config.ts';
import { requireSignedIn } from '../src/server/http/account-forms.ts';
import { ACCOUNT_PATH } from '../src/server/http/account-page.ts';
import { readFields } from '../src/server/http/body.ts';
import { HttpError } from '../src/server/http/errors.ts';
import { defineHandler } from '../src/server/http/handler.ts';
import { formSuccess } from '../src/server/http/responses.ts';
import { cookieHeaders } from '../src/server/http/session.ts';
import { invalidateOtherSessions, invalidateOwnSession } from '../src/server/sessions.ts';

async function post(req: Request): Promise<Response> {
  const signedIn = await requireSignedIn(req);
  if (signedIn instanceof Response) return signedIn;
  const fields = await readFields(req, ['action', 'session']);
  const { user, session } = signedIn.current;
  let ended: number;
  if (fields.action === 'end-others') {
    ended = await invalidateOtherSessions(user.id, session.id);
  } else if (fields.action === 'end') {
    // This device signs out with the log-out button; here only the others.
    if (fields.session === session.id)
      throw new HttpError(400, 'Use “Log out” to sign this device out.');
    ended = (await invalidateOwnSession(user.id, fields.session)) ? 1 : 0;
  } else {
    throw new HttpError(400, 'Choose which device to sign out.');
  }
  return formSuccess(req, ACCOUNT_PATH, {
    headers: cookieHeaders(signedIn.setCookies),
    body: { ended },
  });
}

export default defineHandler({ POST: post }, { siteUrl: () => getConfig().siteUrl });

export const config: Config = { path: '/api/account/sessions' };
