/** Sealed: one published article's body as HTML, for its newsletter email. */
import type { APIRoute, GetStaticPaths } from 'astro';
import { getPublishedNews, type NewsEntry } from '../../../lib/content';
import { articleBodyHtml } from '../../../lib/newsletter-articles';

export const getStaticPaths = (async () => {
  return (await getPublishedNews()).map((entry) => ({
    params: { slug: entry.id },
    props: { entry },
  }));
}) satisfies GetStaticPaths;

export const GET: APIRoute<{ entry: NewsEntry }> = ({ props }) =>
  new Response(JSON.stringify({ bodyHtml: articleBodyHtml(props.entry) }), {
    headers: { 'Content-Type': 'application/json' },
  });
