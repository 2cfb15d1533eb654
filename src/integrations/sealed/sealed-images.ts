/**
 * The image files that only sealed content uses, read straight from content/, so the
 * leak guard can look for them in the public output without trusting the seal step.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isLocalFile, listBodyImages } from '../../lib/markdown-images.ts';
import { readSources, type SourceCollections, type SourceEntry } from './sealed-text.ts';

/** A source image and the digest of its bytes (the same picture under two names is one). */
export interface SourceImage {
  file: string;
  sha256: string;
  /** No public image has the same file name, so Astro's copies named after it are this one's. */
  ownName: boolean;
}

/** The local images an entry uses: its `image` field and the images in its text. */
function imagesOf(entry: SourceEntry): string[] {
  const references = [
    ...(typeof entry.data.image === 'string' ? [entry.data.image.trim()] : []),
    ...listBodyImages(entry.body),
  ].filter(isLocalFile);
  return references
    .map((reference) => path.resolve(path.dirname(entry.file), decodeURI(reference)))
    .filter((file) => existsSync(file));
}

/** "photo" for content/news/images/photo.jpg: how Astro's copies of it begin. */
export function stemOf(file: string): string {
  return path.basename(file, path.extname(file));
}

function digest(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/**
 * Images that published sealed entries use (members pages, members-only news) and no
 * published public entry uses (public news, careers, pages), compared by content.
 */
export function sealedOnlyImages(
  root: string,
  sources: SourceCollections = readSources(root),
): SourceImage[] {
  const published = (e: SourceEntry) => e.data.draft !== true;
  const news = sources.news.filter(published);
  const publicFiles = [
    ...news.filter((e) => e.data.membersOnly !== true),
    ...sources.careers,
    ...sources.pages,
  ].flatMap(imagesOf);
  const sealedFiles = [
    ...sources.members.filter(published),
    ...news.filter((e) => e.data.membersOnly === true),
  ].flatMap(imagesOf);
  const publicDigests = new Set(publicFiles.map(digest));
  const publicNames = new Set(publicFiles.map(stemOf));
  const seen = new Set<string>();
  return sealedFiles
    .map((file) => ({ file, sha256: digest(file), ownName: !publicNames.has(stemOf(file)) }))
    .filter(({ sha256 }) => !publicDigests.has(sha256) && !seen.has(sha256) && seen.add(sha256));
}
