/**
 * The content manager's bundle, cached by what it is made from, so a content-only
 * build reuses it instead of bundling Decap again (tens of seconds and over a gigabyte
 * of memory when Vite did it inside `astro build`).
 *
 * Layout: `<cacheRoot>/<key>/manifest.json` beside the built files. The key is a SHA-256
 * over the bundle's project sources (its import graph: src/cms/**, the src/lib modules
 * and stylesheets it imports), package-lock.json, tsconfig.json, the bundler's own
 * options (bundler.ts), esbuild's version and the build settings. content/ is never
 * read by the bundle, so editing content never changes the key.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import {
  BUNDLER_SOURCE,
  ESBUILD_VERSION,
  bundleCms,
  listCmsSources,
  type CmsBuildSettings,
} from './bundler.ts';

/** Bump when the layout of an entry changes, so older entries are ignored. */
const FORMAT = 1;

/** Entries kept after a new one is written (the newest by use): dev, build and a spare. */
const KEEP_ENTRIES = 3;

const MANIFEST = 'manifest.json';

/** Files outside the import graph that decide the bundle's bytes, relative to the root. */
const PROJECT_SETTINGS = ['package-lock.json', 'tsconfig.json'];

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/** The default cache folder: inside node_modules, which Netlify's build cache keeps. */
export function defaultCacheRoot(root: string, env = process.env): string {
  return path.resolve(root, env.CMS_BUNDLE_CACHE || 'node_modules/.cache/cms');
}

/** The key and the project files it was computed from (absolute paths, for watching). */
export interface CmsCacheKey {
  key: string;
  files: string[];
}

/**
 * Hashes everything the bundle is made from. A missing settings file (no lockfile in a
 * bare checkout) counts as empty rather than failing the build.
 */
export async function computeCmsCacheKey(
  root: string,
  settings: CmsBuildSettings,
): Promise<CmsCacheKey> {
  const relative = [...(await listCmsSources(root, settings)), ...PROJECT_SETTINGS];
  const hashes = relative.map((file) => {
    const full = path.join(root, file);
    return [file, existsSync(full) ? sha256(readFileSync(full)) : 'missing'];
  });
  const key = sha256(
    JSON.stringify({
      format: FORMAT,
      esbuild: ESBUILD_VERSION,
      bundler: sha256(readFileSync(BUNDLER_SOURCE)),
      settings: { nodeEnv: settings.nodeEnv, mode: settings.mode, minify: settings.minify },
      files: hashes,
    }),
  );
  return { key, files: relative.map((file) => path.join(root, file)) };
}

/** A complete cache entry. */
export interface CmsCacheEntry {
  key: string;
  /** The entry's folder. */
  dir: string;
  /** File name of the ES module to load. */
  script: string;
  /** Names of every file in the entry besides the manifest. */
  files: string[];
}

const manifestSchema = z.object({
  format: z.literal(FORMAT),
  key: z.string(),
  script: z.string(),
  /** File name → SHA-256 of its bytes. */
  files: z.record(z.string()),
});
type Manifest = z.infer<typeof manifestSchema>;

/**
 * Reads the entry in `dir`, or null when it is missing, from another format, or not
 * whole (a file missing or not matching the hash its manifest records).
 */
export function readCacheEntry(dir: string, key: string): CmsCacheEntry | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path.join(dir, MANIFEST), 'utf8'));
  } catch {
    return null;
  }
  const result = manifestSchema.safeParse(parsed);
  if (!result.success || result.data.key !== key) return null;
  const manifest = result.data;
  const files = Object.keys(manifest.files);
  if (!files.includes(manifest.script)) return null;
  for (const name of files) {
    const full = path.join(dir, name);
    if (path.dirname(full) !== dir || !existsSync(full)) return null;
    if (sha256(readFileSync(full)) !== manifest.files[name]) return null;
  }
  return { key, dir, script: manifest.script, files };
}

/**
 * Builds an entry in a temporary folder beside the others, writes its manifest last and
 * renames the folder into place, so no reader ever sees half an entry. When another build
 * finished the same key first, its entry is used.
 */
async function writeCacheEntry(
  cacheRoot: string,
  key: string,
  fill: (dir: string) => Promise<{ script: string; files: string[] }>,
): Promise<CmsCacheEntry> {
  mkdirSync(cacheRoot, { recursive: true });
  const staging = path.join(
    cacheRoot,
    `.tmp-${key.slice(0, 16)}-${randomBytes(6).toString('hex')}`,
  );
  mkdirSync(staging);
  try {
    const output = await fill(staging);
    const files = Object.fromEntries(
      output.files.map((name) => [name, sha256(readFileSync(path.join(staging, name)))]),
    );
    const manifest: Manifest = { format: FORMAT, key, script: output.script, files };
    writeFileSync(path.join(staging, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
    const final = path.join(cacheRoot, key);
    // A broken entry under this key (a crash mid-copy by an older layout) gives way.
    if (existsSync(final) && !readCacheEntry(final, key)) rmSync(final, { recursive: true });
    try {
      renameSync(staging, final);
    } catch (error) {
      const other = readCacheEntry(final, key);
      if (!other) throw error;
      return other;
    }
    const entry = readCacheEntry(final, key);
    if (!entry) throw new Error(`the content manager's cache entry ${final} did not read back`);
    return entry;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** Removes all but the most recently used entries, and staging folders over an hour old. */
function pruneCache(cacheRoot: string, keep: string): void {
  const now = Date.now();
  const entries = readdirSync(cacheRoot, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => ({ name: e.name, mtime: statSync(path.join(cacheRoot, e.name)).mtimeMs }));
  const stale = entries.filter((e) => e.name.startsWith('.tmp-') && now - e.mtime > 3_600_000);
  const old = entries
    .filter((e) => !e.name.startsWith('.') && e.name !== keep)
    .sort((a, b) => b.mtime - a.mtime)
    .slice(KEEP_ENTRIES - 1);
  for (const e of [...stale, ...old])
    rmSync(path.join(cacheRoot, e.name), { recursive: true, force: true });
}

/** The bundle to serve, and whether it came from the cache. */
export interface CmsBundle extends CmsCacheEntry {
  reused: boolean;
  /** Project files it is made from (absolute), for a dev server to watch. */
  sources: string[];
}

/**
 * Returns the content manager's bundle for the project at `root`: the cached entry when
 * one matches what the bundle is made from, else a fresh build stored for next time.
 */
export async function ensureCmsBundle(options: {
  root: string;
  cacheRoot: string;
  settings: CmsBuildSettings;
}): Promise<CmsBundle> {
  const { root, cacheRoot, settings } = options;
  const { key, files: sources } = await computeCmsCacheKey(root, settings);
  const dir = path.join(cacheRoot, key);
  const cached = readCacheEntry(dir, key);
  if (cached) {
    // Marks it as recently used, for pruning.
    const now = new Date();
    utimesSync(dir, now, now);
    return { ...cached, reused: true, sources };
  }
  const entry = await writeCacheEntry(cacheRoot, key, (out) => bundleCms(root, settings, out));
  pruneCache(cacheRoot, key);
  return { ...entry, reused: false, sources };
}
