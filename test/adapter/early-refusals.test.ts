import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSiteServer, type SiteServer } from '../../scripts/serve.ts';

// A keep-alive client whose request was refused before its body was read must
// be able to use its pool again: the refusal says `Connection: close` and the
// server closes that connection cleanly, so the next request takes a new one.

const repo = path.resolve(import.meta.dirname, '../..');
const src = (file: string) => pathToFileURL(path.join(repo, 'src/server/http', file)).href;

/** A site whose one function refuses the way the product's functions do, with their code. */
function writeSite(root: string): void {
  mkdirSync(path.join(root, 'www'), { recursive: true });
  mkdirSync(path.join(root, 'functions'), { recursive: true });
  writeFileSync(path.join(root, 'netlify.toml'), '[build]\n  publish = "www"\n');
  writeFileSync(path.join(root, 'www/index.html'), '<!doctype html><p>home</p>\n');
  writeFileSync(path.join(root, 'www/404.html'), '<!doctype html><p>404 page</p>\n');
  writeFileSync(
    path.join(root, 'functions/form.ts'),
    `import { readFields } from '${src('body.ts')}';
import { HttpError } from '${src('errors.ts')}';
import { defineHandler } from '${src('handler.ts')}';
export default defineHandler(
  {
    POST: async (req) => {
      // A limit that answers before the body is read, as a per-IP limit may.
      if (new URL(req.url).searchParams.has('limited'))
        throw new HttpError(429, 'Too many attempts. Wait 4 seconds and try again.', { 'Retry-After': '4' });
      return Response.json(await readFields(req, ['name']));
    },
    GET: async () => Response.json({ ok: true }),
  },
  { siteUrl: () => 'http://localhost' },
);
export const config = { path: '/api/form' };
`,
  );
}

const BIG = Buffer.alloc(200 * 1024, 'a');
const JSON_TYPE = { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' };

interface Refusal {
  name: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | string;
  status: number;
  /** Send the body in chunks without Content-Length. */
  chunked?: boolean;
}

const REFUSALS: Refusal[] = [
  {
    name: '413 by Content-Length',
    method: 'POST',
    path: '/api/form',
    headers: JSON_TYPE,
    body: BIG,
    status: 413,
  },
  {
    name: '413 while streaming',
    method: 'POST',
    path: '/api/form',
    headers: JSON_TYPE,
    body: BIG,
    status: 413,
    chunked: true,
  },
  {
    name: '415',
    method: 'POST',
    path: '/api/form',
    headers: { ...JSON_TYPE, 'content-type': 'text/plain' },
    body: BIG,
    status: 415,
  },
  {
    name: '429 before reading',
    method: 'POST',
    path: '/api/form?limited',
    headers: JSON_TYPE,
    body: BIG,
    status: 429,
  },
  {
    name: '403 cross-site',
    method: 'POST',
    path: '/api/form',
    headers: { ...JSON_TYPE, 'sec-fetch-site': 'cross-site' },
    body: BIG,
    status: 403,
  },
  {
    name: '405 from a function',
    method: 'PUT',
    path: '/api/form',
    headers: JSON_TYPE,
    body: BIG,
    status: 405,
  },
  { name: '405 on a page', method: 'POST', path: '/', headers: JSON_TYPE, body: BIG, status: 405 },
  {
    name: '404 on no page',
    method: 'POST',
    path: '/no/such/page',
    headers: JSON_TYPE,
    body: BIG,
    status: 404,
  },
];

/** One request through a keep-alive agent; resolves with the status and Connection header. */
function send(
  base: string,
  agent: http.Agent,
  r: Pick<Refusal, 'method' | 'path' | 'headers' | 'body' | 'chunked'>,
): Promise<{ status: number; connection: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const headers = { ...r.headers, ...(r.chunked ? { 'transfer-encoding': 'chunked' } : {}) };
    const req = http.request(base + r.path, { method: r.method, agent, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode!, connection: res.headers.connection, body }),
      );
    });
    req.on('error', reject);
    if (r.chunked) {
      const data = Buffer.from(r.body);
      for (let i = 0; i < data.length; i += 16 * 1024) req.write(data.subarray(i, i + 16 * 1024));
      req.end();
    } else req.end(r.body);
  });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let root: string;
let site: SiteServer;

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'early-refusals-'));
  writeSite(root);
  site = createSiteServer({ root, distDir: 'www', functionsDir: 'functions' });
  await site.listen();
});

afterAll(async () => {
  await site?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('early refusals on the local server', () => {
  it.concurrent.each(REFUSALS)(
    'answers $name with Connection: close, and the pool’s next request succeeds (node:http Agent)',
    async (refusal) => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const refused = await send(site.url, agent, refusal);
        expect(refused.status).toBe(refusal.status);
        expect(refused.connection).toBe('close');
        await pause(1500);
        const next = await send(site.url, agent, {
          method: 'GET',
          path: '/api/form',
          headers: {},
          body: '',
        });
        expect(next.status).toBe(200);
        expect(JSON.parse(next.body)).toEqual({ ok: true });
      } finally {
        agent.destroy();
      }
    },
  );

  it('keeps the connection alive when the body was read whole, even for a 400', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const bad = await send(site.url, agent, {
        method: 'POST',
        path: '/api/form',
        headers: JSON_TYPE,
        body: '{"name":',
      });
      expect(bad.status).toBe(400);
      expect(bad.connection).toBe('keep-alive');
      const ok = await send(site.url, agent, {
        method: 'POST',
        path: '/api/form',
        headers: JSON_TYPE,
        body: '{"name":"Alex"}',
      });
      expect(JSON.parse(ok.body)).toEqual({ name: 'Alex' });
    } finally {
      agent.destroy();
    }
  });

  it.concurrent.each(REFUSALS.filter((r) => !r.chunked))(
    'lets fetch (undici) reuse its pool after $name',
    async (refusal) => {
      const refused = await fetch(site.url + refusal.path, {
        method: refusal.method,
        headers: refusal.headers,
        body: new Uint8Array(Buffer.from(refusal.body)),
      });
      await refused.arrayBuffer();
      expect(refused.status).toBe(refusal.status);
      await pause(1500);
      const next = await fetch(site.url + '/api/form', {
        method: 'POST',
        headers: JSON_TYPE,
        body: '{"name":"again"}',
      });
      expect(next.status).toBe(200);
      expect(await next.json()).toEqual({ name: 'again' });
    },
  );
});
