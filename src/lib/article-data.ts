import type { NewsEntry } from './content';
import { isCalendarDay } from './federation-day';
import { isoDate } from './format';

/** schema.org NewsArticle for search engines; never carries the body text. */
export function buildArticleJsonLd(
  entry: NewsEntry,
  url: string,
  publisher: string,
  image?: string,
): Record<string, unknown> {
  const { data } = entry;
  return {
    '@context': 'https://schema.org',
    '@type': 'NewsArticle',
    headline: data.title,
    description: data.summary,
    datePublished: isCalendarDay(data.date) ? isoDate(data.date) : data.date.toISOString(),
    url,
    ...(image ? { image: [image] } : {}),
    ...(data.author ? { author: { '@type': 'Person', name: data.author } } : {}),
    publisher: { '@type': 'Organization', name: publisher },
    isAccessibleForFree: !data.membersOnly,
  };
}
