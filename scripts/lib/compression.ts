/**
 * Content codings for the local server's static files (RFC 9110 §8.4, §12.5.3):
 * brotli or gzip by the request's `Accept-Encoding`, for text types only, and
 * one compressed copy per file and coding kept in memory, so a file of the
 * build is compressed once, not on every request (the files change only with
 * a new build, and a copy is checked against the file's size and mtime).
 */
import type { Stats } from 'node:fs';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

/** The codings this server produces. */
export type Coding = 'br' | 'gzip';

/** In the server's order of preference when the client's weights tie. */
const CODINGS: readonly Coding[] = ['br', 'gzip'];

/** Bodies smaller than this are sent as they are: the coding would save little or nothing. */
export const MIN_COMPRESS_BYTES = 1024;

/** Larger files are sent as they are rather than held compressed in memory. */
export const MAX_COMPRESS_BYTES = 16 * 1024 * 1024;

/** The most memory all compressed copies together may take. */
const CACHE_LIMIT_BYTES = 48 * 1024 * 1024;

/** Media types that are text and shrink well; images, fonts, wasm and Pagefind's gzip files do not qualify. */
const COMPRESSIBLE_TYPE =
  /^(?:text\/|image\/svg\+xml|application\/(?:json|javascript|xml|[\w.-]+\+(?:json|xml))(?:;|$))/i;

/** True for a body worth compressing: a text type of at least `MIN_COMPRESS_BYTES` and at most `MAX_COMPRESS_BYTES`. */
export function isCompressible(contentType: string, bytes: number): boolean {
  return (
    bytes >= MIN_COMPRESS_BYTES &&
    bytes <= MAX_COMPRESS_BYTES &&
    COMPRESSIBLE_TYPE.test(contentType)
  );
}

/** A qvalue (RFC 9110 §12.4.2): 0 to 1 with at most three decimals; anything else counts as 0. */
function parseWeight(value: string | undefined): number {
  const text = (value ?? '').trim();
  if (!/^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/.test(text)) return 0;
  return Number(text);
}

/**
 * The coding to send for an `Accept-Encoding` value, or null for the body as it is.
 * A missing header or `identity` gets null; `*` stands for every coding not named;
 * `x-gzip` is `gzip` unless `gzip` is named too (RFC 9110 §8.4.1.3); `q=0` refuses a coding; the higher
 * weight wins and br wins a tie.
 */
export function negotiateEncoding(header: string | string[] | undefined): Coding | null {
  if (header === undefined) return null;
  const weights = new Map<string, number>();
  for (const member of (Array.isArray(header) ? header.join(',') : header).split(',')) {
    const [rawName, ...params] = member.split(';');
    const name = rawName.trim().toLowerCase();
    if (!name) continue;
    let weight = 1;
    for (const param of params) {
      const eq = param.indexOf('=');
      if (eq > 0 && param.slice(0, eq).trim().toLowerCase() === 'q') {
        weight = parseWeight(param.slice(eq + 1));
      }
    }
    // A coding named twice keeps its first weight.
    if (!weights.has(name)) weights.set(name, weight);
  }
  let best: Coding | null = null;
  let bestWeight = 0;
  for (const coding of CODINGS) {
    // `gzip` named as such outranks its alias, whatever order they come in.
    const weight =
      weights.get(coding) ??
      (coding === 'gzip' ? weights.get('x-gzip') : undefined) ??
      weights.get('*') ??
      0;
    if (weight > bestWeight) {
      best = coding;
      bestWeight = weight;
    }
  }
  return best;
}

const compressWith: Record<Coding, (body: Buffer) => Promise<Buffer>> = {
  // Quality 5: within a few per cent of the best for text, and quick enough for
  // a multi-megabyte bundle on its first request. zlib works off the event loop.
  br: (body) =>
    promisify(brotliCompress)(body, {
      params: {
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_QUALITY]: 5,
        [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    }),
  gzip: (body) => promisify(gzip)(body, { level: 6 }),
};

interface CachedCopy {
  mtimeMs: number;
  size: number;
  body: Promise<Buffer>;
  bytes: number;
}

const copies = new Map<string, CachedCopy>();
let cachedBytes = 0;

function forget(key: string): void {
  const old = copies.get(key);
  if (!old) return;
  copies.delete(key);
  cachedBytes -= old.bytes;
}

/**
 * The file's bytes in `coding`, compressed once per file version and coding
 * (concurrent requests share one compression). `read` gives the file's bytes.
 * Copies are kept until `CACHE_LIMIT_BYTES` is reached; later ones are made per request.
 */
export function compressedFile(
  filePath: string,
  stats: Pick<Stats, 'mtimeMs' | 'size'>,
  coding: Coding,
  read: () => Promise<Buffer>,
): Promise<Buffer> {
  const key = `${coding}:${filePath}`;
  const hit = copies.get(key);
  if (hit && hit.mtimeMs === stats.mtimeMs && hit.size === stats.size) return hit.body;
  forget(key);
  const body = read().then((bytes) => compressWith[coding](bytes));
  const copy: CachedCopy = { mtimeMs: stats.mtimeMs, size: stats.size, body, bytes: 0 };
  copies.set(key, copy);
  body.then(
    (compressed) => {
      if (copies.get(key) !== copy) return;
      if (cachedBytes + compressed.length > CACHE_LIMIT_BYTES) return forget(key);
      copy.bytes = compressed.length;
      cachedBytes += compressed.length;
    },
    () => {
      if (copies.get(key) === copy) forget(key);
    },
  );
  return body;
}
