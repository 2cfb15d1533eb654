import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { attr, fileForPath, findTags, listPublicPages, pathOfFile } from './support/dist';

const site = new URL('http://localhost:8888');

/** Site paths a page points at: links, stylesheets, scripts, images and srcset candidates. */
function referencesOf(html: string): string[] {
  const refs = [
    ...findTags(html, 'a').map((t) => attr(t, 'href')),
    ...findTags(html, 'link').map((t) => attr(t, 'href')),
    ...findTags(html, 'script').map((t) => attr(t, 'src')),
    ...findTags(html, 'img').map((t) => attr(t, 'src')),
    ...[...findTags(html, 'img'), ...findTags(html, 'source')].flatMap((t) =>
      (attr(t, 'srcset') ?? '').split(',').map((c) => c.trim().split(/\s+/)[0]),
    ),
  ];
  return refs
    .filter((r): r is string => !!r)
    .map((r) => new URL(r, site))
    .filter((u) => u.origin === site.origin)
    .map((u) => u.pathname);
}

describe('internal references', () => {
  const pages = listPublicPages();

  it.each(pages.map((f) => pathOfFile(f)))('from %s all resolve to a built file', (sitePath) => {
    const html = readFileSync(fileForPath(sitePath), 'utf8');
    const missing = referencesOf(html).filter(
      (p) => !p.startsWith('/api/') && !existsSync(fileForPath(p)),
    );
    expect([...new Set(missing)]).toEqual([]);
  });
});
