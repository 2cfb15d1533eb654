/** Reading the public build output as text: every file, and the compressed search index. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { z } from 'zod';


/** The parts of a Pagefind fragment the checks read. */
const pagefindFragment = z.object({ url: z.string(), content: z.string() });
/** Every file under `dir` (recursively), as absolute paths. */
export function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  // The entries' types come with the listing: no stat per file.
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    const isDir = entry.isSymbolicLink() ? statSync(full).isDirectory() : entry.isDirectory();
    return isDir ? listFiles(full) : [full];
  });
}

/** Every Pagefind index file under `distDir/pagefind` decompressed, as text. */
export function readSearchIndex(distDir: string): { file: string; text: string }[] {
  return listFiles(path.join(distDir, 'pagefind'))
    .filter((file) => /\.pf_(fragment|index|meta|filter)$/.test(file))
    .map((file) => ({ file, text: gunzipSync(readFileSync(file)).toString('utf8') }));
}

/**
 * The indexed pages: URL and plain-text content from each Pagefind fragment. Pass
 * `index` when already read with `readSearchIndex`, to decompress it once.
 */
export function readIndexedPages(
  distDir: string,
  index: { file: string; text: string }[] = readSearchIndex(distDir),
): { url: string; content: string }[] {
  return index
    .filter(({ file }) => file.endsWith('.pf_fragment'))
    .map(({ text }) => pagefindFragment.parse(JSON.parse(text.replace(/^pagefind_dcd/, ''))));
}
