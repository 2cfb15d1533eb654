import { HttpError } from './errors.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/** The newsletter's RFC 8058 one-click unsubscribe address. */
export const ONE_CLICK_UNSUBSCRIBE_PATH = '/api/newsletter/unsubscribe';

/**
 * True only for the one request exempt from the origin check (SECURITY.md 33):
 * a POST to the one-click unsubscribe address with a token in its query. A
 * mailbox provider sends it from its own servers, with no cookies and no
 * origin (RFC 8058 section 3.2), so the check cannot apply; the unguessable
 * per-subscriber token is the authority, it can only take an address off the
 * list, and forging it would need the token anyway.
 */
export function isOneClickUnsubscribe(req: Request): boolean {
  if (req.method !== 'POST') return false;
  const url = new URL(req.url);
  return url.pathname === ONE_CLICK_UNSUBSCRIBE_PATH && url.searchParams.has('token');
}

/**
 * Refuses a state-changing request that did not come from the site itself
 * (docs/security.md § CSRF and headers): `Sec-Fetch-Site: same-origin` passes; when a browser sends
 * no Fetch Metadata, `Origin` must equal the site's origin. Neither: refused.
 * The one exception is the one-click unsubscribe POST (`isOneClickUnsubscribe`).
 */
export function assertSameOrigin(req: Request, siteUrl: string): void {
  if (SAFE_METHODS.has(req.method)) return;
  if (isOneClickUnsubscribe(req)) return;
  const fetchSite = req.headers.get('sec-fetch-site');
  if (fetchSite !== null) {
    if (fetchSite === 'same-origin') return;
    throw crossSite();
  }
  const origin = req.headers.get('origin');
  if (origin !== null && origin === new URL(siteUrl).origin) return;
  throw crossSite();
}

function crossSite(): HttpError {
  return new HttpError(403, 'This request did not come from this site, so it was refused.');
}
