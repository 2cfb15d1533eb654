import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { attr, distDir, findTags, listFiles, listPublicPages, pathOfFile } from './support/dist';

/** True when the page's own robots meta says noindex (read here independently of the build). */
function markedNoindex(html: string): boolean {
  return findTags(html, 'meta').some(
    (tag) =>
      attr(tag, 'name')?.toLowerCase() === 'robots' &&
      /(^|,)\s*(noindex|none)\s*(,|$)/i.test(attr(tag, 'content') ?? ''),
  );
}

/** Every page URL path listed by the built sitemaps. */
function sitemapPaths(): string[] {
  const files = listFiles(distDir).filter((f) => /sitemap-\d+\.xml$/.test(f));
  expect(files.length).toBeGreaterThan(0);
  return files.flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/<loc>([^<]+)<\/loc>/g)].map(
      (m) => new URL(m[1]).pathname,
    ),
  );
}

const pages = listPublicPages().map((file) => ({
  path: encodeURI(pathOfFile(file)),
  noindex: markedNoindex(readFileSync(file, 'utf8')),
}));

describe('the sitemap follows each page’s robots meta', () => {
  it('lists no page marked noindex, including the account flow pages', () => {
    const listed = new Set(sitemapPaths());
    const wrongly = pages.filter((p) => p.noindex && listed.has(p.path)).map((p) => p.path);
    expect(wrongly).toEqual([]);
    for (const path of [
      '/register/check-email/',
      '/verify-email/',
      '/verify-email/confirmed/',
      '/verify-email/pending/',
      '/verify-email/email-changed/',
      '/reset-password/',
      '/reset-password/done/',
      '/forgot-password/check-email/',
      '/account-deleted/',
      '/404.html',
    ]) {
      expect(pages.find((p) => p.path === path)?.noindex, path).toBe(true);
      expect(listed.has(path), path).toBe(false);
    }
  });

  it('lists every page that may be indexed, and only built public pages', () => {
    const listed = sitemapPaths();
    const indexable = pages.filter((p) => !p.noindex).map((p) => p.path);
    expect(indexable.length).toBeGreaterThan(10);
    expect(indexable.filter((p) => !listed.includes(p))).toEqual([]);
    const built = new Set(pages.map((p) => p.path));
    expect(listed.filter((p) => !built.has(p))).toEqual([]);
    expect(new Set(listed).size).toBe(listed.length);
  });
});
