import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSiteServer, type SiteServer } from '../../../scripts/serve.ts';

// The local server over the real build: netlify.toml's headers and the
// generated dist/_headers must give every page SECURITY.md line 20's headers,
// with exactly one Content-Security-Policy each.

let server: SiteServer;

beforeAll(async () => {
  server = createSiteServer();
  await server.listen();
});
afterAll(() => server?.close());

/** GET with node:http, which keeps repeated headers apart in rawHeaders. */
function get(pathname: string): Promise<{ status: number; raw: string[]; body: string }> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    httpRequest({ host: '127.0.0.1', port, path: pathname }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, raw: res.rawHeaders, body }));
    })
      .on('error', reject)
      .end();
  });
}

function headerValues(raw: string[], name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].toLowerCase() === name) values.push(raw[i + 1]);
  }
  return values;
}

function expectSecurityHeaders(raw: string[]): string {
  const one = (name: string) => {
    const values = headerValues(raw, name);
    expect(values, name).toHaveLength(1);
    return values[0];
  };
  const hsts = one('strict-transport-security');
  expect(Number(/max-age=(\d+)/.exec(hsts)?.[1])).toBeGreaterThanOrEqual(31_536_000);
  expect(hsts).toContain('includeSubDomains');
  expect(one('x-content-type-options')).toBe('nosniff');
  expect(one('referrer-policy')).toBe('strict-origin-when-cross-origin');
  expect(one('permissions-policy')).not.toBe('');
  const csp = one('content-security-policy');
  for (const directive of [
    "frame-ancestors 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ]) {
    expect(csp).toContain(directive);
  }
  return csp;
}

describe('the built site through the local server', () => {
  it.each(['/', '/news/', '/careers/', '/register/', '/login/'])(
    'sends the security headers and a strict CSP on %s',
    async (pathname) => {
      const res = await get(pathname);
      expect(res.status).toBe(200);
      const csp = expectSecurityHeaders(res.raw);
      expect(csp).toContain("script-src 'self';");
      expect(csp).not.toContain('unsafe');
    },
  );

  it('sends exactly one CSP on /admin/, loosened for Decap', async () => {
    const res = await get('/admin/');
    expect(res.status).toBe(200);
    const csp = expectSecurityHeaders(res.raw);
    expect(csp).toContain("'unsafe-eval'");
  });

  it('sends exactly one CSP on /search/, allowing WebAssembly for Pagefind', async () => {
    const csp = expectSecurityHeaders((await get('/search/')).raw);
    expect(csp).toContain("'wasm-unsafe-eval'");
    expect(csp).not.toContain("'unsafe-eval'");
  });

  it('answers an unknown path with 404, the site’s 404 page and its headers', async () => {
    const res = await get('/no-such-page/');
    expect(res.status).toBe(404);
    expect(res.body).toContain('<html');
    expectSecurityHeaders(res.raw);
  });

  it('redirects /news to /news/', async () => {
    const res = await get('/news');
    expect(res.status).toBe(301);
    expect(headerValues(res.raw, 'location')).toEqual(['/news/']);
  });

  it('serves every stylesheet and script the home page links with its type', async () => {
    const home = (await get('/')).body;
    const assets = [...home.matchAll(/(?:href|src)="(\/_astro\/[^"]+\.(css|js))"/g)];
    expect(assets.length).toBeGreaterThan(0);
    for (const [, href, ext] of assets) {
      const res = await get(href);
      expect(res.status, href).toBe(200);
      expect(headerValues(res.raw, 'content-type')[0]).toMatch(
        ext === 'css' ? /^text\/css/ : /^text\/javascript/,
      );
    }
  });
});
