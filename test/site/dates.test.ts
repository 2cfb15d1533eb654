import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCollection } from './support/content';
import { distDir } from './support/dist';

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const SHORT = MONTHS.map((m) => m.slice(0, 3));

/** Published news whose date is a day as written in the file ("2023-07-28"). */
const news = readCollection('news')
  .filter((e) => e.data.draft !== true)
  .map((e) => ({ slug: e.slug, day: String(e.data.date).slice(0, 10) }))
  .filter((e) => /^\d{4}-\d{2}-\d{2}$/.test(e.day));

/** "28 July 2023" for "2023-07-28", written out here rather than by the site's own code. */
function spelled(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return `${d} ${MONTHS[m - 1]} ${y}`;
}

/** The day of the last Sunday of a month (1-12). */
function lastSunday(year: number, month: number): number {
  const last = new Date(Date.UTC(year, month, 0));
  return last.getUTCDate() - last.getUTCDay();
}

/** UK rule since 1996: BST from the last Sunday of March to the last Sunday of October. */
function isSummerTime(year: number, month: number, day: number): boolean {
  const key = month * 100 + day;
  return key >= 300 + lastSunday(year, 3) && key < 1000 + lastSunday(year, 10);
}

describe('news dates in the built site are the day written in the file', () => {
  it('shows each article’s day on its page, in words and in <time datetime>', () => {
    expect(news.length).toBeGreaterThan(3);
    // Summer (BST) and winter (GMT) dates both occur in the sample content.
    expect(news.some((e) => /-0[4-9]-/.test(e.day))).toBe(true);
    for (const { slug, day } of news) {
      const file = path.join(distDir, 'news', slug, 'index.html');
      if (!existsSync(file)) continue;
      const html = readFileSync(file, 'utf8');
      expect(html, slug).toContain(`<time datetime="${day}">${spelled(day)}</time>`);
    }
  });

  it('gives each feed item the same day, at noon in London', () => {
    const feed = readFileSync(path.join(distDir, 'rss.xml'), 'utf8');
    const items = [...feed.matchAll(/<item>([\s\S]*?)<\/item>/g)].map((m) => m[1]);
    expect(items.length).toBeGreaterThan(3);
    for (const { slug, day } of news) {
      const item = items.find((i) => i.includes(`/news/${slug}/</link>`));
      if (!item) continue;
      const pubDate = /<pubDate>([^<]+)<\/pubDate>/.exec(item)![1];
      const [y, m, d] = day.split('-').map(Number);
      const summer = new Date(pubDate).getUTCHours() === 11;
      expect(pubDate, slug).toMatch(
        new RegExp(`^\\w{3}, ${String(d).padStart(2, '0')} ${SHORT[m - 1]} ${y} 1[12]:00:00 GMT$`),
      );
      // 11:00 GMT is noon BST; 12:00 GMT is noon GMT.
      expect(summer, slug).toBe(isSummerTime(y, m, d));
    }
  });
});
