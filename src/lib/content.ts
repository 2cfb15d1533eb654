import { getCollection, type CollectionEntry } from 'astro:content';
import { createRelatedFinder, sortNewestFirst } from './related';

export type NewsEntry = CollectionEntry<'news'>;
export type CareerEntry = CollectionEntry<'careers'>;
export type MembersEntry = CollectionEntry<'members'>;
export type PageEntry = CollectionEntry<'pages'>;

/** Articles per page of the news index (/news/, /news/2/, ...). */
export const NEWS_PAGE_SIZE = 10;

/** The published news of this build, read and sorted once: every listing and feed needs it. */
let publishedNews: Promise<NewsEntry[]> | undefined;

/** Every news article that is not a draft, newest first (members-only ones included). */
export async function getPublishedNews(): Promise<NewsEntry[]> {
  const load = async () =>
    sortNewestFirst(await getCollection('news', (entry) => !entry.data.draft));
  // The dev server keeps modules between requests while editors change content.
  if (import.meta.env.DEV) return load();
  publishedNews ??= load();
  return [...(await publishedNews)];
}

/**
 * The props of a news article page: its entry and the articles offered next.
 * A type alias, not an interface, so it satisfies Astro's GetStaticPaths props.
 */
export type NewsArticleProps = {
  entry: NewsEntry;
  related: NewsEntry[];
};

/**
 * Static paths for news article pages: one per published entry that `include`
 * accepts, each with related articles drawn from all published news.
 */
export async function listNewsArticlePaths(
  include: (entry: NewsEntry) => boolean = () => true,
): Promise<{ params: { slug: string }; props: NewsArticleProps }[]> {
  const news = await getPublishedNews();
  const findRelated = createRelatedFinder(news);
  return news.filter(include).map((entry) => ({
    params: { slug: entry.id },
    props: { entry, related: findRelated(entry) },
  }));
}

/** Careers roles in the editors' chosen order, then by title. */
export async function getCareers(): Promise<CareerEntry[]> {
  const roles = await getCollection('careers');
  return roles.sort(
    (a, b) => a.data.order - b.data.order || a.data.title.localeCompare(b.data.title),
  );
}

/** Members-only pages that are not drafts, newest first. */
export async function getMembersPages(): Promise<MembersEntry[]> {
  return sortNewestFirst(await getCollection('members', (entry) => !entry.data.draft));
}

/** Plain pages (about, privacy, ...), by title. */
export async function getPages(): Promise<PageEntry[]> {
  const pages = await getCollection('pages');
  return pages.sort((a, b) => a.data.title.localeCompare(b.data.title));
}

/** Public URL of a news article (members-only articles show a teaser there). */
export function newsPath(entry: NewsEntry): string {
  return `/news/${entry.id}/`;
}

/** Sealed URL holding the full text of a members-only article. */
export function membersNewsPath(entry: NewsEntry): string {
  return `/members/news/${entry.id}/`;
}

/** The login page, returning to `next` (a site path) afterwards. */
export function loginPath(next: string): string {
  return `/login/?next=${encodeURI(next)}`;
}
