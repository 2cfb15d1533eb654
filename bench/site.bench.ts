// The public site's weight and build time: the heaviest article page (HTML plus the
// stylesheets it links), the largest 960 px AVIF hero, and a full `astro build`.
import { readFileSync, statSync } from 'node:fs';
import { runBuild, withBuildLock } from '../scripts/lib/build.ts';
import { attr, fileForPath, findTags, measurePageBytes } from '../test/site/support/dist.ts';
import { readCollection } from '../test/site/support/content.ts';

/** The 960w AVIF candidates of every hero on a page. */
function listAvif960(sitePath: string): string[] {
  const html = readFileSync(fileForPath(sitePath), 'utf8');
  return findTags(html, 'source')
    .filter((t) => attr(t, 'type') === 'image/avif')
    .flatMap((t) => (attr(t, 'srcset') ?? '').split(','))
    .map((c) => c.trim().split(/\s+/))
    .filter(([, w]) => w === '960w')
    .map(([url]) => url!);
}

/** Builds the sample site from scratch, then measures its article pages and heroes. */
export async function run(): Promise<Record<string, number | string>> {
  // Timed once the lock is held, so waiting for another build is not counted.
  const buildSeconds = await withBuildLock(async () => {
    const started = performance.now();
    await runBuild({ quiet: true });
    return (performance.now() - started) / 1000;
  });
  const articles = readCollection('news')
    .filter((e) => e.data.draft !== true && e.data.membersOnly !== true)
    .map((e) => `/news/${e.slug}/`);
  const sizes = articles.map((p) => ({ path: p, bytes: measurePageBytes(p) }));
  const heaviest = sizes.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  const avif = [...new Set(articles.flatMap(listAvif960))].map(
    (u) => statSync(fileForPath(u)).size,
  );
  return {
    'article pages measured': articles.length,
    'heaviest article HTML+CSS (bytes)': heaviest.bytes,
    'heaviest article': heaviest.path,
    'article HTML+CSS budget (bytes)': 30 * 1024,
    'largest 960px AVIF hero (bytes)': Math.max(0, ...avif),
    'sample-site build (s)': Number(buildSeconds.toFixed(1)),
  };
}
