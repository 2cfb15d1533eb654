import type { Stats } from 'node:fs';
import { open, readFile, stat, type FileHandle } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { errorCode } from '../../src/lib/error-code.ts';
import { compressedFile, isCompressible, negotiateEncoding, type Coding } from './compression.ts';
import { contentTypeFor } from './content-types.ts';
import { safeDecode } from './netlify-rules.ts';

/** What a URL path names in the publish directory. */
export type StaticLookup =
  | { kind: 'file'; filePath: string; stats: Stats }
  /** A directory asked for without its trailing slash: Netlify answers 301 to `path/`. */
  | { kind: 'slash'; location: string }
  | null;

/** Files Netlify reads as configuration and never serves. */
const HIDDEN = new Set(['_headers', '_redirects']);

async function fileStats(filePath: string): Promise<Stats | null> {
  try {
    const stats = await stat(filePath);
    return stats.isFile() ? stats : null;
  } catch {
    return null;
  }
}

/**
 * Maps a URL path onto a file inside `root`, or null. Decoded segments that
 * climb (`..`) or carry a backslash or NUL never reach the disk.
 */
function toFilePath(root: string, pathname: string): string | null {
  const decoded = safeDecode(pathname);
  if (decoded === null || decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').filter(Boolean);
  if (segments.some((s) => s === '.' || s === '..')) return null;
  if (segments.length === 1 && HIDDEN.has(segments[0])) return null;
  const filePath = path.join(root, ...segments);
  return filePath === root || filePath.startsWith(root + path.sep) ? filePath : null;
}

/**
 * Finds the file for a URL path as Netlify does: `/a/` is `a/index.html`,
 * `/a` is the file `a`, else `a.html`, else a 301 to `/a/` when `a/index.html` exists.
 */
export async function findStaticFile(
  root: string,
  pathname: string,
  search = '',
): Promise<StaticLookup> {
  const filePath = toFilePath(root, pathname);
  if (filePath === null) return null;
  if (pathname.endsWith('/')) {
    const stats = await fileStats(path.join(filePath, 'index.html'));
    return stats ? { kind: 'file', filePath: path.join(filePath, 'index.html'), stats } : null;
  }
  const direct = await fileStats(filePath);
  if (direct) return { kind: 'file', filePath, stats: direct };
  const html = await fileStats(filePath + '.html');
  if (html) return { kind: 'file', filePath: filePath + '.html', stats: html };
  if (await fileStats(path.join(filePath, 'index.html'))) {
    // `/.//host` parses to the path `//host`: one leading slash keeps the 301 on this site.
    return { kind: 'slash', location: pathname.replace(/^\/+/, '/') + '/' + search };
  }
  return null;
}

/** Small files are kept in memory, checked against the file's size and mtime on every use. */
const CACHEABLE_BYTES = 256 * 1024;
const CACHE_LIMIT_BYTES = 64 * 1024 * 1024;
const cache = new Map<string, { mtimeMs: number; body: Buffer }>();
let cachedBytes = 0;

/** The file's bytes when it is small enough to keep, else null (it is streamed). */
async function cachedBody(filePath: string, stats: Stats): Promise<Buffer | null> {
  if (stats.size > CACHEABLE_BYTES) return null;
  const hit = cache.get(filePath);
  if (hit && hit.mtimeMs === stats.mtimeMs && hit.body.length === stats.size) return hit.body;
  const body = await readFile(filePath);
  if (body.length !== stats.size) return body; // changed while read: serve what was read, keep nothing
  if (hit) cachedBytes -= hit.body.length;
  if (cachedBytes + body.length <= CACHE_LIMIT_BYTES) {
    cache.set(filePath, { mtimeMs: stats.mtimeMs, body });
    cachedBytes += body.length;
  } else if (hit) {
    cache.delete(filePath);
  }
  return body;
}

/** A weak validator per file version and coding: a compressed body is another representation. */
function etagFor(stats: Stats, coding: Coding | null): string {
  const version = `${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}`;
  return `W/"${version}${coding ? `-${coding}` : ''}"`;
}

/** True when `If-None-Match` names `etag` or is `*` (weak comparison, RFC 9110 §13.1.2). */
function noneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const opaque = etag.replace(/^W\//, '');
  return header.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || trimmed.replace(/^W\//, '') === opaque;
  });
}

