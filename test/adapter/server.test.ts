import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SiteServer } from '../../scripts/serve.ts';
import { startFixtureServer } from './support.ts';

let server: SiteServer;

beforeAll(async () => {
  server = await startFixtureServer();
});
afterAll(() => server?.close());

/** A request with the path sent exactly as written (fetch would normalise `..`). */
function rawGet(
  rawPath: string,
  method = 'GET',
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: rawPath, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('functions', () => {
  it('routes by config.path and passes :params and * as params', async () => {
    const item = await fetch(server.url + '/api/things/42');
    expect(await item.json()).toEqual({ id: '42' });
    const echo = await fetch(server.url + '/api/echo/a/b?x=1');
    const body = (await echo.json()) as { params: unknown; url: string };
    expect(body.params).toEqual({ '0': 'a/b' });
    expect(body.url).toBe(server.url + '/api/echo/a/b?x=1');
  });

  it('honours config.method: other methods fall through to the 404 page', async () => {
    const res = await fetch(server.url + '/api/items/7', { method: 'DELETE' });
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('404 page');
  });

  it('streams the request body and method to the function', async () => {
    const res = await fetch(server.url + '/api/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=Alice&warrant=123456',
    });
    expect(await res.json()).toMatchObject({ method: 'POST', body: 'name=Alice&warrant=123456' });
  });

  it('answers a GET through plainGet when the module has one, its pieces and cookies intact', async () => {
    const res = await fetch(server.url + '/api/plain/page', { headers: { cookie: 'a=1; b=2' } });
    expect(res.headers.get('x-way')).toBe('plain');
    expect(await res.text()).toBe('plain:/api/plain/page:a=1; b=2');
    expect(res.headers.get('content-length')).toBeNull();
    expect(res.headers.getSetCookie()).toEqual([
      'first=1; Path=/; HttpOnly',
      'second=2; Path=/; HttpOnly',
    ]);
  });

  it('answers HEAD, other methods and a plainGet that throws through the handler', async () => {
    const head = await fetch(server.url + '/api/plain/page', { method: 'HEAD' });
    expect(head.headers.get('x-way')).toBe('handler');
    const post = await fetch(server.url + '/api/plain/page', { method: 'POST', body: 'x' });
    expect(post.headers.get('x-way')).toBe('handler');
    const failed = await fetch(server.url + '/api/plain/throws');
    expect(failed.status).toBe(200);
    expect(await failed.text()).toBe('handler:/api/plain/throws:null');
  });

  it.each([
    '//evil.example/api/plain/page',
    '//user:secret@evil.example/api/plain/page',
    '/\\evil.example/api/plain/page',
  ])('takes the request target %s as a path, never as a host', async (rawPath) => {
    for (const method of ['GET', 'HEAD', 'POST']) {
      const res = await rawGet(rawPath, method);
      // The path is not /api/plain/*: no function answers, whatever the method.
      expect(res.status, method).toBe(404);
      expect(res.headers['x-way'], method).toBeUndefined();
    }
  });

  it('keeps every Set-Cookie header of a response', async () => {
    const res = await fetch(server.url + '/api/items/7');
    expect(res.headers.getSetCookie()).toEqual([
      'first=1; Path=/; HttpOnly',
      'second=2; Path=/; HttpOnly',
    ]);
  });

  it('gives a context whose ip is the socket’s, never a forwarded header', async () => {
    const res = await fetch(server.url + '/api/whoami', {
      headers: { 'x-forwarded-for': '203.0.113.9', cookie: 'flavour=mint' },
    });
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.ip).toBe('127.0.0.1');
    expect(body.forwardedFor).toBe('203.0.113.9');
    expect(body.cookie).toBe('mint');
    expect(body.siteUrl).toBe(server.url);
    expect(body.requestId).toMatch(/^[0-9a-f]{32}$/);
    expect(res.headers.getSetCookie()).toEqual(['seen=yes; Path=/; HttpOnly']);
  });

  it('imports a function module once, so module state lasts between calls', async () => {
    const first = ((await (await fetch(server.url + '/api/count')).json()) as { calls: number })
      .calls;
    const second = ((await (await fetch(server.url + '/api/count')).json()) as { calls: number })
      .calls;
    expect(second).toBe(first + 1);
  });

  it('prefers a static file over a preferStatic function', async () => {
    const file = await fetch(server.url + '/assets/data.json');
    expect(file.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await file.json()).toEqual({ ok: true });
    const fn = await fetch(server.url + '/fallback');
    expect(await fn.text()).toBe('from the fallback function');
  });

  it('aborts the request of a function whose client goes away before the body is sent', async () => {
    const { port } = new URL(server.url);
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      path: '/api/hang-up',
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'content-length': '100' },
    });
    req.on('error', () => {});
    req.write('only ten b');
    await new Promise((resolve) => setTimeout(resolve, 100));
    req.destroy();
    const count = async () =>
      ((await (await fetch(server.url + '/api/hang-up')).json()) as { aborted: number }).aborted;
    await vi.waitFor(async () => expect(await count()).toBe(1), { timeout: 2000 });
  });

  it('turns a function that throws into a plain 500 and logs the error', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const res = await fetch(server.url + '/api/broken');
      expect(res.status).toBe(500);
      expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(await res.text()).toContain('Internal server error');
      expect(String(log.mock.calls[0]?.[0])).toContain('functions/broken.ts');
    } finally {
      log.mockRestore();
    }
  });
});

