/**
 * The text that only sealed (members-only) content holds, read straight from
 * content/, so the build and the tests can look for it in the public output.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { isRecord } from '../../lib/is-record.ts';
import { createPhraseFinder } from './phrase-finder.ts';
import { finishNow, type Steps } from './steps.ts';

/** One markdown entry of a collection, read straight from content/. */
export interface SourceEntry {
  slug: string;
  /** Absolute path of the markdown file. */
  file: string;
  data: Record<string, unknown>;
  body: string;
}

/** The markdown files of `<root>/content/<collection>/` (top level, like the site's glob loaders). */
function collectionFiles(root: string, collection: string): string[] {
  const dir = path.join(root, 'content', collection);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => /^[^_].*\.mdx?$/.test(name))
    .map((name) => path.join(dir, name));
}

/** One markdown file of `collection`, split into frontmatter and body. */
function readEntry(collection: string, file: string): SourceEntry {
  const name = path.basename(file);
  const source = readFileSync(file, 'utf8');
  const match = source.match(/^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/);
  if (!match) throw new Error(`content/${collection}/${name} has no frontmatter`);
  const data: unknown = parse(match[1]);
  return {
    slug: name.replace(/\.mdx?$/, '').toLowerCase(),
    file,
    data: isRecord(data) ? data : {},
    body: match[2],
  };
}

/** The entries of `<root>/content/<collection>/` (top level, like the site's glob loaders). */
export function readCollection(root: string, collection: string): SourceEntry[] {
  return collectionFiles(root, collection).map((file) => readEntry(collection, file));
}

/** The collections the sealed checks read (members pages, news, careers, plain pages). */
export interface SourceCollections {
  members: SourceEntry[];
  news: SourceEntry[];
  careers: SourceEntry[];
  pages: SourceEntry[];
}

/** Reads the collections of `<root>/content/` once, for checks that all need them. */
export function readSources(root: string): SourceCollections {
  return finishNow(readSourcesInSteps(root));
}

/** `readSources` one file per step (steps.ts), for a caller that must not hold the event loop. */
export function* readSourcesInSteps(root: string): Steps<SourceCollections> {
  const sources: SourceCollections = { members: [], news: [], careers: [], pages: [] };
  for (const collection of ['members', 'news', 'careers', 'pages'] as const) {
    for (const file of collectionFiles(root, collection)) {
      sources[collection].push(readEntry(collection, file));
      yield;
    }
  }
  return sources;
}

/** Plain sentences of a markdown body: markup, links and MDX tags removed. */
export function sentencesOf(markdown: string): string[] {
  const plain = markdown
    .replace(/^import .*$/gm, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/!\[[^\]]*\]\([^)]*\)/g, ' ')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_`#>|]/g, ' ')
    .replace(/^\s*[-+]\s+/gm, ' ')
    .replace(/^\s*\d+\.\s+/gm, ' ');
  // Sentence ends and blank lines become NUL, then whitespace is collapsed once for the
  // whole text rather than per sentence.
  return plain
    .replace(/\n{2,}/g, '\u0000')
    .replace(/([.!?])\s+/g, '$1\u0000')
    .replace(/\s+/g, ' ')
    .split('\u0000')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Sentences that only sealed content contains: the longest sentences of every
 * members page and members-only article body that no public entry also says.
 */
export function sealedSentences(
  root: string,
  perEntry = 3,
  sources: SourceCollections = readSources(root),
): string[] {
  return finishNow(sealedSentencesInSteps(sources, perEntry));
}

/** `sealedSentences` one entry per step (steps.ts). */
export function* sealedSentencesInSteps(
  sources: SourceCollections,
  perEntry = 3,
): Steps<string[]> {
  const { news } = sources;
  const publicParts: string[] = [];
  for (const entry of [
    ...news.filter((e) => e.data.membersOnly !== true),
    ...sources.careers,
    ...sources.pages,
  ]) {
    publicParts.push(sentencesOf(entry.body).join(' '));
    yield;
  }
  const publicText = publicParts.join(' ');
  const sealed = [
    ...sources.members.filter((e) => e.data.draft !== true),
    ...news.filter((e) => e.data.membersOnly === true),
  ];
  const candidates: string[][] = [];
  for (const entry of sealed) {
    const summary = typeof entry.data.summary === 'string' ? entry.data.summary.trim() : '';
    candidates.push(sentencesOf(entry.body).filter((s) => s.length >= 40 && s !== summary));
    yield;
  }
  // One pass over the public text for every candidate: both grow with the collection.
  const all = candidates.flat();
  const inPublic = new Set(createPhraseFinder(all)(publicText).map((i) => all[i]));
  return candidates.flatMap((sentences) =>
    sentences
      .filter((s) => !inPublic.has(s))
      .sort((a, b) => b.length - a.length)
      .slice(0, perEntry),
  );
}

/**
 * Whitespace that `\s+ -> " "` would change: runs of two or more, or a single character
 * other than a space. Replacing only these gives the same text several times faster,
 * as a page's single spaces are left alone.
 */
const COLLAPSIBLE_SPACE = /\s{2,}|[^\S ]/g;

/** Text of an HTML fragment without tags and with whitespace collapsed, for phrase checks. */
export function textOf(html: string): string {
  return html
    .replace(/<script\b[\s\S]*?<\/script>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&quot;|&#34;/g, '"')
    .replace(/&amp;|&#38;/g, '&')
    .replace(COLLAPSIBLE_SPACE, ' ');
}

/** Plain forms of the typography the markdown renderer adds. */
const PLAIN_TYPOGRAPHY: Readonly<Record<string, string>> = {
  '\u2018': "'",
  '\u2019': "'",
  '\u201a': "'",
  '\u201b': "'",
  '\u2032': "'",
  '\u201c': '"',
  '\u201d': '"',
  '\u201e': '"',
  '\u2013': '-',
  '\u2014': '-',
  '\u2026': '...',
};
const TYPOGRAPHY = /[\u2018\u2019\u201a\u201b\u2032\u201c\u201d\u201e\u2013\u2014\u2026]/g;

/**
 * Folds typography the markdown renderer adds (curly quotes, dashes, ellipses), collapses
 * whitespace (no-break spaces included) and folds case.
 */
export function normalise(text: string): string {
  return text
    .replace(TYPOGRAPHY, (mark) => PLAIN_TYPOGRAPHY[mark])
    .replace(COLLAPSIBLE_SPACE, ' ')
    .toLowerCase();
}
