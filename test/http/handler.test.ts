import { describe, expect, it } from 'vitest';
import type { Context } from '@netlify/functions';
import { defineHandler } from '../../src/server/http/handler.ts';
import { HttpError } from '../../src/server/http/errors.ts';
import { jsonResponse } from '../../src/server/http/responses.ts';

const SITE = 'http://site.test';
const context = { ip: '127.0.0.1' } as Context;

const handler = defineHandler(
  {
    GET: () => jsonResponse({ ok: true }),
    POST: (req) => {
      if (req.headers.get('x-mode') === 'limit')
        throw new HttpError(429, 'Too many tries.', { 'Retry-After': '60' });
      if (req.headers.get('x-mode') === 'crash') throw new Error('database is down');
      return jsonResponse({ ok: true });
    },
  },
  { siteUrl: () => SITE },
);

function call(method: string, headers: Record<string, string> = {}): Promise<Response> {
  return handler(new Request(`${SITE}/api/x`, { method, headers }), context);
}

describe('defineHandler', () => {
  it('answers 405 with Allow for other methods', async () => {
    const res = await call('PUT', { 'sec-fetch-site': 'same-origin' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, POST, HEAD');
  });

  it('answers HEAD with the GET handler', async () => {
    expect((await call('HEAD')).status).toBe(200);
  });

  it('refuses a cross-site POST with 403 before the handler runs', async () => {
    const res = await call('POST', { 'sec-fetch-site': 'cross-site', 'x-mode': 'crash' });
    expect(res.status).toBe(403);
  });

  it('puts the security headers and no-store on every answer, refusals included', async () => {
    for (const res of [await call('GET'), await call('POST'), await call('PATCH')]) {
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('strict-transport-security')).toMatch(
        /max-age=\d{8,}; includeSubDomains/,
      );
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
      expect(res.headers.get('permissions-policy')).toBeTruthy();
      expect(res.headers.get('cache-control')).toBe('private, no-store');
    }
  });

  it('turns an HttpError into JSON or HTML by Accept, keeping its headers', async () => {
    const json = await call('POST', {
      'sec-fetch-site': 'same-origin',
      'x-mode': 'limit',
      accept: 'application/json',
    });
    expect(json.status).toBe(429);
    expect(json.headers.get('retry-after')).toBe('60');
    expect(await json.json()).toEqual({ ok: false, error: 'Too many tries.' });
    const html = await call('POST', { 'sec-fetch-site': 'same-origin', 'x-mode': 'limit' });
    expect(html.headers.get('content-type')).toContain('text/html');
    expect(await html.text()).toContain('Too many attempts');
  });

  it('hides an unexpected failure behind a plain 500', async () => {
    const original = console.error;
    console.error = () => {};
    try {
      const res = await call('POST', {
        'sec-fetch-site': 'same-origin',
        'x-mode': 'crash',
        accept: 'application/json',
      });
      expect(res.status).toBe(500);
      expect(await res.text()).not.toContain('database');
    } finally {
      console.error = original;
    }
  });
});
