/**
 * Redirect targets that come from the client (`next`, `back`, a requested
 * path): the only values ever returned are same-origin, path-absolute URLs.
 * Open redirects: OWASP "Unvalidated Redirects and Forwards Cheat Sheet";
 * parsing follows the WHATWG URL Standard, which browsers use to resolve `Location`.
 */

/** Where a member lands after logging in when no safe `next` was given. */
export const DEFAULT_AFTER_LOGIN = '/members/';

/** Longest `next` accepted, in UTF-16 code units; longer values are refused, not cut. */
const MAX_LENGTH = 512;

/** Rounds of percent-decoding examined (catches `%252F` and deeper re-encodings). */
const DECODE_ROUNDS = 4;

/** A base that no real site uses, so any host in the result shows up as a different origin. */
const PROBE_ORIGIN = 'http://site.invalid';

/**
 * Characters that a browser, a proxy or a later decoding may read as a path
 * separator, a dot or a break: C0/C1 controls, Unicode spaces, backslash, and the
 * look-alikes of `/`, `\` and `.` (fullwidth, fraction and division slashes,
 * set minus, one-dot leader, ideographic full stop, which IDNA maps to `.`).
 */
const SUSPECT =
  // eslint-disable-next-line no-control-regex -- control characters are what it must find
  /[\u0000-\u001f\u007f-\u009f\\\u00a0\u1680\u2000-\u200f\u2024\u2028-\u202f\u205f\u2044\u2215\u2216\u29f5\u29f8\u29f9\u3000\u3002\ufe52\ufe68\uff0e\uff0f\uff3c\uff61\ufeff]/u;

/** Decodes every `%XX` once, as UTF-8 with replacement, so no escaped byte stays hidden. */
function decodeOnce(text: string): string {
  return text.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) => {
    const bytes = new Uint8Array(run.length / 3);
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(run.slice(i * 3 + 1, i * 3 + 3), 16);
    return new TextDecoder().decode(bytes);
  });
}

/** True for `/x…`: one leading slash, then neither `/` nor `\`, and nothing suspect. */
function isPlainPath(text: string): boolean {
  if (!text.startsWith('/') || text[1] === '/' || text[1] === '\\') return false;
  return !SUSPECT.test(text) && !SUSPECT.test(text.normalize('NFKC'));
}

/** The path, query and fragment `text` resolves to on this site, or null if it leaves it. */
function resolveOnSite(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text, PROBE_ORIGIN);
  } catch {
    return null;
  }
  if (url.origin !== PROBE_ORIGIN) return null;
  const resolved = url.pathname + url.search + url.hash;
  return isPlainPath(resolved) ? resolved : null;
}

/**
 * Returns the same-site path `candidate` names, normalised as a browser would
 * (dot segments resolved, non-ASCII percent-encoded), or null when it could
 * leave the site or only looks like a path. The value is checked raw, after
 * each of up to four percent-decodings and after NFKC folding (so `%2e`,
 * `%252F`, tabs, backslashes and look-alikes such as `／` and `⁄` are caught),
 * and the returned value itself is checked again: it always starts with one
 * `/` and `new URL(value, site).origin === site` for any site.
 */
export function safeNextPath(candidate: string | null | undefined): string | null {
  if (typeof candidate !== 'string' || candidate === '' || candidate.length > MAX_LENGTH)
    return null;
  let form = candidate;
  for (let round = 0; ; round++) {
    if (!isPlainPath(form) || resolveOnSite(form) === null) return null;
    const decoded = decodeOnce(form);
    if (decoded === form) break;
    if (round === DECODE_ROUNDS) return null;
    form = decoded;
  }
  const result = resolveOnSite(candidate);
  // What is returned is what was checked: the normalised value must be stable.
  if (result === null || resolveOnSite(result) !== result) return null;
  return result;
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

/**
 * The location for a redirect built from a requested path (adding a trailing
 * slash): `pathname` + `/` + `search` when that is a same-site path, else `/`.
 * A path such as `//host` (from `/.//host`) would otherwise leave the site.
 */
export function withTrailingSlash(pathname: string, search = ''): string {
  return safeNextPath(`${pathname}/${search}`) ?? '/';
}
