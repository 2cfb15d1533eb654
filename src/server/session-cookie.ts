/**
 * The session cookie (docs/security.md § Sessions): HttpOnly, Secure, SameSite=Lax, Path=/,
 * no Domain, Max-Age = the session's remaining life, `__Host-` prefix on https.
 */

/** Cookie name: `__Host-session` on https, `session` on plain http (local runs). */
export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-session' : 'session';
}

/** True when a site URL or request URL is https. */
export function isSecureOrigin(url: string | URL): boolean {
  return new URL(url).protocol === 'https:';
}

/** A `Set-Cookie` value carrying a session token. */
export function buildSessionCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  // Browsers keep Secure cookies from http://localhost, so Secure is always set.
  return `${sessionCookieName(secure)}=${token}; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}; Path=/; HttpOnly; Secure; SameSite=Lax`;
}

/** A `Set-Cookie` value that deletes the session cookie (logout, expired session). */
export function buildBlankSessionCookie(secure: boolean): string {
  return `${sessionCookieName(secure)}=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax`;
}

/** The session token from a `Cookie` request header, or null. */
export function readSessionCookie(
  cookieHeader: string | null | undefined,
  secure: boolean,
): string | null {
  if (!cookieHeader) return null;
  const name = sessionCookieName(secure);
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || null;
  }
  return null;
}
