import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { distDir, sealedDir } from './support/dist';
import {
  ARTICLE_BODIES_BUNDLE,
  readArticleIndex,
  readNewsletterArticle,
} from '../../src/server/newsletter/articles';

describe('newsletter article bodies', () => {
  const articles = readArticleIndex(sealedDir);

  it('are sealed for every published article the index lists', () => {
    expect(articles.length).toBeGreaterThan(0);
    const missing = articles.filter((a) => readNewsletterArticle(a.slug, sealedDir) === null);
    expect(missing.map((a) => a.slug)).toEqual([]);
    // Markdown articles carry their rendered text.
    expect(
      articles.some((a) => readNewsletterArticle(a.slug, sealedDir)!.bodyHtml.includes('<p>')),
    ).toBe(true);
  });

  it('leave no bundle of every body behind, public or sealed', () => {
    expect(existsSync(path.join(distDir, ARTICLE_BODIES_BUNDLE))).toBe(false);
    expect(existsSync(path.join(sealedDir, ARTICLE_BODIES_BUNDLE))).toBe(false);
    expect(existsSync(path.join(distDir, 'members'))).toBe(false);
  });
});
