import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AstroIntegrationLogger } from 'astro';
import { afterEach, describe, expect, it } from 'vitest';
import newsletterBodies from '../../src/integrations/newsletter-bodies';
import {
  ARTICLE_BODIES_BUNDLE,
  articleBodyFile,
  readNewsletterArticle,
} from '../../src/server/newsletter/articles';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function logger() {
  const lines: string[] = [];
  const log = (line: string) => void lines.push(line);
  return { lines, logger: { info: log, warn: log } as unknown as AstroIntegrationLogger };
}

/**
 * Runs the integration's build:done hook over a dist/ holding `bundle` (or none), with
 * `sealedDir` as the previous build's sealed output (by default an empty folder).
 */
async function split(bundle?: unknown, sealedDir = mkdtempSync(path.join(tmpdir(), 'sealed-'))) {
  dirs.push(sealedDir);
  const dist = mkdtempSync(path.join(tmpdir(), 'newsletter-bodies-'));
  dirs.push(dist);
  if (bundle !== undefined) {
    mkdirSync(path.join(dist, 'members'), { recursive: true });
    writeFileSync(path.join(dist, ARTICLE_BODIES_BUNDLE), JSON.stringify(bundle));
  }
  const log = logger();
  const hook = newsletterBodies({ sealedDir }).hooks['astro:build:done'] as (
    options: unknown,
  ) => Promise<void>;
  await hook({ dir: pathToFileURL(dist + path.sep), logger: log.logger });
  return { dist, lines: log.lines };
}

describe('newsletter-bodies integration', () => {
  it('writes one body file per article, which the newsletter reader reads, and deletes the bundle', async () => {
    const { dist } = await split({
      bodies: { 'pay-talks': '<p>Pay talks.</p>', 'rest-days': '<p>Rest days.</p>' },
    });
    expect(existsSync(path.join(dist, ARTICLE_BODIES_BUNDLE))).toBe(false);
    expect(JSON.parse(readFileSync(path.join(dist, articleBodyFile('rest-days')), 'utf8'))).toEqual(
      { bodyHtml: '<p>Rest days.</p>' },
    );
    writeFileSync(
      path.join(dist, 'members/newsletter-articles.json'),
      JSON.stringify({ articles: [{ slug: 'pay-talks', title: 'Pay talks' }] }),
    );
    expect(readNewsletterArticle('pay-talks', dist)?.bodyHtml).toBe('<p>Pay talks.</p>');
  });

  it('never writes outside the bodies folder for a slug the reader would refuse', async () => {
    const { dist, lines } = await split({
      bodies: { '../../escape': '<p>x</p>', 'ok-one': '<p>y</p>' },
    });
    expect(existsSync(path.join(dist, '..', 'escape.json'))).toBe(false);
    expect(existsSync(path.join(dist, articleBodyFile('ok-one')))).toBe(true);
    expect(lines.some((line) => line.includes('../../escape'))).toBe(true);
  });

  it('fails the build on a bundle without bodies, and only warns when there is none', async () => {
    await expect(split({ articles: [] })).rejects.toThrow(/"bodies"/);
    const { lines } = await split();
    expect(lines.join('\n')).toMatch(/no members\/newsletter-article-bodies\.json/);
  });

  it('links a body the previous build sealed unchanged, and writes a changed one afresh', async () => {
    const previous = mkdtempSync(path.join(tmpdir(), 'sealed-'));
    const same = path.join(previous, articleBodyFile('pay-talks'));
    const changed = path.join(previous, articleBodyFile('rest-days'));
    mkdirSync(path.dirname(same), { recursive: true });
    writeFileSync(same, JSON.stringify({ bodyHtml: '<p>Pay talks.</p>' }));
    writeFileSync(changed, JSON.stringify({ bodyHtml: '<p>Rest days, before the edit.</p>' }));
    const { dist, lines } = await split(
      { bodies: { 'pay-talks': '<p>Pay talks.</p>', 'rest-days': '<p>Rest days.</p>' } },
      previous,
    );
    expect(statSync(path.join(dist, articleBodyFile('pay-talks'))).ino).toBe(statSync(same).ino);
    expect(statSync(path.join(dist, articleBodyFile('rest-days'))).ino).not.toBe(
      statSync(changed).ino,
    );
    expect(readNewsletterArticleBody(dist, 'rest-days')).toBe('<p>Rest days.</p>');
    expect(readNewsletterArticleBody(dist, 'pay-talks')).toBe('<p>Pay talks.</p>');
    // The previous build's files are left as they were, for the seal step to replace.
    expect(readFileSync(changed, 'utf8')).toContain('before the edit');
    expect(lines.join('\n')).toMatch(/wrote 2 newsletter article bodies \(1 unchanged/);
  });
});

function readNewsletterArticleBody(dist: string, slug: string): unknown {
  const body: unknown = JSON.parse(readFileSync(path.join(dist, articleBodyFile(slug)), 'utf8'));
  return (body as { bodyHtml: unknown }).bodyHtml;
}
