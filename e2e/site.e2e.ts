import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './support/browser';
import { serveDistSnapshot } from './support/dist-snapshot';
import { expectAxeClean, openPage } from './support/page';
import { readCollection } from '../test/site/support/content';

const news = readCollection('news').filter((e) => e.data.draft !== true);
const article = news.find((e) => !e.data.membersOnly && e.data.image)!;
const teaser = news.find((e) => e.data.membersOnly)!;
const role = readCollection('careers')[0];

/** One page of each kind the public site has. */
const PAGES: Record<string, string> = {
  home: '/',
  'news index': '/news/',
  article: `/news/${article.slug}/`,
  'members-only teaser': `/news/${teaser.slug}/`,
  'careers index': '/careers/',
  role: `/careers/${role.slug}/`,
  'plain page': '/about/',
  search: '/search/',
  'not found': '/no-such-page/',
};

let site: Awaited<ReturnType<typeof serveDistSnapshot>>;
let browser: Browser;

beforeAll(async () => {
  [site, browser] = await Promise.all([serveDistSnapshot(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await site?.stop();
});

/** Opens `path` in a fresh page, recording console errors (CSP refusals among them). */
function open(path: string, options: { javaScriptEnabled?: boolean } = {}) {
  return openPage(browser, site.url + path, options);
}

/** Presses Tab until `predicate` holds for the focused element, returning how many presses. */
async function tabUntil(page: Page, predicate: string, limit = 30): Promise<number> {
  for (let presses = 1; presses <= limit; presses++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(predicate)) return presses;
  }
  throw new Error(`focus never reached: ${predicate}`);
}

describe('public pages in Chromium', () => {
  it.each(Object.entries(PAGES))(
    '%s (%s) has no axe violations and no console errors',
    async (_, path) => {
      const { page, errors, status, close } = await open(path);
      if (path === '/search/') await page.waitForSelector('.pagefind-ui__search-input');
      expect(status).toBe(path === '/no-such-page/' ? 404 : 200);
      await expectAxeClean(page);
      // The not-found page is itself a 404 response, which Chromium logs as an error.
      const unexpected = errors.filter((e) => !(status === 404 && /status of 404/.test(e)));
      expect(unexpected).toEqual([]);
      await close();
    },
  );
});

describe('keyboard', () => {
  it('reaches the skip link first, then the main navigation and the search box, with a visible focus', async () => {
    const { page, close } = await open(PAGES.article);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe(
      'Skip to main content',
    );
    const outline = await page.evaluate(() => {
      const style = getComputedStyle(document.activeElement!);
      return { style: style.outlineStyle, width: parseFloat(style.outlineWidth) };
    });
    expect(outline.style).not.toBe('none');
    expect(outline.width).toBeGreaterThanOrEqual(2);
    await tabUntil(page, `document.activeElement?.closest('nav[aria-label="Main"]') !== null`);
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('News');
    await tabUntil(page, `document.activeElement?.id === 'site-search'`);
    await close();
  });

  it('moves focus to the main content when the skip link is followed', async () => {
    const { page, close } = await open('/');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    await close();
  });
});

describe('search', () => {
  it('runs the query sent from the header form and finds a public article', async () => {
    const title = String(article.data.title);
    const { page, close } = await open('/');
    await page.fill('#site-search', title);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/search\/\?q=/);
    await page.waitForSelector('.pagefind-ui__result-link');
    const links = await page.$$eval('.pagefind-ui__result-link', (as) =>
      as.map((a) => new URL((a as HTMLAnchorElement).href).pathname),
    );
    expect(links).toContain(`/news/${article.slug}/`);
    expect(await page.isHidden('#search-fallback')).toBe(true);
    await close();
  });

  it('explains that search needs JavaScript and offers links when scripts are off', async () => {
    const { page, close } = await open('/search/', { javaScriptEnabled: false });
    expect(await page.textContent('#search-fallback')).toContain('Search needs JavaScript');
    expect(await page.isVisible('#search-fallback a[href="/news/"]')).toBe(true);
    await close();
  });
});
