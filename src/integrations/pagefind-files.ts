/**
 * Writing Pagefind's output into dist/ through a store of the previous build's files.
 * Pagefind names most of its files after their content, so after an edit nearly all of
 * them are byte for byte as before. Creating a few thousand files costs far more on a
 * build disk than linking them, and a linked file costs next to nothing when the next
 * build empties dist/. The store is a tree of hard links mirroring the last output;
 * every file linked from it is first compared byte for byte with what Pagefind gave,
 * so the store can only save time, never change the output.
 */
import { existsSync, lstatSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { linkIfUnchanged, tryLink } from './linked-files.ts';
import { listFiles } from './sealed/public-output.ts';

/** One file of Pagefind's output: its path under the output folder and its bytes. */
export interface OutputFile {
  path: string;
  content: Uint8Array;
}

/**
 * True when `storeDir` holds a previous build's files to link from: its copy of the
 * entry file Pagefind writes on every build (a store left without links, on another file
 * system, has none).
 */
export function hasStoredFiles(storeDir: string): boolean {
  return existsSync(path.join(storeDir, 'pagefind-entry.json'));
}

/**
 * Writes `files` under `outputDir`, each linked from the same path under `storeDir` when
 * that holds the same bytes, otherwise written. Gives how many were linked. Synchronous:
 * each step takes microseconds, and awaiting thousands of them would let other work on
 * the event loop delay every one. Throws when a file cannot be written.
 */
export function writeFromStore(
  files: readonly OutputFile[],
  outputDir: string,
  storeDir: string,
): number {
  let linked = 0;
  const made = new Set<string>();
  for (const file of files) {
    const target = path.join(outputDir, file.path);
    const dir = path.dirname(target);
    if (!made.has(dir)) mkdirSync(dir, { recursive: true });
    made.add(dir);
    const stored = path.join(storeDir, file.path);
    if (linkIfUnchanged(stored, target, file.content)) linked++;
    else writeFileSync(target, file.content);
  }
  return linked;
}

/**
 * Makes `storeDir` a tree of links to exactly the files under `outputDir`, for the next
 * build. Best effort: where links cannot be made (another file system) the store stays
 * incomplete and the next build writes those files.
 */
export function mirrorIntoStore(outputDir: string, storeDir: string): void {
  const kept = new Set<string>();
  for (const file of listFiles(outputDir)) {
    const stored = path.join(storeDir, path.relative(outputDir, file));
    kept.add(stored);
    try {
      if (lstatSync(stored).ino === lstatSync(file).ino) continue;
    } catch {
      // Not in the store yet.
    }
    mkdirSync(path.dirname(stored), { recursive: true });
    // Under a temporary name first, so the store never holds half a change.
    const staged = `${stored}.${process.pid}.tmp`;
    if (tryLink(file, staged)) renameSync(staged, stored);
  }
  for (const file of listFiles(storeDir)) if (!kept.has(file)) rmSync(file, { force: true });
}
