/**
 * Security headers (docs/security.md § CSRF and headers), in one place for static pages and functions.
 * Static pages get them through netlify.toml (all but CSP) and the generated
 * dist/_headers (CSP, one per path so no page ever receives two).
 */

/** Headers every response carries, whatever it is. */
export const BASE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Strict-Transport-Security': 'max-age=63072000; includeSubDomains',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
};

/** Directives no page may loosen. */
const LOCKED = [
  "frame-ancestors 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
];

function policy(directives: string[]): string {
  return [...directives, ...LOCKED].join('; ');
}

/** Public pages and function responses: no inline script or style at all. */
export const STRICT_CSP = policy([
  "default-src 'self'",
  "img-src 'self' data:",
  "style-src 'self'",
  "script-src 'self'",
  "connect-src 'self'",
]);

/** The search page: Pagefind compiles WebAssembly in the browser. */
export const SEARCH_CSP = policy([
  "default-src 'self'",
  "img-src 'self' data:",
  "style-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "connect-src 'self'",
]);

/** Where decap-server, the CMS's backend when editing on this machine, listens. */
export const LOCAL_CMS_BACKEND_ORIGIN = 'http://localhost:8081';

/**
 * The CMS: Decap needs eval, inline styles, blob: images (and fetches an upload's
 * blob: URL to save it), and its backend's API: GitHub, and decap-server on
 * localhost when `localBackend` is set (a build for this machine, never Netlify's).
 */
export function adminCsp({ localBackend }: { localBackend: boolean }): string {
  const local = localBackend ? ` ${LOCAL_CMS_BACKEND_ORIGIN}` : '';
  return policy([
    "default-src 'self'",
    "script-src 'self' 'unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob: https://avatars.githubusercontent.com https://raw.githubusercontent.com",
    `connect-src 'self' blob: https://api.github.com https://api.netlify.com${local}`,
    "frame-src 'self' blob:",
  ]);
}

/** Every header a function response needs, ready to spread into `new Response(...)`. */
export function functionSecurityHeaders(): Record<string, string> {
  return { ...BASE_SECURITY_HEADERS, 'Content-Security-Policy': STRICT_CSP };
}
