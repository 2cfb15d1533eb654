/**
 * The public files the leak guard found free of sealed sentences, kept between builds:
 * by the SHA-256 digest of what was read (and how), under a key made of the guard's own
 * code and the sentences it looked for. Finding sentences in text is a function of the
 * text, the sentences and the code alone, so text with the same digest needs no second
 * reading; a change to any of the three misses. Only the absence of every sentence is
 * kept: a leak is found by reading, every time.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isRecord } from '../../lib/is-record.ts';

/** Digests of text found clean; `has` also keeps a digest for the next build. */
export interface CleanFiles {
  has(digest: string): boolean;
  add(digest: string): void;
  /** Writes what this build found clean (and only that), for the next build. */
  save(): void;
}

/** The modules whose code decides what the guard finds in a text. */
const GUARD_CODE = ['leak-guard.ts', 'sealed-text.ts', 'phrase-finder.ts'];

/**
 * The key of a set of sentences read by this version of the guard, or undefined when
 * the guard's code cannot be read (then nothing is remembered).
 */
export function cleanFilesKey(sentences: readonly string[]): string | undefined {
  const hash = createHash('sha256');
  try {
    for (const name of GUARD_CODE) hash.update(readFileSync(new URL(`./${name}`, import.meta.url)));
  } catch {
    return undefined;
  }
  for (const sentence of sentences) hash.update(`\u0000${sentence}`);
  return hash.digest('hex');
}

/** The digest of `text` read as `kind` (a page's markup and a script's text are read differently). */
export function digestOf(kind: string, text: Buffer | string): string {
  return createHash('sha256').update(`${kind}\u0000`).update(text).digest('hex');
}

/**
 * The clean digests stored in `file` under `key` (none when the file is missing, unreadable
 * or holds another key), to be saved back to `file`.
 */
export function openCleanFiles(file: string, key: string): CleanFiles {
  let known = new Set<string>();
  try {
    const stored: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (isRecord(stored) && stored.key === key && Array.isArray(stored.digests))
      known = new Set(stored.digests.filter((d): d is string => typeof d === 'string'));
  } catch {
    // No record yet: every file is read.
  }
  const found = new Set<string>();
  return {
    has: (digest) => {
      if (!known.has(digest)) return false;
      found.add(digest);
      return true;
    },
    add: (digest) => void found.add(digest),
    save: () => {
      mkdirSync(path.dirname(file), { recursive: true });
      const staged = `${file}.${process.pid}.tmp`;
      writeFileSync(staged, JSON.stringify({ key, digests: [...found] }));
      renameSync(staged, file);
    },
  };
}
