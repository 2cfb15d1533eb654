/**
 * Sealed: every published news article the newsletter may send (drafts are
 * never built), with `newsletter` saying which the editor ticked.
 */
import type { APIRoute } from 'astro';
import { getPublishedNews } from '../../lib/content';
import { buildArticleListing } from '../../lib/newsletter-articles';

export const GET: APIRoute = async () => {
  const articles = await Promise.all((await getPublishedNews()).map(buildArticleListing));
  return new Response(JSON.stringify({ articles }), {
    headers: { 'Content-Type': 'application/json' },
  });
};
