// What the content manager costs a publish: two copies of the sample site, one with the
// CMS page (src/pages/admin) and one without, built side by side from an empty cache
// (cold), then rebuilt after a one-article content change (what an editor's publish
// triggers). The ratios compare each pair; the goal for a content-only rebuild is ≤ 1.2.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createTempProject, type TempProject } from '../test/site/support/temp-project.ts';
import { timeAstroBuild, type BuildCost } from './lib/timed-build.ts';

const REBUILDS = 2;

function build(project: TempProject): Promise<BuildCost> {
  return timeAstroBuild(project.dir, 'astro.test.config.mjs');
}

/** Appends a paragraph to the first news article, as an editor's small edit would. */
function editOneArticle(project: TempProject, round: number): void {
  const newsDir = path.join(project.dir, 'content/news');
  const article = readdirSync(newsDir)
    .filter((f) => f.endsWith('.md'))
    .sort()[0];
  const relative = path.join('content/news', article);
  const text = readFileSync(path.join(project.dir, relative), 'utf8');
  project.write(relative, `${text}\nA correction, round ${round}.\n`);
}

const ratio = (a: number, b: number) => Number((a / b).toFixed(2));
const mib = (cost: BuildCost) => (Number.isFinite(cost.peakMiB) ? Math.round(cost.peakMiB) : 'n/a');

/** Builds both copies cold, then rebuilds both after each content edit; reports the fastest rebuilds. */
export async function run(): Promise<Record<string, string | number>> {
  const withCms = createTempProject('bench-cms-with-');
  const withoutCms = createTempProject('bench-cms-without-', ['src/pages/admin']);
  try {
    const coldWith = await build(withCms);
    const coldWithout = await build(withoutCms);
    const warmWith: BuildCost[] = [];
    const warmWithout: BuildCost[] = [];
    for (let round = 1; round <= REBUILDS; round++) {
      editOneArticle(withCms, round);
      editOneArticle(withoutCms, round);
      warmWith.push(await build(withCms));
      warmWithout.push(await build(withoutCms));
    }
    const fastest = (costs: BuildCost[]) => costs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    const rebuildWith = fastest(warmWith);
    const rebuildWithout = fastest(warmWithout);
    return {
      'cold build with CMS (s)': Number(coldWith.seconds.toFixed(1)),
      'cold build without CMS (s)': Number(coldWithout.seconds.toFixed(1)),
      'cold ratio with/without': ratio(coldWith.seconds, coldWithout.seconds),
      'cold peak RSS with CMS (MiB)': mib(coldWith),
      'cold peak RSS without CMS (MiB)': mib(coldWithout),
      'content rebuild with CMS (s)': Number(rebuildWith.seconds.toFixed(1)),
      'content rebuild without CMS (s)': Number(rebuildWithout.seconds.toFixed(1)),
      'content rebuild ratio with/without (goal ≤ 1.2)': ratio(
        rebuildWith.seconds,
        rebuildWithout.seconds,
      ),
      'content rebuild peak RSS with CMS (MiB)': mib(rebuildWith),
      'content rebuild peak RSS without CMS (MiB)': mib(rebuildWithout),
    };
  } finally {
    withCms.remove();
    withoutCms.remove();
  }
}
