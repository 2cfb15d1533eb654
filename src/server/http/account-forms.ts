import type { SessionValidation } from '../sessions.ts';
import { renderFormInShell } from './forms/page.ts';
import type { FormSpec, FormState } from './forms/spec.ts';
import { FORM_ERROR } from './forms/spec.ts';
import { describeRateLimit } from './retry-after.ts';
import { insertMemberBar } from './member-bar.ts';
import { htmlResponse, jsonResponse, seeOther, wantsJson } from './responses.ts';
import { cookieHeaders, readRequestSession } from './session.ts';
import type { SealedFiles } from './sealed-files.ts';

/** The account page, where the account forms live. */
export const ACCOUNT_PATH = '/members/account/';
const ACCOUNT_FILE = 'members/account/index.html';

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
  const { current, token, setCookies } = await readRequestSession(req);
  if (current && token) return { current, token, setCookies };
  const headers = cookieHeaders(setCookies);
  if (wantsJson(req)) return jsonResponse({ ok: false, error: 'Log in first.' }, 401, headers);
  return seeOther(`/login/?next=${encodeURIComponent(ACCOUNT_PATH)}`, headers);
}

/**
 * Answers an account form that cannot go through: JSON errors for scripts,
 * or the sealed account page with this form's errors beside its fields.
 */
export function answerAccountInvalid(
  req: Request,
  files: SealedFiles,
  signedIn: SignedIn,
  form: FormSpec,
  state: FormState & { errors: Readonly<Record<string, string>> },
  status = 422,
  extraHeaders: HeadersInit = {},
): Response {
  const headers = cookieHeaders(signedIn.setCookies);
  for (const [name, value] of new Headers(extraHeaders)) headers.set(name, value);
  if (wantsJson(req)) return jsonResponse({ ok: false, errors: state.errors }, status, headers);
  const page = renderFormInShell(files.read(ACCOUNT_FILE), 'Your account', form, state);
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
): Response {
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
