import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  attr,
  distDir,
  fileForPath,
  findTags,
  listPublicPages,
  metaContent,
  normalise,
  pathOfFile,
  readPage,
  sealedDir,
  textOf,
} from './support/dist';
import { readCollection, sentencesOf } from './support/content';

const news = readCollection('news');
const published = news.filter((e) => e.data.draft !== true);
const membersOnly = published.filter((e) => e.data.membersOnly === true);
const site = 'http://localhost:8888';

describe('every content file yields its page', () => {
  it.each(published.map((e) => e.slug))('news article %s has a public page', (slug) => {
    expect(existsSync(fileForPath(`/news/${slug}/`))).toBe(true);
  });

  it.each(readCollection('careers').map((e) => e.slug))('role %s has a page', (slug) => {
    expect(existsSync(fileForPath(`/careers/${slug}/`))).toBe(true);
  });

  it.each(readCollection('pages').map((e) => e.slug))('plain page %s is at /%s/', (slug) => {
    expect(existsSync(fileForPath(`/${slug}/`))).toBe(true);
  });

  it.each(
    readCollection('members')
      .filter((e) => e.data.draft !== true)
      .map((e) => e.slug),
  )('members page %s is sealed', (slug) => {
    expect(existsSync(path.join(sealedDir, 'members', slug, 'index.html'))).toBe(true);
  });

  it('publishes no draft anywhere', () => {
    const drafts = [...news, ...readCollection('members')].filter((e) => e.data.draft === true);
    for (const draft of drafts) {
      expect(existsSync(path.join(distDir, 'news', draft.slug))).toBe(false);
      expect(existsSync(path.join(sealedDir, 'members', draft.slug))).toBe(false);
      expect(existsSync(path.join(sealedDir, 'members', 'news', draft.slug))).toBe(false);
    }
  });

  it('pages the news index ten to a page, newest first', () => {
    const pages = Math.max(1, Math.ceil(published.length / 10));
    const first = readPage('/news/');
    const firstLinks = findTags(first, 'a').filter((t) =>
      /^\/news\/[^/]+\/$/.test(attr(t, 'href') ?? ''),
    );
    const cardLinks = [...first.matchAll(/class="card__title"[^>]*>\s*<a href="([^"]+)"/g)].map(
      (m) => m[1],
    );
    expect(cardLinks.length).toBe(Math.min(10, published.length));
    const newest = [...published].sort(
      (a, b) => new Date(String(b.data.date)).getTime() - new Date(String(a.data.date)).getTime(),
    )[0];
    expect(cardLinks[0]).toBe(`/news/${newest.slug}/`);
    expect(firstLinks.length).toBeGreaterThan(0);
    for (let n = 2; n <= pages; n++) expect(existsSync(fileForPath(`/news/${n}/`))).toBe(true);
    expect(existsSync(fileForPath(`/news/${pages + 1}/`))).toBe(false);
  });
});

describe('page head', () => {
  const pages = listPublicPages().filter((f) => !f.endsWith('404.html'));

  it.each(pages.map((f) => pathOfFile(f)))(
    '%s has lang, one h1, a canonical URL unless noindex, and Open Graph tags',
    (sitePath) => {
      const html = readPage(sitePath);
      expect(html).toMatch(/<html lang="en-GB"/);
      expect(findTags(html, 'h1')).toHaveLength(1);
      const canonical = attr(
        findTags(html, 'link').find((t) => attr(t, 'rel') === 'canonical') ?? '',
        'href',
      );
      expect(metaContent(html, 'og:title')).toBeTruthy();
      if (/noindex/.test(metaContent(html, 'robots') ?? '')) {
        // A page kept out of search engines names no canonical URL.
        expect(canonical).toBeUndefined();
      } else {
        expect(canonical).toBe(new URL(sitePath, site).href);
        expect(metaContent(html, 'og:url')).toBe(canonical);
      }
      expect(findTags(html, 'link').some((t) => attr(t, 'type') === 'application/rss+xml')).toBe(
        true,
      );
    },
  );

  it.each(published.filter((e) => e.data.image && !e.data.membersOnly).map((e) => e.slug))(
    'article %s is an Open Graph article with its hero as og:image',
    (slug) => {
      const html = readPage(`/news/${slug}/`);
      expect(metaContent(html, 'og:type')).toBe('article');
      expect(metaContent(html, 'og:description')).toBeTruthy();
      const image = metaContent(html, 'og:image') ?? '';
      expect(image).toMatch(/^http:\/\/localhost:8888\/_astro\/.+\.jpe?g$/);
      expect(existsSync(fileForPath(new URL(image).pathname))).toBe(true);
    },
  );
});