/** Options for one static answer. */
export interface SendFileOptions {
  status?: number;
  /** Rule headers (lower-case names); they override the defaults. */
  headers?: Record<string, string>;
}

/** True for a read that failed because the file went away (removed or replaced mid-build). */
function isGone(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

/** What is sent after the headers: bytes in hand, an open file to stream, or nothing (HEAD). */
type Body = { bytes: Buffer } | { file: FileHandle; size: number } | null;

/**
 * Reads the body before anything is sent, so a file removed since it was found is
 * answered as missing rather than half-sent. A large file is opened now and streamed
 * from that handle, which keeps its bytes readable even if the path is replaced.
 */
async function readBody(
  req: IncomingMessage,
  file: { filePath: string; stats: Stats },
  coding: Coding | null,
): Promise<Body> {
  if (coding) {
    // HEAD needs the compressed length too; the copy is kept for the GETs that follow.
    const bytes = await compressedFile(file.filePath, file.stats, coding, async () => {
      return (await cachedBody(file.filePath, file.stats)) ?? readFile(file.filePath);
    });
    return { bytes };
  }
  if (req.method === 'HEAD') return null;
  const bytes = await cachedBody(file.filePath, file.stats);
  if (bytes) return { bytes };
  const handle = await open(file.filePath, 'r');
  try {
    // What the handle holds, should the path have been replaced since it was found.
    const stats = await handle.stat();
    if (!stats.isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
    if (stats.size > 0) return { file: handle, size: stats.size };
    await handle.close();
    return { bytes: Buffer.alloc(0) };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/**
 * Sends a file with its type, length, validators and Netlify's default
 * `Cache-Control`; text types compressed (br or gzip) for a client that accepts
 * it, with `Vary: Accept-Encoding`; answers 304 to a matching `If-None-Match`
 * and no body to HEAD. `Range` is ignored: the answer is the whole file (RFC 9110 §14.2).
 * Returns false, having sent nothing, when the file is gone by the time it is read.
 */
export async function sendStaticFile(
  req: IncomingMessage,
  res: ServerResponse,
  file: { filePath: string; stats: Stats },
  { status = 200, headers = {} }: SendFileOptions = {},
): Promise<boolean> {
  const contentType = contentTypeFor(file.filePath);
  const varies = isCompressible(contentType, file.stats.size);
  const coding = varies ? negotiateEncoding(req.headers['accept-encoding']) : null;
  const etag = etagFor(file.stats, coding);
  const answer: Record<string, string | number> = {
    'content-type': contentType,
    'cache-control': 'public, max-age=0, must-revalidate',
    etag,
    'last-modified': file.stats.mtime.toUTCString(),
    ...headers,
  };
  if (varies) answer.vary = answer.vary ? `${answer.vary}, Accept-Encoding` : 'Accept-Encoding';
  if (status === 200 && noneMatchHits(req.headers['if-none-match'], etag)) {
    res.writeHead(304, answer).end();
    return true;
  }
  let body: Body;
  try {
    body = await readBody(req, file, coding);
  } catch (error) {
    if (isGone(error)) return false;
    throw error;
  }
  if (coding) answer['content-encoding'] = coding;
  answer['content-length'] = !body
    ? file.stats.size
    : 'bytes' in body
      ? body.bytes.length
      : body.size;
  res.writeHead(status, answer);
  if (!body) res.end();
  else if ('bytes' in body) res.end(req.method === 'HEAD' ? undefined : body.bytes);
  else {
    try {
      // No further than the length sent: a file growing meanwhile never overruns the answer.
      const stream = body.file.createReadStream({ autoClose: false, start: 0, end: body.size - 1 });
      await pipeline(stream, res);
    } finally {
      await body.file.close();
    }
  }
  return true;
}
