import rss from '@astrojs/rss';
import type { APIContext } from 'astro';
import { getPublishedNews, newsPath } from '../lib/content';
import { publicationInstant } from '../lib/federation-day';
import { getSettings } from '../lib/settings';

/**
 * News feed. Items carry the title and summary only: members-only articles must
 * never leak their text, and summaries keep every item the same shape. A date
 * is the federation's day: a calendar day is given as noon in London.
 */
export async function GET(context: APIContext) {
  const settings = await getSettings();
  const news = await getPublishedNews();
  return rss({
    title: `${settings.siteName} news`,
    description: settings.tagline ?? `News from the ${settings.siteName}`,
    site: context.site!,
    trailingSlash: true,
    customData: '<language>en-gb</language>',
    items: news.map((entry) => ({
      title: entry.data.membersOnly ? `${entry.data.title} (members only)` : entry.data.title,
      link: newsPath(entry),
      pubDate: publicationInstant(entry.data.date),
      description: entry.data.summary,
      categories: entry.data.tags,
    })),
  });
}
