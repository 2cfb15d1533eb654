/**
 * Fails the build when members-only content reaches the public output: a
 * sealed sentence in any file of dist/ (pages, RSS, sitemaps, scripts) or in the
 * search index, a sealed URL in the index or a sitemap, a members or staff
 * folder left in dist/, or an image of sealed content (an optimised copy no public
 * file uses, a copy of a picture only sealed content shows, or Astro's copies named
 * after it). The verdict runs last, after sealing, indexing and the sitemap; the
 * reading can start earlier (`createLeakGuard`), and the verdict reads again every
 * file that is new or may have changed since. Text found clean is remembered in Astro's
 * cache folder for the next build (clean-files.ts); leaks are always found by reading.
 */
import type { AstroIntegration } from 'astro';
import { createHash } from 'node:crypto';
import { readFileSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { listFiles, readIndexedPages, readSearchIndex } from './public-output.ts';
import {
  normalise,
  readSources,
  readSourcesInSteps,
  sealedSentencesInSteps,
  textOf,
  type SourceCollections,
} from './sealed-text.ts';
import { createPhraseFinder } from './phrase-finder.ts';
import {
  ASSETS_DIR,
  IMAGE_FILE,
  REFERRING_FILE,
  findAssetReferences,
  referencesIn,
} from './sealed-assets.ts';
import { sealedOnlyImages, stemOf } from './sealed-images.ts';
import { finishInSlices, finishNow, type Steps } from './steps.ts';
import { cleanFilesKey, digestOf, openCleanFiles, type CleanFiles } from './clean-files.ts';

const SEALED_URL = /\/(members|staff)\//;
const TEXT_FILE = /\.(html|xml|json|js|css|txt|webmanifest)$/;
/**
 * A file modified this close to (or after) the start of an early reading may be
 * written again within one tick of the file system's clock, unseen by its
 * modification time: the verdict reads such a file again whatever its stat says.
 */
const UNSETTLED_MS = 2000;

/** The sealed content of a site and a finder for its sentences, prepared once per check. */
interface SealedChecks {
  collections: SourceCollections;
  /** Each sealed sentence `haystack` holds, as `<where>: "<sentence>"`. */
  leaksIn(where: string, haystack: string): string[];
  /** Text found clean by earlier builds (clean-files.ts), when a record is kept. */
  clean?: CleanFiles;
}

/** Prepares the checks; with `recordFile`, also the record of text found clean before. */
function* prepareChecks(root: string, recordFile?: string): Steps<SealedChecks> {
  const collections = yield* readSourcesInSteps(root);
  const sentences = yield* sealedSentencesInSteps(collections);
  // One pass over each file for all sentences: their number grows with the members' articles.
  const findSentences = createPhraseFinder(sentences.map(normalise));
  const key = recordFile === undefined ? undefined : cleanFilesKey(sentences);
  return {
    collections,
    leaksIn: (where, haystack) =>
      findSentences(normalise(haystack)).map((i) => `${where}: "${sentences[i]}"`),
    clean: key === undefined ? undefined : openCleanFiles(recordFile!, key),
  };
}

/**
 * `checks.leaksIn(where, haystack())`, or none without reading when the same `source`
 * read as `kind` was found clean before.
 */
function leaksInUnlessClean(
  checks: SealedChecks,
  where: string,
  kind: string,
  source: Buffer | string,
  haystack: () => string,
): string[] {
  const digest = checks.clean && digestOf(kind, source);
  if (digest && checks.clean!.has(digest)) return [];
  const leaks = checks.leaksIn(where, haystack());
  if (digest && leaks.length === 0) checks.clean!.add(digest);
  return leaks;
}

/** What one file of the public output holds that the checks need, and the file's state when read. */
interface FileReport {
  /** Size, modification time and inode before reading: a file whose stat differs later is read again. */
  stamp: string;
  modifiedMs: number;
  textLeaks: string[];
  listsSealedUrl: boolean;
  assetReferences: Set<string>;
}

const stampOf = (stat: Stats) => `${stat.size}:${stat.mtimeMs}:${stat.ino}`;

/** Reads `file` for the checks, or gives undefined for a file they do not read (an image). */
function readPublicFile(file: string, distDir: string, checks: SealedChecks): FileReport | undefined {
  const isText = TEXT_FILE.test(file);
  const refers = REFERRING_FILE.test(file);
  if (!isText && !refers) return undefined;
  // Stat before reading: a change between the two leaves a stale stamp, so it is read again.
  const stat = statSync(file);
  const bytes = readFileSync(file);
  const raw = bytes.toString('utf8');
  const markup = /\.(html|xml)$/.test(file);
  return {
    stamp: stampOf(stat),
    modifiedMs: stat.mtimeMs,
    textLeaks: isText
      ? leaksInUnlessClean(checks, path.relative(distDir, file), markup ? 'markup' : 'text', bytes, () =>
          markup ? textOf(raw) + raw : raw,
        )
      : [],
    listsSealedUrl: /sitemap.*\.xml$/.test(file) && SEALED_URL.test(raw),
    assetReferences: refers ? findAssetReferences(raw) : new Set(),
  };
}

/** An early reading of the public output: the checks and what each file held then. */
interface EarlyReading {
  checks: SealedChecks;
  reports: Map<string, FileReport>;
  /** Files modified at or after this time (ms since the epoch) are read again. */
  settledBefore: number;
}

/** Reads every file of `distDir` now, for a verdict later. */
function* readEarly(root: string, distDir: string, recordFile?: string): Steps<EarlyReading> {
  const settledBefore = Date.now() - UNSETTLED_MS;
  const checks = yield* prepareChecks(root, recordFile);
  const reports = new Map<string, FileReport>();
  for (const file of listFiles(distDir)) {
    const report = readPublicFile(file, distDir, checks);
    if (report) reports.set(file, report);
    yield;
  }
  return { checks, reports, settledBefore };
}

/**
 * Every leak in `distDir` as it is now, one line each. Files of an `early` reading
 * are taken from it when their stat is unchanged and they had settled before it began.
 * With `recordFile`, text found clean is remembered there for the next build.
 */
function* judge(
  root: string,
  distDir: string,
  early?: EarlyReading,
  recordFile?: string,
): Steps<string[]> {
  const checks = early?.checks ?? (yield* prepareChecks(root, recordFile));
  const relative = (file: string) => path.relative(distDir, file);
  const files = listFiles(distDir);
  const reports = new Map<string, FileReport>();
  for (const file of files) {
    const earlier = early?.reports.get(file);
    const reusable =
      earlier !== undefined &&
      earlier.modifiedMs < early!.settledBefore &&
      stampOf(statSync(file)) === earlier.stamp;
    const report = reusable ? earlier : readPublicFile(file, distDir, checks);
    if (report) reports.set(file, report);
    yield;
  }
  const searchIndex = readSearchIndex(distDir);
  const publicRefs = new Set<string>();
  for (const report of reports.values())
    for (const name of report.assetReferences) publicRefs.add(name);
  const leaks = [
    ...files
      .filter((f) => f.startsWith(path.join(distDir, 'members') + path.sep) || f.startsWith(path.join(distDir, 'staff') + path.sep))
      .map((f) => `${relative(f)}: a sealed page left in the public output`),
    ...[...reports.values()].flatMap((report) => report.textLeaks),
    ...[...reports]
      .filter(([, report]) => report.listsSealedUrl)
      .map(([file]) => `${relative(file)}: lists a members or staff URL`),
    ...searchIndex.flatMap(({ file, text }) =>
      leaksInUnlessClean(checks, relative(file), 'index', text, () => text),
    ),
    ...readIndexedPages(distDir, searchIndex)
      .filter((page) => SEALED_URL.test(page.url))
      .map((page) => `search index: lists ${page.url}`),
    ...findImageLeaks(root, distDir, files, checks.collections, publicRefs),
  ];
  checks.clean?.save();
  return leaks;
}

/** Every leak in `distDir` of the sealed content under `root`, one line each. */
export function findSealedLeaks(root: string, distDir: string): string[] {
  return finishNow(judge(root, distDir));
}

/** Images of sealed content in `distDir`, one line each (see the module comment). */
export function findImageLeaks(
  root: string,
  distDir: string,
  files: string[],
  collections: SourceCollections = readSources(root),
  publicRefs: ReadonlySet<string> = referencesIn(distDir, (file) => REFERRING_FILE.test(file)),
): string[] {
  const relative = (file: string) => path.relative(root, file).split(path.sep).join('/');
  const assetsDir = path.join(distDir, ASSETS_DIR);
  const images = files.filter((f) => path.dirname(f) === assetsDir && IMAGE_FILE.test(f));
  const unused = images
    .filter((f) => !publicRefs.has(path.basename(f)))
    .map((f) => `${relative(f)}: an image no public page uses (images of members-only content belong in sealed/)`);

  const sources = sealedOnlyImages(root, collections);
  const bySize = new Map<number, string[]>();
  for (const file of files) {
    const size = statSync(file).size;
    const same = bySize.get(size);
    if (same) same.push(file);
    else bySize.set(size, [file]);
  }
  const copies = sources.flatMap((source) =>
    (bySize.get(statSync(source.file).size) ?? [])
      .filter((f) => createHash('sha256').update(readFileSync(f)).digest('hex') === source.sha256)
      .map((f) => `${relative(f)}: a copy of ${relative(source.file)}, which only members-only content shows`),
  );
  const named = sources
    .filter((source) => source.ownName)
    .flatMap((source) =>
      images
        .filter((f) => path.basename(f).startsWith(`${stemOf(source.file)}.`))
        .map((f) => `${relative(f)}: made from ${relative(source.file)}, which only members-only content shows`),
    );
  return [...new Set([...unused, ...copies, ...named])];
}

/** The two places the guard takes in the integrations list (see `createLeakGuard`). */
export interface LeakGuard {
  /** Starts reading the public output; list it after the integrations that move sealed pages out. */
  early: AstroIntegration;
  /** Reads whatever is new or changed and fails the build on any leak; list it last. */
  verdict: AstroIntegration;
}

/**
 * The guard as two integrations. `early` starts reading dist/ in slices that leave the
 * event loop free, so the reading overlaps what the integrations between the two do
 * (Pagefind indexes in its own process); `verdict` waits for that reading, reads again
 * every file that is new or may have changed since, and fails the build on any leak.
 * Without `early` the verdict reads everything itself.
 */
export function createLeakGuard(): LeakGuard {
  let root = process.cwd();
  let recordFile: string | undefined;
  let reading: Promise<EarlyReading> | undefined;
  const verdict: AstroIntegration = {
    name: 'sealed-leak-guard',
    hooks: {
      'astro:config:done': ({ config }) => {
        root = fileURLToPath(config.root);
        recordFile = path.join(fileURLToPath(config.cacheDir), 'sealed-leak-guard.json');
        // A later writer to dist/ would go unchecked. Astro hands hooks copies of the
        // integrations, so they are told apart by name.
        const names = config.integrations.map((integration) => integration.name);
        const after = config.integrations.slice(names.lastIndexOf(verdict.name) + 1);
        const writer = after.find((integration) => integration.hooks['astro:build:done']);
        if (writer)
          throw new Error(`sealed-leak-guard must come after every build step; "${writer.name}" comes later`);
      },
      'astro:build:done': async ({ dir, logger }) => {
        const distDir = fileURLToPath(dir);
        const early = await reading;
        // A reading serves one verdict: a later build in this process reads afresh.
        reading = undefined;
        const leaks = finishNow(judge(root, distDir, early, recordFile));
        if (leaks.length > 0) {
          throw new Error(
            `Members-only content reached the public output, so this build must not be published:\n  ${leaks.join('\n  ')}`,
          );
        }
        logger.info('no members-only text in the public output');
      },
    },
  };
  const early: AstroIntegration = {
    name: 'sealed-leak-guard-early',
    hooks: {
      'astro:config:done': ({ config }) => {
        if (!config.integrations.some((integration) => integration.name === verdict.name))
          throw new Error('sealed-leak-guard-early needs the guard\'s verdict (sealed-leak-guard) listed too');
      },
      'astro:build:done': ({ dir }) => {
        // Begins after this hook returns, so the next integration starts first.
        reading = new Promise((resolve) => setImmediate(resolve)).then(() =>
          finishInSlices(readEarly(root, fileURLToPath(dir), recordFile)),
        );
        // Reported by the verdict, which awaits it; a build that fails sooner never gets there.
        reading.catch(() => {});
      },
    },
  };
  return { early, verdict };
}

