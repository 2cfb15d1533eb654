import { isHalfSignedIn, validateSessionToken, type SessionValidation } from '../sessions.ts';
import {
  buildBlankSessionCookie,
  buildSessionCookie,
  readSessionCookie,
} from '../session-cookie.ts';

/** The session a request carries, if valid, and the cookies to send back with the answer. */
export interface RequestSession {
  /**
   * The validated, fully signed-in session and its user, or null. A session
   * still owing its second factor is never here, so every page and function
   * that reads `current` refuses it without a check of its own.
   */
  current: SessionValidation | null;
  /** A half-signed-in session (password accepted, second factor not yet): only /two-factor/ uses it. */
  halfSignedIn: SessionValidation | null;
  /** The raw token (only when it validated), for ending the session. */
  token: string | null;
  /** `Set-Cookie` lines the answer must carry: a renewal, or a deletion of a dead cookie. */
  setCookies: string[];
}

/** True when the site is served over https (the cookie then takes the `__Host-` prefix). */
export function isSecureRequest(req: Request): boolean {
  // A Request's url is serialised (scheme in lower case): no need to parse it again.
  return req.url.startsWith('https:');
}

/**
 * Reads and validates the session cookie. A renewed session gets a fresh
 * cookie; a cookie that no longer validates is deleted. A malformed cookie is
 * treated as none and touches nothing in the store.
 */
export function readRequestSession(req: Request): Promise<RequestSession> {
  return readSession(req.headers.get('cookie'), isSecureRequest(req));
}

/** `readRequestSession` from the `Cookie` header and whether the site is served over https. */
export async function readSession(
  cookieHeader: string | null,
  secure: boolean,
): Promise<RequestSession> {
  const token = readSessionCookie(cookieHeader, secure);
  if (!token) return { current: null, halfSignedIn: null, token: null, setCookies: [] };
  const valid = await validateSessionToken(token);
  if (!valid)
    return {
      current: null,
      halfSignedIn: null,
      token: null,
      setCookies: [buildBlankSessionCookie(secure)],
    };
  const setCookies = valid.renewed ? [buildSessionCookie(token, valid.maxAgeSeconds, secure)] : [];
  if (isHalfSignedIn(valid)) return { current: null, halfSignedIn: valid, token, setCookies };
  return { current: valid, halfSignedIn: null, token, setCookies };
}

/** Headers carrying `Set-Cookie` lines (a Headers object keeps each one separately). */
export function cookieHeaders(setCookies: readonly string[]): Headers {
  const headers = new Headers();
  for (const cookie of setCookies) headers.append('Set-Cookie', cookie);
  return headers;
}
