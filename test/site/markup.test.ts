import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  attr,
  fileForPath,
  findTags,
  listPublicPages,
  measurePageBytes,
  pathOfFile,
  readPage,
} from './support/dist';
import { readCollection } from './support/content';

const pages = listPublicPages().map((file) => ({
  path: pathOfFile(file),
  html: readFileSync(file, 'utf8'),
}));

/** `<script>` elements with their attributes and body. */
function scriptsOf(html: string): { open: string; body: string }[] {
  return [...html.matchAll(/(<script\b[^>]*>)([\s\S]*?)<\/script>/gi)].map((m) => ({
    open: m[1],
    body: m[2],
  }));
}

/** True for a script the browser would run (data blocks such as JSON-LD are not run). */
function isExecutable(open: string): boolean {
  const type = (attr(open, 'type') ?? '').toLowerCase();
  return type === '' || type === 'module' || /javascript|ecmascript/.test(type);
}

describe('no inline code on public pages (the CSP forbids it)', () => {
  it.each(pages.map((p) => p.path))(
    '%s has no inline script, style element or style attribute',
    (path) => {
      const html = pages.find((p) => p.path === path)!.html;
      expect(html).not.toMatch(/<style\b/i);
      expect(html).not.toMatch(/<[a-z][^>]*\sstyle=/i);
      expect(html).not.toMatch(/<[a-z][^>]*\son[a-z]+=/i);
      const inline = scriptsOf(html).filter((s) => isExecutable(s.open) && !attr(s.open, 'src'));
      expect(inline.map((s) => s.body.slice(0, 80))).toEqual([]);
    },
  );

  it('home, news, careers and plain pages carry no executable script at all', () => {
    const plainPages = readCollection('pages').map((e) => `/${e.slug}/`);
    const quiet = pages.filter(
      (p) => /^\/(news\/|careers\/|$|404\.html$)/.test(p.path) || plainPages.includes(p.path),
    );
    expect(quiet.length).toBeGreaterThan(5);
    for (const page of quiet) {
      expect(
        scriptsOf(page.html).filter((s) => isExecutable(s.open)),
        page.path,
      ).toEqual([]);
    }
  });

  it('the search page loads Pagefind and its own script as files', () => {
    const srcs = scriptsOf(readPage('/search/')).map((s) => attr(s.open, 'src'));
    expect(srcs).toEqual(['/pagefind/pagefind-ui.js', '/scripts/search.js']);
  });
});

describe('hero images', () => {
  const pictures = pages.flatMap((p) =>
    [...p.html.matchAll(/<picture\b[\s\S]*?<\/picture>/gi)].map((m) => ({
      path: p.path,
      html: m[0],
    })),
  );

  it('appear on every public article that has an image', () => {
    const withImage = readCollection('news').filter(
      (e) => e.data.image && !e.data.draft && !e.data.membersOnly,
    );
    expect(withImage.length).toBeGreaterThan(0);
    for (const entry of withImage) {
      expect(readPage(`/news/${entry.slug}/`), entry.slug).toMatch(/<picture\b/);
    }
  });

  it('offer AVIF and WebP sources and a JPEG fallback with size and alt text', () => {
    expect(pictures.length).toBeGreaterThan(0);
    for (const picture of pictures) {
      const types = findTags(picture.html, 'source').map((s) => attr(s, 'type'));
      expect(types, picture.path).toEqual(['image/avif', 'image/webp']);
      for (const source of findTags(picture.html, 'source')) {
        expect(attr(source, 'srcset')).toMatch(/ 480w, .+ 960w/);
        expect(attr(source, 'sizes')).toBeTruthy();
      }
      const [img] = findTags(picture.html, 'img');
      expect(attr(img, 'src')).toMatch(/\.jpe?g$/);
      expect(Number(attr(img, 'width'))).toBeGreaterThan(0);
      expect(Number(attr(img, 'height'))).toBeGreaterThan(0);
      expect((attr(img, 'alt') ?? '').trim()).not.toBe('');
      expect(existsSync(fileForPath(attr(img, 'src')!))).toBe(true);
    }
  });

  it('never leave an image without alt text or dimensions anywhere', () => {
    for (const page of pages) {
      for (const img of findTags(page.html, 'img')) {
        expect(attr(img, 'alt'), `${page.path} ${img}`).toBeDefined();
        expect(attr(img, 'width'), `${page.path} ${img}`).toBeDefined();
        expect(attr(img, 'height'), `${page.path} ${img}`).toBeDefined();
      }
    }
  });
});

describe('page weight', () => {
  it('keeps every public article page under 30 KB of HTML and CSS', () => {
    const articles = readCollection('news').filter((e) => !e.data.draft && !e.data.membersOnly);
    for (const entry of articles) {
      expect(measurePageBytes(`/news/${entry.slug}/`), entry.slug).toBeLessThan(30 * 1024);
    }
  });
});
