import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCollection } from './support/content';
import { createTempProject, type TempProject } from './support/temp-project';

const EXTRA = 12;

/** The article titles listed on a built news index page, in order. */
function listedTitles(html: string): string[] {
  return [
    ...html.matchAll(/<h2 class="card__title"[^>]*>\s*<a href="\/news\/[^"]+">([^<]+)<\/a>/g),
  ].map((m) => m[1].trim());
}

describe('the news index with more than ten articles', () => {
  let project: TempProject | undefined;
  let page: (n: number) => string;
  let published = 0;

  beforeAll(async () => {
    // The CMS page is left out of the copy: its bundle plays no part in paging.
    project = createTempProject('news-paging-', ['src/pages/admin']);
    for (let i = 1; i <= EXTRA; i++) {
      const day = String(i).padStart(2, '0');
      project.write(
        `content/news/paging-${day}.md`,
        `---\ntitle: Paging check ${day}\ndate: 2025-01-${day}\nsummary: Article ${day} of the paging check.\n---\n\nBody ${day}.\n`,
      );
    }
    project.write(
      'content/news/paging-draft.md',
      '---\ntitle: Paging draft\ndate: 2025-02-01\nsummary: Never listed.\ndraft: true\n---\n\nDraft.\n',
    );
    const result = await project.build();
    if (result.code !== 0) throw new Error(`build failed:\n${result.output}`);
    const dist = path.join(project.dir, 'dist');
    page = (n) => {
      const file = path.join(dist, 'news', n === 1 ? '' : String(n), 'index.html');
      return existsSync(file) ? readFileSync(file, 'utf8') : '';
    };
    published = readCollection('news').filter((e) => e.data.draft !== true).length + EXTRA;
  }, 180_000);

  afterAll(() => project?.remove());

  it('lists ten articles on the first page, newest first', () => {
    const titles = listedTitles(page(1));
    expect(titles).toHaveLength(10);
    expect(titles.slice(0, 3)).toEqual(['Paging check 12', 'Paging check 11', 'Paging check 10']);
  });

  it('puts the rest on page 2 and builds no empty page 3', () => {
    expect(listedTitles(page(2))).toHaveLength(published - 10);
    expect(page(3)).toBe('');
  });

  it('never lists a draft', () => {
    expect(page(1) + page(2)).not.toContain('Paging draft');
  });

  it('links the pages to each other with prev and next', () => {
    expect(page(1)).toMatch(/<a href="\/news\/2\/" rel="next">/);
    expect(page(2)).toMatch(/<a href="\/news\/" rel="prev">/);
    expect(page(2)).toContain(`Page 2 of 2`);
  });
});
