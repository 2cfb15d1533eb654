/**
 * The built files of sealed content. Astro writes every optimised image to dist/_astro/,
 * whichever page shows it; the images only sealed pages show belong with those pages.
 * Once the pages are sealed, this moves each such file into sealed/members/_assets/,
 * points the sealed pages at `/members/_assets/<file>` (which only the members function
 * serves), and drops the originals Astro copied beside their optimised versions but no
 * page uses (a members-only photo as uploaded, or a 12 MB phone photo with its
 * location data).
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SEALED_ASSETS_DIR } from '../../server/http/sealed-pages.ts';
import { listFiles } from './public-output.ts';

/** Where Astro writes built assets, under dist/ and in URLs. */
export const ASSETS_DIR = '_astro';

/** Files of dist/_astro/ that are images (what content brings, as opposed to scripts and styles). */
export const IMAGE_FILE = /\.(avif|webp|jpe?g|png|gif|tiff?|svg)$/i;

/** Output files that can point at an asset: pages, feeds, scripts, styles, Netlify's rules. */
export const REFERRING_FILE = /(\.(html|xml|json|js|mjs|css|txt|webmanifest)|\/_headers|\/_redirects)$/;

/** Names of `_astro/` files that `text` points at (relative, root-relative or absolute URLs). */
export function findAssetReferences(text: string): Set<string> {
  const names = new Set<string>();
  for (const match of text.matchAll(/\/_astro\/([A-Za-z0-9_.-]+)/g)) names.add(match[1]);
  return names;
}

/** Every `_astro/` name that the files under `dir` (those `include` accepts) point at. */
export function referencesIn(dir: string, include: (file: string) => boolean): Set<string> {
  const names = new Set<string>();
  for (const file of listFiles(dir).filter(include)) {
    for (const name of findAssetReferences(readFileSync(file, 'utf8'))) names.add(name);
  }
  return names;
}

/** What to do with the images in dist/_astro/. */
export interface AssetPlan {
  /** Used only by sealed pages: move to sealed/. */
  seal: string[];
  /** Used by nobody: Astro's copy of an original whose optimised versions are used instead. */
  drop: string[];
}

/**
 * Decides, from who points at what, where each image of dist/_astro/ belongs. An image
 * any public file uses stays public (a hero shared by a public and a members-only
 * article stays where both can load it). An original Astro copied as `<stem>.<ext>`
 * has its optimised versions named `<stem>_<hash>.<ext>`: unused itself, it is dropped.
 */
export function planSealedAssets(
  images: readonly string[],
  publicRefs: ReadonlySet<string>,
  sealedRefs: ReadonlySet<string>,
): AssetPlan {
  const plan: AssetPlan = { seal: [], drop: [] };
  for (const name of images) {
    if (publicRefs.has(name)) continue;
    if (sealedRefs.has(name)) {
      plan.seal.push(name);
      continue;
    }
    const stem = name.slice(0, name.lastIndexOf('.'));
    const derived = images.filter((other) => other !== name && other.startsWith(`${stem}_`));
    if (derived.length > 0) plan.drop.push(name);
  }
  return plan;
}

/** Points every reference to a sealed `_astro/` file in `html` at its sealed URL. */
export function rewriteSealedReferences(html: string, sealed: ReadonlySet<string>): string {
  return html.replace(/\/_astro\/([A-Za-z0-9_.-]+)/g, (whole, name: string) =>
    sealed.has(name) ? `/${SEALED_ASSETS_DIR}/${name}` : whole,
  );
}

/**
 * Moves the images only sealed pages use from `distDir/_astro/` into
 * `sealedDir/members/_assets/`, rewrites the sealed pages to match, and drops unused
 * originals. Call after the sealed pages are in `sealedDir`. Returns the plan carried out.
 */
export function sealAssets(distDir: string, sealedDir: string): AssetPlan {
  const assetsDir = path.join(distDir, ASSETS_DIR);
  const images = listFiles(assetsDir)
    .filter((file) => IMAGE_FILE.test(file))
    .map((file) => path.relative(assetsDir, file))
    .filter((name) => !name.includes(path.sep));
  const sealedPages = (file: string) => file.endsWith('.html');
  const publicRefs = referencesIn(distDir, (file) => REFERRING_FILE.test(file));
  const sealedRefs = referencesIn(sealedDir, sealedPages);
  const plan = planSealedAssets(images, publicRefs, sealedRefs);

  const target = path.join(sealedDir, SEALED_ASSETS_DIR);
  mkdirSync(target, { recursive: true });
  for (const name of plan.seal) {
    copyFileSync(path.join(assetsDir, name), path.join(target, name));
    rmSync(path.join(assetsDir, name));
  }
  for (const name of plan.drop) rmSync(path.join(assetsDir, name), { force: true });

  const sealed = new Set(plan.seal);
  if (sealed.size > 0) {
    for (const file of listFiles(sealedDir).filter(sealedPages)) {
      const html = readFileSync(file, 'utf8');
      const rewritten = rewriteSealedReferences(html, sealed);
      if (rewritten !== html) writeFileSync(file, rewritten);
    }
  }
  return plan;
}
