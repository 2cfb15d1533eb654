import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCompressible, negotiateEncoding } from '../../scripts/lib/compression.ts';
import { findStaticFile, sendStaticFile } from '../../scripts/lib/static-files.ts';
import { createSiteServer, type SiteServer } from '../../scripts/serve.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');

describe('Accept-Encoding negotiation', () => {
  it.each([
    [undefined, null],
    ['', null],
    ['identity', null],
    ['gzip', 'gzip'],
    ['x-gzip', 'gzip'],
    ['x-gzip;q=0, gzip', 'gzip'],
    ['gzip;q=0, x-gzip', null],
    ['x-gzip;q=0', null],
    ['br', 'br'],
    ['gzip, deflate, br, zstd', 'br'],
    ['br;q=0, gzip', 'gzip'],
    ['br;q=0', null],
    ['BR;Q=0, GZIP;Q=0.5', 'gzip'],
    ['gzip;q=1, br;q=0.9', 'gzip'],
    ['gzip;q=0.5, br;q=0.5', 'br'],
    ['*', 'br'],
    ['*;q=0', null],
    ['br;q=0, *', 'gzip'],
    ['gzip;q=0, br;q=0, *;q=1', null],
    ['deflate', null],
    ['br;q=nonsense, gzip', 'gzip'],
    ['br;q=1.5, gzip;q=0.1', 'gzip'],
    [['gzip', 'br;q=0'], 'gzip'],
  ] as const)('%j gives %s', (header, expected) => {
    expect(negotiateEncoding(header as string | string[] | undefined)).toBe(expected);
  });

  it('compresses text types of a useful size only', () => {
    for (const type of [
      'text/html; charset=utf-8',
      'text/css; charset=utf-8',
      'text/javascript; charset=utf-8',
      'application/json; charset=utf-8',
      'application/manifest+json; charset=utf-8',
      'application/xml; charset=utf-8',
      'application/rss+xml; charset=utf-8',
      'image/svg+xml',
      'text/plain; charset=utf-8',
    ]) {
      expect(isCompressible(type, 5000), type).toBe(true);
      expect(isCompressible(type, 100), `${type}, tiny`).toBe(false);
    }
    for (const type of [
      'image/png',
      'image/avif',
      'font/woff2',
      'application/octet-stream',
      'application/wasm',
      'application/pdf',
    ]) {
      expect(isCompressible(type, 5000), type).toBe(false);
    }
  });
});

/** A response read with no decoding, as the bytes went over the wire. */
interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

