// The public site's weight and build time: the heaviest article page (HTML plus the
// stylesheets it links), the largest 960 px AVIF hero, the sample site's build from a
// cold cache without the CMS page, and the full `astro build` with it.
import { readFileSync, statSync } from 'node:fs';
import { runBuild, withBuildLock } from '../scripts/lib/build.ts';
import { attr, fileForPath, findTags, measurePageBytes } from '../test/site/support/dist.ts';
import { readCollection } from '../test/site/support/content.ts';
import { createTempProject } from '../test/site/support/temp-project.ts';

/** The 960w AVIF candidates of every hero on a page. */
function listAvif960(sitePath: string): string[] {
  const html = readFileSync(fileForPath(sitePath), 'utf8');
  return findTags(html, 'source')
    .filter((t) => attr(t, 'type') === 'image/avif')
    .flatMap((t) => (attr(t, 'srcset') ?? '').split(','))
    .map((c) => c.trim().split(/\s+/))
    .filter(([, w]) => w === '960w')
    .map(([url]) => url);
}

/** Seconds to build a copy of the site without the CMS page, with an empty cache. */
async function timeBuildWithoutCms(): Promise<number> {
  const project = createTempProject('bench-site-', ['src/pages/admin']);
  try {
    const started = performance.now();
    const result = await project.build();
    if (result.code !== 0) throw new Error(`build without the CMS failed:\n${result.output}`);
    return (performance.now() - started) / 1000;
  } finally {
    project.remove();
  }
}

/** Builds the sample site, then measures its article pages and heroes. */
export async function run(): Promise<Record<string, number | string>> {
  const withoutCmsSeconds = await timeBuildWithoutCms();
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
    'sample-site build without CMS, cold cache (s)': Number(withoutCmsSeconds.toFixed(1)),
    'full build with CMS bundle (s)': Number(buildSeconds.toFixed(1)),
  };
}