describe('static files', () => {
  it('serves a page with the headers of every matching rule', async () => {
    const res = await fetch(server.url + '/news/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('public, max-age=60');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'self'");
  });

  it('sends exactly one Content-Security-Policy on /admin/', async () => {
    const res = await rawGet('/admin/');
    expect(res.headers['content-security-policy']).toBe(
      "default-src 'self'; script-src 'self' 'unsafe-eval'",
    );
  });

  it('redirects a directory without its trailing slash, keeping the query', async () => {
    const res = await fetch(server.url + '/news?page=2', { redirect: 'manual' });
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('/news/?page=2');
  });

  it.each(['/.//news', '/%2e//news', '/a/..//news', '/.///news', '/%2E//news?page=2'])(
    'keeps the trailing-slash redirect of %s on this site',
    async (rawPath) => {
      const res = await rawGet(rawPath);
      expect(res.status).toBe(301);
      const location = String(res.headers.location);
      expect(location).toMatch(/^\/news\/(\?page=2)?$/);
      expect(new URL(location, server.url).origin).toBe(new URL(server.url).origin);
    },
  );

  it('answers unknown paths with 404 and the site’s 404 page', async () => {
    const res = await fetch(server.url + '/no/such/page');
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('404 page');
  });

  it.each(['/..%2f..%2fetc/passwd', '/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/_headers'])(
    'refuses %s',
    async (rawPath) => {
      const res = await rawGet(rawPath);
      expect(res.status).toBe(404);
      expect(res.body).not.toContain('root:');
      expect(res.body).not.toContain('Content-Security-Policy');
    },
  );

  it('answers HEAD with the headers of GET and no body', async () => {
    const get = await fetch(server.url + '/assets/site.css');
    const head = await fetch(server.url + '/assets/site.css', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(get.headers.get('content-length'));
    expect(head.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await head.text()).toBe('');
  });

  it('answers a matching If-None-Match with 304', async () => {
    const first = await fetch(server.url + '/');
    const etag = first.headers.get('etag')!;
    const again = await fetch(server.url + '/', { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
  });

  it('types Pagefind index files as bytes', async () => {
    const res = await fetch(server.url + '/assets/search.pf_meta');
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
  });

  it('refuses a POST to a page with 405', async () => {
    const res = await fetch(server.url + '/news/', { method: 'POST', body: 'x' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('under load', () => {
  it.each(['/api/echo/load', '/news/', '/api/count'])(
    'answers 50 concurrent requests for %s without a 5xx',
    async (target) => {
      const statuses = await Promise.all(
        Array.from({ length: 50 }, async () => {
          const res = await fetch(server.url + target);
          await res.arrayBuffer();
          return res.status;
        }),
      );
      expect(statuses.filter((s) => s >= 500)).toEqual([]);
      expect(new Set(statuses)).toEqual(new Set([200]));
    },
  );
});
