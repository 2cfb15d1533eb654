/**
 * Sealed: every published article's body as HTML, keyed by slug, in one page; the
 * newsletter-bodies integration splits it into a file per article after the build.
 */
import type { APIRoute } from 'astro';
import { getPublishedNews } from '../../lib/content';
import { articleBodyHtml } from '../../lib/newsletter-articles';

export const GET: APIRoute = async () => {
  const bodies = Object.fromEntries(
    (await getPublishedNews()).map((entry) => [entry.id, articleBodyHtml(entry)]),
  );
  return new Response(JSON.stringify({ bodies }), {
    headers: { 'Content-Type': 'application/json' },
  });
};
