import { getCollection, type CollectionEntry } from 'astro:content';
import { sortNewestFirst } from './related';

export type NewsEntry = CollectionEntry<'news'>;
export type CareerEntry = CollectionEntry<'careers'>;
export type MembersEntry = CollectionEntry<'members'>;
export type PageEntry = CollectionEntry<'pages'>;

/** Articles per page of the news index (/news/, /news/2/, ...). */
export const NEWS_PAGE_SIZE = 10;

/** Every news article that is not a draft, newest first (members-only ones included). */
export async function getPublishedNews(): Promise<NewsEntry[]> {
  return sortNewestFirst(await getCollection('news', (entry) => !entry.data.draft));
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
