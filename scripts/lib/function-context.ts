import type { Context } from '@netlify/functions';

type Cookies = Context['cookies'];

/** The cookie fields `context.cookies.set()` accepts. */
interface CookieOptions {
  name: string;
  value: string;
  expires?: Date | number;
  maxAge?: number;
  domain?: string;
  path?: string;
  secure?: boolean;
  httpOnly?: boolean;
  sameSite?: 'Strict' | 'Lax' | 'None';
}

function parseCookieHeader(header: string | null): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 1) continue;
    const name = part.slice(0, eq).trim();
    const raw = part.slice(eq + 1).trim();
    try {
      cookies.set(name, decodeURIComponent(raw));
    } catch {
      cookies.set(name, raw);
    }
  }
  return cookies;
}

function serializeCookie(cookie: CookieOptions): string {
  const parts = [`${cookie.name}=${encodeURIComponent(cookie.value)}`];
  if (cookie.maxAge !== undefined) parts.push(`Max-Age=${cookie.maxAge}`);
  if (cookie.expires !== undefined) parts.push(`Expires=${new Date(cookie.expires).toUTCString()}`);
  if (cookie.domain) parts.push(`Domain=${cookie.domain}`);
  parts.push(`Path=${cookie.path ?? '/'}`);
  if (cookie.secure) parts.push('Secure');
  if (cookie.httpOnly) parts.push('HttpOnly');
  if (cookie.sameSite) parts.push(`SameSite=${cookie.sameSite}`);
  return parts.join('; ');
}

/** A minimal `context.cookies`: reads the request's cookies and collects Set-Cookie lines. */
export function createCookies(request: Request): { cookies: Cookies; setCookies: string[] } {
  const jar = parseCookieHeader(request.headers.get('cookie'));
  const setCookies: string[] = [];
  const cookies: Cookies = {
    get: (name) => jar.get(name) ?? '',
    set: (input: CookieOptions | string, value?: string) => {
      const cookie = typeof input === 'string' ? { name: input, value: value ?? '' } : input;
      jar.set(cookie.name, cookie.value);
      setCookies.push(serializeCookie(cookie));
    },
    delete: (input) => {
      const options = typeof input === 'string' ? { name: input } : input;
      jar.delete(options.name);
      setCookies.push(
        serializeCookie({ ...options, value: '', expires: 0, maxAge: 0 }).replace(
          /; Expires=[^;]+/,
          '; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
        ),
      );
    },
  };
  return { cookies, setCookies };
}

/** What the server knows about one call. */
export interface ContextInput {
  request: Request;
  ip: string;
  params: Record<string, string>;
  requestId: string;
  siteUrl: string;
}

/**
 * A Netlify-like `Context` for one call: `ip` comes from the socket, never a
 * header; `next()` has no edge layer behind it locally and answers 404.
 */
export function createContext(input: ContextInput): { context: Context; setCookies: string[] } {
  const { cookies, setCookies } = createCookies(input.request);
  const notHere = () => Promise.resolve(new Response('Not found', { status: 404 }));
  const context: Context = {
    account: { id: '' },
    cookies,
    deploy: { context: 'dev', id: '0', published: false },
    geo: {},
    ip: input.ip,
    json: (body: unknown) => Response.json(body),
    log: (...data: unknown[]) => console.log(...data),
    next: notHere,
    params: input.params,
    rewrite: notHere,
    requestId: input.requestId,
    server: { region: 'local' },
    site: { id: '0', name: 'local', url: input.siteUrl },
    url: new URL(input.request.url),
    waitUntil: (promise) => void promise.catch((e: unknown) => console.error(e)),
  };
  return { context, setCookies };
}
