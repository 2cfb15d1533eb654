/**
 * The news articles the build wrote for the newsletter: an index of every
 * published article (sealed `members/newsletter-articles.json`) and, per
 * article, its body as HTML (`members/newsletter-articles/<slug>.json`, split from
 * {@link ARTICLE_BODIES_BUNDLE} by src/integrations/newsletter-bodies.ts). Both
 * live in sealed/, which ships with the functions and is never published.
 * Paths in them are site paths; messages make them absolute with SITE_URL.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isRecord } from '../../lib/is-record.ts';
import { siteFiles } from '../http/site-files.ts';

/** The sealed file listing the articles, relative to sealed/. */
export const ARTICLE_INDEX_FILE = 'members/newsletter-articles.json';

/** The page the build renders with every body keyed by slug; split into files, then deleted. */
export const ARTICLE_BODIES_BUNDLE = 'members/newsletter-article-bodies.json';

/** The sealed file holding one article's body. */
export function articleBodyFile(slug: string): string {
  return `members/newsletter-articles/${slug}.json`;
}

/** One published article as the index lists it (no body). */
export interface ArticleListing {
  slug: string;
  title: string;
  summary: string;
  /** Publication date, YYYY-MM-DD. */
  date: string;
  /** The public page, e.g. `/news/pay-talks/`. */
  path: string;
  membersOnly: boolean;
  /** The editor ticked "Email this article to subscribers when it is published". */
  newsletter: boolean;
  /** Site path of the hero as a JPEG (public articles only), or null. */
  imagePath: string | null;
  imageAlt: string | null;
}

/** An article as a send keeps it: the listing plus its body HTML. */
export interface NewsletterArticle extends ArticleListing {
  /** The article body as the site renders it (site-relative links). */
  bodyHtml: string;
}

const SLUG = /^[a-z0-9][a-z0-9-]{0,120}$/;

/** True for a name an article body file may have (lower-case letters, digits, hyphens). */
export function isArticleSlug(slug: string): boolean {
  return SLUG.test(slug);
}

function readJson(root: string, relative: string): unknown {
  try {
    return JSON.parse(readFileSync(path.join(root, relative), 'utf8'));
  } catch {
    return null;
  }
}

function isArticleListing(value: unknown): value is ArticleListing {
  return isRecord(value) && typeof value.slug === 'string' && typeof value.title === 'string';
}

/** An article as a send stored it (JSON); throws when the stored text is not one. */
export function parseStoredArticle(text: string): NewsletterArticle {
  const value: unknown = JSON.parse(text);
  if (!isArticleListing(value) || !isRecord(value) || typeof value.bodyHtml !== 'string') {
    throw new Error('A stored newsletter send holds no article.');
  }
  return { ...value, bodyHtml: value.bodyHtml };
}

/** Every published article the last build listed, newest first; empty without a build. */
export function readArticleIndex(root: string = siteFiles.root): ArticleListing[] {
  // The build wrote this file from the content schema; only its outer shape is checked here.
  const data = readJson(root, ARTICLE_INDEX_FILE);
  const articles: unknown = isRecord(data) ? data.articles : undefined;
  return Array.isArray(articles) ? articles.filter(isArticleListing) : [];
}

/** A published article with its body, or null when the last build has no such article. */
export function readNewsletterArticle(
  slug: string,
  root: string = siteFiles.root,
): NewsletterArticle | null {
  if (!isArticleSlug(slug)) return null;
  const listing = readArticleIndex(root).find((a) => a.slug === slug);
  if (!listing) return null;
  const body = readJson(root, articleBodyFile(slug));
  if (!isRecord(body) || typeof body.bodyHtml !== 'string') return null;
  return { ...listing, bodyHtml: body.bodyHtml };
}
