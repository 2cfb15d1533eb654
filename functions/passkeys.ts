/**
 * Passkeys, for the page scripts (JSON) and the account page's forms:
 * - POST /api/passkeys/register-options → creation options (signed in).
 * - POST /api/passkeys/register: `response` (the JSON from startRegistration, as text), `name`.
 * - POST /api/passkeys/sign-in-options → request options (anyone; limited per IP).
 * - POST /api/passkeys/sign-in: `response` (from startAuthentication, as text), `next` →
 *   a new, fully signed-in session; a half-signed-in session in the same browser ends.
 * - POST /api/passkeys/rename: `id`, `name`; POST /api/passkeys/remove: `id` (forms, 303).
 * - POST /api/passkeys/confirm-options → request options for the signed-in account's own
 *   passkeys, user verification required (422 when it has none).
 * - POST /api/passkeys/confirm: `response` → `{ ok, proof }`, the proof that the account
 *   holder just used a passkey, spent by staff re-authentication (two minutes, once).
 */
import type { Config, Context } from '@netlify/functions';
import { getConfig } from '../src/server/config.ts';
import {
  answerPasskeyProblem,
  requireSignedIn,
  type SignedIn,
} from '../src/server/http/account-forms.ts';
import { ACCOUNT_PATH, type PasskeyProblem } from '../src/server/http/account-page.ts';
import { siteFiles } from '../src/server/http/site-files.ts';
import { readFields } from '../src/server/http/body.ts';
import { clientIp } from '../src/server/http/client-ip.ts';
import { describeDevice } from '../src/server/device-names.ts';
import { HttpError } from '../src/server/http/errors.ts';
import { defineHandler } from '../src/server/http/handler.ts';
import { chooseNextPath } from '../src/server/http/next-path.ts';
import { rateLimitedError } from '../src/server/http/retry-after.ts';
import { formSuccess, jsonResponse } from '../src/server/http/responses.ts';
import { cookieHeaders, isSecureRequest, readRequestSession } from '../src/server/http/session.ts';
import { consumeTokenBucket, LOGIN_IP_BUCKET, rateLimitKey } from '../src/server/rate-limit.ts';
import { buildSessionCookie } from '../src/server/session-cookie.ts';
import { invalidateSession } from '../src/server/sessions.ts';
import { findUserById } from '../src/server/users.ts';
import {
  parseAuthenticationAnswer,
  parseRegistrationAnswer,
} from '../src/server/two-factor/passkey-answer.ts';
import {
  checkPasskeyName,
  confirmWithPasskey,
  passkeyConfirmationOptions,
  PASSKEY_MESSAGES,
  passkeyRegistrationOptions,
  passkeySignInOptions,
  registerPasskey,
  removePasskey,
  renamePasskey,
  signInWithPasskey,
} from '../src/server/two-factor/passkeys.ts';

/** The `response` field: the browser's JSON answer, sent as text; 400 when it is not one. */
function readAnswer<T>(answer: T | null): T {
  if (answer) return answer;
  throw new HttpError(400, 'The passkey answer could not be read.');
}

async function signedInUser(signedIn: SignedIn) {
  const user = await findUserById(signedIn.current.user.id);
  if (!user) throw new HttpError(403, 'Log in first.');
  return user;
}

/**
 * A rename's or removal's answer: back to the account page, or the page again with
 * the message beside the passkey (JSON for scripts).
 */
function backToAccount(
  req: Request,
  signedIn: SignedIn,
  action: PasskeyProblem['action'],
  id: string,
  result: { ok: boolean; message?: string },
) {
  if (!result.ok) {
    const message = result.message ?? 'That did not work.';
    return answerPasskeyProblem(req, siteFiles, signedIn, { id, action, message });
  }
  return formSuccess(req, ACCOUNT_PATH, { headers: cookieHeaders(signedIn.setCookies) });
}