describe('article pages', () => {
  const full = published.filter((e) => !e.data.membersOnly);

  it.each(full.map((e) => e.slug))(
    '%s shows its date, body, mailto links and related articles',
    (slug) => {
      const entry = full.find((e) => e.slug === slug)!;
      const html = readPage(`/news/${slug}/`);
      expect(html).toMatch(/<time datetime="\d{4}-\d{2}-\d{2}">/);
      const text = normalise(textOf(html));
      const firstSentence = sentencesOf(entry.body).find((s) => s.length > 30);
      if (firstSentence) expect(text).toContain(normalise(firstSentence));
      const hrefs = findTags(html, 'a').map((t) => attr(t, 'href') ?? '');
      expect(hrefs.some((h) => h.startsWith('mailto:?subject='))).toBe(true);
      expect(hrefs.some((h) => /^mailto:[^?]+@/.test(h))).toBe(true);
      if (published.length > 1) expect(html).toContain('Related articles');
      expect(text.includes('may be out of date')).toBe(entry.data.archived === true);
    },
  );

  it.each(membersOnly.map((e) => e.slug))(
    'members-only %s shows the summary publicly and the full text only when sealed',
    (slug) => {
      const entry = membersOnly.find((e) => e.slug === slug)!;
      const teaser = normalise(textOf(readPage(`/news/${slug}/`)));
      expect(teaser).toContain(normalise(String(entry.data.summary)));
      const summary = normalise(String(entry.data.summary));
      const bodySentences = sentencesOf(entry.body).filter(
        (s) => s.length > 30 && !summary.includes(normalise(s)),
      );
      expect(bodySentences.length).toBeGreaterThan(0);
      for (const sentence of bodySentences) expect(teaser).not.toContain(normalise(sentence));
      expect(readPage(`/news/${slug}/`)).toContain(`href="/login/?next=/members/news/${slug}/"`);
      const sealed = readFileSync(
        path.join(sealedDir, 'members', 'news', slug, 'index.html'),
        'utf8',
      );
      expect(normalise(textOf(sealed))).toContain(normalise(bodySentences[0]));
    },
  );
});

describe('sealed pages', () => {
  const sealedPages = ['/members/', ...membersOnly.map((e) => `/members/news/${e.slug}/`)];

  it.each(sealedPages)(
    '%s carries the member bar marker, noindex and no login links',
    (sitePath) => {
      const html = readPage(sitePath);
      expect(html).toContain('<!--member-bar-->');
      expect(metaContent(html, 'robots')).toMatch(/noindex/);
      expect(html).not.toContain('href="/login/"');
    },
  );

  it('public pages carry the log in and register links instead', () => {
    const home = readPage('/');
    expect(home).not.toContain('<!--member-bar-->');
    expect(home).toContain('href="/login/"');
    expect(home).toContain('href="/register/"');
  });
});

describe('RSS feed', () => {
  const rss = readFileSync(path.join(distDir, 'rss.xml'), 'utf8');

  it('lists every published article and no draft', () => {
    for (const entry of published) expect(rss).toContain(`${site}/news/${entry.slug}/`);
    for (const entry of news.filter((e) => e.data.draft === true)) {
      expect(rss).not.toContain(`/news/${entry.slug}/`);
    }
  });

  it('carries no sealed URL and no members-only body text', () => {
    expect(rss).not.toMatch(/\/members\//);
    for (const entry of membersOnly) {
      for (const sentence of sentencesOf(entry.body).filter((s) => s.length > 30)) {
        expect(normalise(textOf(rss))).not.toContain(normalise(sentence));
      }
    }
  });
});
