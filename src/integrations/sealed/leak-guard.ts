/**
 * Fails the build when members-only content reaches the public output: a
 * sealed sentence in any file of dist/ (pages, RSS, sitemaps, scripts) or in the
 * search index, a sealed URL in the index or a sitemap, a members or staff
 * folder left in dist/, or an image of sealed content (an optimised copy no public
 * file uses, a copy of a picture only sealed content shows, or Astro's copies named
 * after it). Runs last, after sealing, indexing and the sitemap.
 */
import type { AstroIntegration } from 'astro';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { listFiles, readIndexedPages, readSearchIndex } from './public-output.ts';
import {
  normalise,
  readSources,
  sealedSentences,
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

const SEALED_URL = /\/(members|staff)\//;
const TEXT_FILE = /\.(html|xml|json|js|css|txt|webmanifest)$/;

/** Every leak in `distDir` of the sealed content under `root`, one line each. */
export function findSealedLeaks(root: string, distDir: string): string[] {
  const collections = readSources(root);
  const sentences = sealedSentences(root, undefined, collections);
  // One pass over each file for all sentences: their number grows with the members' articles.
  const findSentences = createPhraseFinder(sentences.map(normalise));
  const leaksIn = (where: string, haystack: string) =>
    findSentences(normalise(haystack)).map((i) => `${where}: "${sentences[i]}"`);
  const relative = (file: string) => path.relative(distDir, file);
  const files = listFiles(distDir);
  const searchIndex = readSearchIndex(distDir);
  // Each file is read once, for sealed text, sealed URLs and the assets it points at.
  const textLeaks: string[] = [];
  const sitemapLeaks: string[] = [];
  const publicRefs = new Set<string>();
  for (const f of files) {
    const isText = TEXT_FILE.test(f);
    if (!isText && !REFERRING_FILE.test(f)) continue;
    const raw = readFileSync(f, 'utf8');
    if (isText) textLeaks.push(...leaksIn(relative(f), /\.(html|xml)$/.test(f) ? textOf(raw) + raw : raw));
    if (/sitemap.*\.xml$/.test(f) && SEALED_URL.test(raw)) sitemapLeaks.push(`${relative(f)}: lists a members or staff URL`);
    if (REFERRING_FILE.test(f)) for (const name of findAssetReferences(raw)) publicRefs.add(name);
  }
  return [
    ...files
      .filter((f) => f.startsWith(path.join(distDir, 'members') + path.sep) || f.startsWith(path.join(distDir, 'staff') + path.sep))
      .map((f) => `${relative(f)}: a sealed page left in the public output`),
    ...textLeaks,
    ...sitemapLeaks,
    ...searchIndex.flatMap(({ file, text }) => leaksIn(relative(file), text)),
    ...readIndexedPages(distDir, searchIndex)
      .filter((page) => SEALED_URL.test(page.url))
      .map((page) => `search index: lists ${page.url}`),
    ...findImageLeaks(root, distDir, files, collections, publicRefs),
  ];
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

/** The integration: list it after every integration that writes to dist/. */
export default function sealedLeakGuard(): AstroIntegration {
  let root = process.cwd();
  return {
    name: 'sealed-leak-guard',
    hooks: {
      'astro:config:done': ({ config }) => {
        root = fileURLToPath(config.root);
      },
      'astro:build:done': ({ dir, logger }) => {
        const leaks = findSealedLeaks(root, fileURLToPath(dir));
        if (leaks.length > 0) {
          throw new Error(
            `Members-only content reached the public output, so this build must not be published:\n  ${leaks.join('\n  ')}`,
          );
        }
        logger.info('no members-only text in the public output');
      },
    },
  };
}
