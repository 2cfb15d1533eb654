/** Where a member lands after logging in when no safe `next` was given. */
export const DEFAULT_AFTER_LOGIN = '/members/';

/**
 * Returns `candidate` when it is a same-site path (one leading '/', not '//',
 * no backslash or control characters, which some browsers read as another
 * host), else null. Prevents open redirects through `?next=`.
 */
export function safeNextPath(candidate: string | null | undefined): string | null {
  if (!candidate || candidate.length > 512) return null;
  if (!candidate.startsWith('/') || candidate.startsWith('//')) return null;
  if (/[\\\p{Cc}]/u.test(candidate)) return null;
  let url: URL;
  try {
    url = new URL(candidate, 'http://site.invalid');
  } catch {
    return null;
  }
  if (url.host !== 'site.invalid') return null;
  return url.pathname + url.search + url.hash;
}

/**
 * The `next` to honour after login: the form's field when present, else the
 * `next` of the login page the form was posted from (the Referer), which is
 * how it travels when JavaScript is off. Both must pass `safeNextPath`.
 */
export function chooseNextPath(field: string, referer: string | null, siteUrl: string): string {
  const fromField = safeNextPath(field);
  if (fromField) return fromField;
  if (referer) {
    try {
      const ref = new URL(referer);
      if (ref.origin === new URL(siteUrl).origin) {
        const fromRef = safeNextPath(ref.searchParams.get('next'));
        if (fromRef) return fromRef;
      }
    } catch {
      // an unreadable Referer is ignored
    }
  }
  return DEFAULT_AFTER_LOGIN;
}
