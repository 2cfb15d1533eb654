import { html, toHtmlString } from '../html/safe-html.ts';
import { functionSecurityHeaders } from '../security-headers.ts';

/** Built once: every function answer starts from these (a new copy each time). */
export const BASE_HEADERS: readonly [string, string][] = [
  ...Object.entries(functionSecurityHeaders()),
  ['Cache-Control', 'private, no-store'],
];

/**
 * Headers on every function response: the security headers (functions get none
 * from netlify.toml) and `private, no-store`, since every answer depends on the
 * request or the session and no shared cache may keep it.
 */
export function baseHeaders(extra: HeadersInit = {}): Headers {
  const headers = new Headers([...BASE_HEADERS]);
  const more = extra instanceof Headers ? extra : new Headers(extra);
  for (const [name, value] of more) if (name !== 'set-cookie') headers.set(name, value);
  // Each cookie stays its own header line.
  for (const cookie of more.getSetCookie()) headers.append('Set-Cookie', cookie);
  return headers;
}

/** True when the client asked for JSON (the enhanced forms and API clients do). */
export function wantsJson(req: Request): boolean {
  return (req.headers.get('accept') ?? '').toLowerCase().includes('application/json');
}

/** A JSON answer with the security headers. */
export function jsonResponse(body: unknown, status = 200, headers: HeadersInit = {}): Response {
  const all = baseHeaders(headers);
  all.set('Content-Type', 'application/json; charset=utf-8');
  return new Response(JSON.stringify(body), { status, headers: all });
}

/** An HTML answer with the security headers. */
export function htmlResponse(html: string, status = 200, headers: HeadersInit = {}): Response {
  const all = baseHeaders(headers);
  all.set('Content-Type', 'text/html; charset=utf-8');
  return new Response(html, { status, headers: all });
}

/** 303 See Other: after a form post, the browser GETs `location`. */
export function seeOther(location: string, headers: HeadersInit = {}): Response {
  const all = baseHeaders(headers);
  all.set('Location', location);
  return new Response(null, { status: 303, headers: all });
}

/**
 * The answer to a successful form post: JSON `{ok: true, next}` (status 202 or
 * 200) for scripts, a 303 to `next` for a browser without JavaScript.
 */
export function formSuccess(
  req: Request,
  next: string,
  options: { status?: number; headers?: HeadersInit; body?: Record<string, unknown> } = {},
): Response {
  if (wantsJson(req)) {
    return jsonResponse(
      { ok: true, ...options.body, next },
      options.status ?? 200,
      options.headers,
    );
  }
  return seeOther(next, options.headers);
}

/** A small standalone page for refusals a person may see (405, 413, 403 ...). */
export function renderMessagePage(
  title: string,
  message: string,
  link?: { href: string; text: string },
): string {
  const linkHtml = link && html`<p><a href="${link.href}">${link.text}</a></p>`;
  return toHtmlString(
    html`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head><body><main id="main"><h1>${title}</h1><p>${message}</p>${linkHtml}</main></body></html>`,
  );
}
