import type { SessionValidation } from '../sessions.ts';
import {
  ACCOUNT_FILE,
  ACCOUNT_PATH,
  completeAccountPage,
  type PasskeyProblem,
} from './account-page.ts';
import { HttpError } from './errors.ts';
import { markTitleAsError, renderFormInShell } from './forms/page.ts';
import type { FormSpec, FormState } from './forms/spec.ts';
import { FORM_ERROR } from './forms/spec.ts';
import { describeRateLimit } from './retry-after.ts';
import { insertMemberBar } from './member-bar.ts';
import { htmlResponse, jsonResponse, seeOther, wantsJson } from './responses.ts';
import { cookieHeaders, readRequestSession } from './session.ts';
import type { SealedFiles } from './sealed-files.ts';

export { ACCOUNT_PATH };

/** A signed-in request: its session and any cookie renewal to send back. */
export interface SignedIn {
  current: SessionValidation;
  token: string;
  setCookies: string[];
}

/**
 * The request's session, or the answer for someone not signed in: 401 JSON
 * for scripts, a 303 to the login page (coming back to the account page) otherwise.
 */
export async function requireSignedIn(req: Request): Promise<SignedIn | Response> {
  const { current, halfSignedIn, token, setCookies } = await readRequestSession(req);
  if (current && token) return { current, token, setCookies };
  const headers = cookieHeaders(setCookies);
  const next = encodeURIComponent(ACCOUNT_PATH);
  if (halfSignedIn) {
    if (wantsJson(req))
      return jsonResponse({ ok: false, error: 'Finish signing in first.' }, 401, headers);
    return seeOther(`/two-factor/?next=${next}`, headers);
  }
  if (wantsJson(req)) return jsonResponse({ ok: false, error: 'Log in first.' }, 401, headers);
  return seeOther(`/login/?next=${next}`, headers);
}

/**
 * Answers an account form that cannot go through: JSON errors for scripts,
 * or the sealed account page with this form's errors beside its fields.
 */
export async function answerAccountInvalid(
  req: Request,
  files: SealedFiles,
  signedIn: SignedIn,
  form: FormSpec,
  state: FormState & { errors: Readonly<Record<string, string>> },
  status = 422,
  extraHeaders: HeadersInit = {},
): Promise<Response> {
  const headers = cookieHeaders(signedIn.setCookies);
  for (const [name, value] of new Headers(extraHeaders)) headers.set(name, value);
  if (wantsJson(req)) return jsonResponse({ ok: false, errors: state.errors }, status, headers);
  const shell = files.read(ACCOUNT_FILE);
  const completed = shell ? await completeAccountPage(shell, signedIn.current) : null;
  const page = renderFormInShell(completed, 'Your account', form, state);
  return htmlResponse(insertMemberBar(page, signedIn.current.user), status, headers);
}

/** A 429 for an account form: `Retry-After` and the message from the same figure. */
export function answerAccountRateLimited(
  req: Request,
  files: SealedFiles,
  signedIn: SignedIn,
  form: FormSpec,
  retryAfterSeconds: number,
  values: Readonly<Record<string, string>> = {},
): Promise<Response> {
  const wait = describeRateLimit(retryAfterSeconds);
  return answerAccountInvalid(
    req,
    files,
    signedIn,
    form,
    { values, errors: { [FORM_ERROR]: wait.message } },
    429,
    wait.headers,
  );
}

/**
 * Answers an account form whose check refused it: 429 with `Retry-After` while
 * the account is locked, otherwise 422 with the errors beside their fields.
 */
export function answerAccountRefusal(
  req: Request,
  files: SealedFiles,
  signedIn: SignedIn,
  form: FormSpec,
  refusal: { errors: Readonly<Record<string, string>> } | { retryAfter: number },
): Promise<Response> {
  if ('retryAfter' in refusal)
    return answerAccountRateLimited(req, files, signedIn, form, refusal.retryAfter);
  return answerAccountInvalid(req, files, signedIn, form, { errors: refusal.errors });
}

/**
 * Answers a passkey rename or removal that did not go through: JSON for scripts, or
 * (posted without JavaScript) the account page again, 422, with the message beside
 * that passkey.
 */
export async function answerPasskeyProblem(
  req: Request,
  files: SealedFiles,
  signedIn: SignedIn,
  problem: PasskeyProblem,
): Promise<Response> {
  const headers = cookieHeaders(signedIn.setCookies);
  if (wantsJson(req)) return jsonResponse({ ok: false, error: problem.message }, 422, headers);
  const shell = files.read(ACCOUNT_FILE);
  if (!shell) throw new HttpError(422, problem.message);
  const page = markTitleAsError(await completeAccountPage(shell, signedIn.current, problem));
  return htmlResponse(insertMemberBar(page, signedIn.current.user), 422, headers);
}
