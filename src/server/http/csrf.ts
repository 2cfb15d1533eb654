import { HttpError } from './errors.ts';

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/**
 * Refuses a state-changing request that did not come from the site itself
 * (docs/security.md § CSRF and headers): `Sec-Fetch-Site: same-origin` passes; when a browser sends
 * no Fetch Metadata, `Origin` must equal the site's origin. Neither: refused.
 */
export function assertSameOrigin(req: Request, siteUrl: string): void {
  if (SAFE_METHODS.has(req.method)) return;
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
