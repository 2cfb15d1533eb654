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

/**
 * A minimal `context.cookies`: reads the request's cookies (parsed on first
 * use: most functions never ask) and collects Set-Cookie lines.
 */
class RequestCookies implements Cookies {
  /** The Set-Cookie lines of the answer, in the order they were set. */
  readonly setCookies: string[] = [];
  private jar: Map<string, string> | null = null;

  constructor(private readonly request: Request) {}

  private read(): Map<string, string> {
    return (this.jar ??= parseCookieHeader(this.request.headers.get('cookie')));
  }

  get(name: string): string {
    return this.read().get(name) ?? '';
  }

  set(input: CookieOptions | string, value?: string): void {
    const cookie = typeof input === 'string' ? { name: input, value: value ?? '' } : input;
    this.read().set(cookie.name, cookie.value);
    this.setCookies.push(serializeCookie(cookie));
  }

  delete(input: string | Omit<CookieOptions, 'value'>): void {
    const options = typeof input === 'string' ? { name: input } : input;
    this.read().delete(options.name);
    this.setCookies.push(
      serializeCookie({ ...options, value: '', expires: 0, maxAge: 0 }).replace(
        /; Expires=[^;]+/,
        '; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
      ),
    );
  }
}

/** What the server knows about one call. */
export interface ContextInput {
  request: Request;
  ip: string;
  params: Record<string, string>;
  requestId: string;
  siteUrl: string;
}

/** `next()` and `rewrite()`: locally there is no edge layer behind a function. */
const notHere = () => Promise.resolve(new Response('Not found', { status: 404 }));
const toJson = (body: unknown) => Response.json(body);
const log = (...data: unknown[]) => console.log(...data);
const waitUntil = (promise: Promise<unknown>) =>
  void promise.catch((e: unknown) => console.error(e));

/**
 * A Netlify-like `Context` for one call: `ip` comes from the socket, never a
 * header; `next()` has no edge layer behind it locally and answers 404.
 * `url` and the cookies are read from the request when first asked for.
 */
export function createContext(input: ContextInput): { context: Context; setCookies: string[] } {
  const cookies = new RequestCookies(input.request);
  let url: URL | null = null;
  const context: Context = {
    account: { id: '' },
    cookies,
    deploy: { context: 'dev', id: '0', published: false },
    geo: {},
    ip: input.ip,
    json: toJson,
    log,
    next: notHere,
    params: input.params,
    rewrite: notHere,
    requestId: input.requestId,
    server: { region: 'local' },
    site: { id: '0', name: 'local', url: input.siteUrl },
    get url() {
      return (url ??= new URL(input.request.url));
    },
    waitUntil,
  };
  return { context, setCookies: cookies.setCookies };
}