async function post(req: Request, context: Context): Promise<Response> {
  const action = context.params?.action ?? new URL(req.url).pathname.split('/').pop();
  switch (action) {
    case 'register-options': {
      const signedIn = await requireSignedIn(req);
      if (signedIn instanceof Response) return signedIn;
      await readFields(req, []);
      const options = await passkeyRegistrationOptions(await signedInUser(signedIn));
      return jsonResponse({ ok: true, options }, 200, cookieHeaders(signedIn.setCookies));
    }
    case 'register': {
      const signedIn = await requireSignedIn(req);
      if (signedIn instanceof Response) return signedIn;
      const fields = await readFields(req, ['response', 'name']);
      const name = checkPasskeyName(fields.name, describeDevice(req.headers.get('user-agent')));
      const headers = cookieHeaders(signedIn.setCookies);
      if (!name.ok)
        return jsonResponse({ ok: false, errors: { name: name.message } }, 422, headers);
      const result = await registerPasskey(
        { id: signedIn.current.session.id, userId: signedIn.current.user.id },
        readAnswer(parseRegistrationAnswer(fields.response)),
        name.name,
      );
      if (!result.ok)
        return jsonResponse({ ok: false, errors: { form: result.message } }, 422, headers);
      return jsonResponse({ ok: true, next: ACCOUNT_PATH }, 200, headers);
    }
    case 'sign-in-options': {
      await readFields(req, []);
      const ip = clientIp(context);
      if (ip) {
        const bucket = await consumeTokenBucket(rateLimitKey('login-ip', ip), LOGIN_IP_BUCKET);
        if (!bucket.allowed) throw rateLimitedError(bucket.retryAfter);
      }
      return jsonResponse({ ok: true, options: await passkeySignInOptions() });
    }
    case 'sign-in': {
      const fields = await readFields(req, ['response', 'next']);
      const next = chooseNextPath(fields.next, req.headers.get('referer'), getConfig().siteUrl);
      const result = await signInWithPasskey(
        readAnswer(parseAuthenticationAnswer(fields.response)),
        {
          userAgent: req.headers.get('user-agent'),
        },
      );
      if (!result.ok) return jsonResponse({ ok: false, errors: { form: result.message } }, 422);
      // The half-signed-in session this browser may hold is finished with.
      const { halfSignedIn } = await readRequestSession(req);
      if (halfSignedIn) await invalidateSession(halfSignedIn.session.id);
      const cookie = buildSessionCookie(result.token, result.maxAgeSeconds, isSecureRequest(req));
      return formSuccess(req, next, { headers: cookieHeaders([cookie]) });
    }
    case 'confirm-options': {
      const signedIn = await requireSignedIn(req);
      if (signedIn instanceof Response) return signedIn;
      await readFields(req, []);
      const headers = cookieHeaders(signedIn.setCookies);
      const options = await passkeyConfirmationOptions(signedIn.current.user.id);
      if (!options)
        return jsonResponse({ ok: false, error: PASSKEY_MESSAGES.noneToConfirm }, 422, headers);
      return jsonResponse({ ok: true, options }, 200, headers);
    }
    case 'confirm': {
      const signedIn = await requireSignedIn(req);
      if (signedIn instanceof Response) return signedIn;
      const fields = await readFields(req, ['response']);
      const headers = cookieHeaders(signedIn.setCookies);
      const result = await confirmWithPasskey(
        signedIn.current.user.id,
        readAnswer(parseAuthenticationAnswer(fields.response)),
      );
      if (!result.ok) return jsonResponse({ ok: false, error: result.message }, 422, headers);
      return jsonResponse({ ok: true, proof: result.proof }, 200, headers);
    }
    case 'rename': {
      const signedIn = await requireSignedIn(req);
      if (signedIn instanceof Response) return signedIn;
      const fields = await readFields(req, ['id', 'name']);
      return backToAccount(
        req,
        signedIn,
        'rename',
        fields.id,
        await renamePasskey(signedIn.current.user.id, fields.id, fields.name),
      );
    }
    case 'remove': {
      const signedIn = await requireSignedIn(req);
      if (signedIn instanceof Response) return signedIn;
      const fields = await readFields(req, ['id']);
      return backToAccount(
        req,
        signedIn,
        'remove',
        fields.id,
        await removePasskey(signedIn.current.user.id, fields.id),
      );
    }
    default:
      throw new HttpError(404, 'There is no such passkey action.');
  }
}

export default defineHandler({ POST: post }, { siteUrl: () => getConfig().siteUrl });

export const config: Config = { path: '/api/passkeys/:action' };
