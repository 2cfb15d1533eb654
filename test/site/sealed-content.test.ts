import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { distDir, listFiles, normalise, sealedDir, textOf } from './support/dist';
import { readCollection, sealedSentences } from './support/content';
import { readIndexedPages, readSearchIndex } from './support/pagefind';

const sentences = sealedSentences();
const textFiles = listFiles(distDir).filter((f) =>
  /\.(html|xml|json|js|css|txt|webmanifest)$/.test(f),
);

/** Sentences among `sentences` that occur in `haystack` (after folding typography). */
function leaked(haystack: string): string[] {
  const text = normalise(haystack);
  return sentences.filter((s) => text.includes(normalise(s)));
}

describe('sealed content', () => {
  it('has distinctive members-only sentences to look for', () => {
    expect(readCollection('members').length).toBeGreaterThan(0);
    expect(sentences.length).toBeGreaterThan(0);
  });

  it('appears in the sealed pages, so the search below is meaningful', () => {
    const sealedText = listFiles(sealedDir)
      .filter((f) => f.endsWith('.html'))
      .map((f) => textOf(readFileSync(f, 'utf8')))
      .join(' ');
    expect(sentences.filter((s) => !leaked(sealedText).includes(s))).toEqual([]);
  });

  it('never appears in any public file, the RSS feed or the sitemaps', () => {
    const found = textFiles.flatMap((file) => {
      const raw = readFileSync(file, 'utf8');
      return leaked(file.endsWith('.html') || file.endsWith('.xml') ? textOf(raw) + raw : raw).map(
        (s) => `${file}: ${s}`,
      );
    });
    expect(found).toEqual([]);
  });

  it('never appears in the search index', () => {
    const found = readSearchIndex().flatMap(({ file, text }) =>
      leaked(text).map((s) => `${file}: ${s}`),
    );
    expect(found).toEqual([]);
  });

  it('keeps sealed URLs out of the search index and the sitemaps', () => {
    const indexed = readIndexedPages();
    expect(indexed.length).toBeGreaterThan(0);
    expect(indexed.map((p) => p.url).filter((u) => /^\/(members|staff|admin)\//.test(u))).toEqual(
      [],
    );
    const sitemaps = textFiles.filter((f) => /sitemap.*\.xml$/.test(f));
    expect(sitemaps.length).toBeGreaterThan(0);
    for (const file of sitemaps) {
      expect(readFileSync(file, 'utf8')).not.toMatch(/\/(members|staff|admin)\//);
    }
  });

  it('leaves no members or staff folder in dist', () => {
    expect(listFiles(distDir).filter((f) => /[\\/]dist[\\/](members|staff)[\\/]/.test(f))).toEqual(
      [],
    );
  });
});
