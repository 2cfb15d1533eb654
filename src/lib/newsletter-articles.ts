/**
 * What the build writes for the newsletter (read by src/server/newsletter/articles.ts):
 * every published article's listing, and each body as the site renders it.
 * Both are written under /members/ so the seal step moves them into sealed/.
 */
import type { ArticleListing } from '../server/newsletter/articles.ts';
import { newsPath, type NewsEntry } from './content';
import { getHeroImage } from './images';

/** An article's listing: public facts only (a members-only article gets no image). */
export async function buildArticleListing(entry: NewsEntry): Promise<ArticleListing> {
  const { data } = entry;
  const image =
    data.image && !data.membersOnly
      ? // The same JPEG as the page's link preview, so the email shows a file the site publishes.
        await getHeroImage(data.image, Math.min(1280, data.image.width), 'jpeg')
      : null;
  return {
    slug: entry.id,
    title: data.title,
    summary: data.summary,
    date: data.date.toISOString().slice(0, 10),
    path: newsPath(entry),
    membersOnly: data.membersOnly,
    newsletter: data.newsletter,
    imagePath: image ? image.src : null,
    imageAlt: image ? (data.imageAlt ?? '') : null,
  };
}

/**
 * The body as HTML. Markdown entries carry it from the content layer; an MDX
 * entry (rendered only as a component) has none, and its email then gives the
 * summary with a link to the page.
 */
export function articleBodyHtml(entry: NewsEntry): string {
  return entry.rendered?.html ?? '';
}