describe('the local server’s static answers', () => {
  let dir: string;
  let server: SiteServer;
  const page = `<!doctype html><title>Big</title>${'<p>Members of the federation. '.repeat(800)}`;
  const script = `export const x = ${JSON.stringify('a long script line '.repeat(500))};`;
  const png = randomBytes(8000);

  function raw(target: string, headers: Record<string, string> = {}, method = 'GET') {
    const { port } = new URL(server.url);
    return new Promise<RawResponse>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: target, method, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      });
      req.on('error', reject);
      req.end();
    });
  }

  beforeAll(async () => {
    // The repository's own netlify.toml over a small publish folder of our making.
    dir = mkdtempSync(path.join(os.tmpdir(), 'compression-test-'));
    const www = path.join(dir, 'www');
    mkdirSync(path.join(www, '_astro'), { recursive: true });
    mkdirSync(path.join(dir, 'functions'));
    writeFileSync(path.join(www, 'index.html'), page);
    writeFileSync(path.join(www, 'small.txt'), 'tiny\n');
    writeFileSync(path.join(www, '_astro', 'app.Ab12Cd34.js'), script);
    writeFileSync(path.join(www, '_astro', 'photo.Ab12Cd34.png'), png);
    writeFileSync(path.join(www, '_astro', 'font.Ab12Cd34.woff2'), randomBytes(4000));
    server = createSiteServer({
      root: repoRoot,
      distDir: www,
      functionsDir: path.join(dir, 'functions'),
      runSchedules: false,
    });
    await server.listen();
  });
  afterAll(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('sends brotli to a browser, and the bytes decode to the file', async () => {
    const res = await raw('/', { 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers.vary).toBe('Accept-Encoding');
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
    expect(res.body.length).toBeLessThan(Buffer.byteLength(page) / 5);
    expect(brotliDecompressSync(res.body).toString()).toBe(page);
  });

  it('sends gzip when brotli is refused, and the bytes decode to the file', async () => {
    const res = await raw('/_astro/app.Ab12Cd34.js', { 'accept-encoding': 'br;q=0, gzip' });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(res.body).toString()).toBe(script);
  });

  it.each<Record<string, string>>([
    {},
    { 'accept-encoding': 'identity' },
    { 'accept-encoding': 'br;q=0, gzip;q=0' },
  ])('sends the file as it is for %j', async (headers) => {
    const res = await raw('/', headers);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers.vary).toBe('Accept-Encoding');
    expect(res.body.toString()).toBe(page);
  });

  it('never compresses images, fonts or tiny files', async () => {
    for (const target of [
      '/_astro/photo.Ab12Cd34.png',
      '/_astro/font.Ab12Cd34.woff2',
      '/small.txt',
    ]) {
      const res = await raw(target, { 'accept-encoding': 'br, gzip' });
      expect(res.headers['content-encoding'], target).toBeUndefined();
      expect(res.headers.vary, target).toBeUndefined();
    }
    const image = await raw('/_astro/photo.Ab12Cd34.png', { 'accept-encoding': 'br' });
    expect(image.body.equals(png)).toBe(true);
  });

  it('answers HEAD with the compressed length and no body', async () => {
    const get = await raw('/', { 'accept-encoding': 'br' });
    const head = await raw('/', { 'accept-encoding': 'br' }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-encoding']).toBe('br');
    expect(head.headers['content-length']).toBe(get.headers['content-length']);
    expect(head.body.length).toBe(0);
  });

  it('gives each coding its own validator, and 304 only for the one the client holds', async () => {
    const plain = await raw('/');
    const br = await raw('/', { 'accept-encoding': 'br' });
    const gzip = await raw('/', { 'accept-encoding': 'gzip' });
    const tags = new Set([plain.headers.etag, br.headers.etag, gzip.headers.etag]);
    expect(tags.size).toBe(3);
    const again = await raw('/', {
      'accept-encoding': 'br',
      'if-none-match': String(br.headers.etag),
    });
    expect(again.status).toBe(304);
    expect(again.headers.vary).toBe('Accept-Encoding');
    const other = await raw('/', {
      'accept-encoding': 'br',
      'if-none-match': String(gzip.headers.etag),
    });
    expect(other.status).toBe(200);
    const listed = await raw('/', {
      'accept-encoding': 'gzip',
      'if-none-match': `"nope", ${String(gzip.headers.etag)}`,
    });
    expect(listed.status).toBe(304);
  });

  it('answers a Range request with the whole file (a server may ignore Range)', async () => {
    const res = await raw('/', { range: 'bytes=0-9' });
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe(page);
  });

  it('lets browsers keep hashed /_astro/ files for a year, and has them ask again for pages', async () => {
    for (const target of ['/_astro/app.Ab12Cd34.js', '/_astro/photo.Ab12Cd34.png']) {
      const res = await raw(target);
      expect(res.headers['cache-control'], target).toBe('public, max-age=31536000, immutable');
      expect(res.headers['x-content-type-options'], target).toBe('nosniff');
    }
    for (const target of ['/', '/small.txt']) {
      const res = await raw(target);
      expect(res.headers['cache-control'], target).toBe('public, max-age=0, must-revalidate');
    }
  });
});

describe('a static file removed between finding and sending it', () => {
  /** Finds `name`, removes it (leaving a folder in its place when asked), then sends it: what the server answers, and whether it sent it. */
  async function sendAfterRemoval(
    name: string,
    bytes: string | Buffer,
    headers: Record<string, string> = {},
    replaceWithFolder = false,
  ) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gone-test-'));
    writeFileSync(path.join(dir, name), bytes);
    let sent: boolean | undefined;
    const server = createServer((req, res) => {
      void (async () => {
        const found = await findStaticFile(dir, `/${name}`);
        if (found?.kind !== 'file') throw new Error('not found before removal');
        rmSync(found.filePath);
        if (replaceWithFolder) mkdirSync(found.filePath);
        sent = await sendStaticFile(req, res, found);
        if (!sent) res.writeHead(404).end('gone');
      })();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const res = await fetch(`http://127.0.0.1:${port}/${name}`, { headers });
      return { status: res.status, body: await res.text(), sent };
    } finally {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it.each([
    ['a small page', 'small.html', '<p>Small</p>', {}],
    [
      'a page sent compressed',
      'page.html',
      '<p>Members</p>'.repeat(500),
      { 'accept-encoding': 'br' },
    ],
    ['a large file that is streamed', 'large.bin', randomBytes(300 * 1024), {}],
  ])('answers %s as missing, having sent nothing of it', async (_name, file, bytes, headers) => {
    for (const replaceWithFolder of [false, true]) {
      expect(await sendAfterRemoval(file, bytes, headers, replaceWithFolder)).toEqual({
        status: 404,
        body: 'gone',
        sent: false,
      });
    }
  });
});
