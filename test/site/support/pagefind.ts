import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { distDir, listFiles } from './dist';

/** Every Pagefind index file decompressed, as text (fragments are JSON; the rest binary). */
export function readSearchIndex(): { file: string; text: string }[] {
  return listFiles(path.join(distDir, 'pagefind'))
    .filter((file) => /\.pf_(fragment|index|meta|filter)$/.test(file))
    .map((file) => ({ file, text: gunzipSync(readFileSync(file)).toString('utf8') }));
}

/** The indexed pages: URL and plain-text content from each fragment. */
export function readIndexedPages(): { url: string; content: string }[] {
  return readSearchIndex()
    .filter(({ file }) => file.endsWith('.pf_fragment'))
    .map(
      ({ text }) =>
        JSON.parse(text.replace(/^pagefind_dcd/, '')) as { url: string; content: string },
    );
}
