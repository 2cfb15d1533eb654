// What the content manager costs a publish: two copies of the sample site, one with the
// CMS page (src/pages/admin) and one without, built side by side from an empty cache
// (cold), then rebuilt after a one-article content change (what an editor's publish
// triggers). The ratios compare each pair; the goal for a content-only rebuild is ≤ 1.2.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { createTempProject, type TempProject } from '../test/site/support/temp-project.ts';
import { timeAstroBuild, type BuildCost } from './lib/timed-build.ts';

const REBUILDS = 2;

function build(project: TempProject, cmsCache: string): Promise<BuildCost> {
  return timeAstroBuild(project.dir, {
    config: 'astro.test.config.mjs',
    env: { CMS_BUNDLE_CACHE: cmsCache },
  });
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

/** Bytes (plain and gzipped) of the scripts /admin/ loads, with the modules they import. */
function measureAdminScripts(dist: string) {
  const html = readFileSync(path.join(dist, 'admin/index.html'), 'utf8');
  const pending = [...html.matchAll(/<script[^>]+src="\/(_astro\/[^"]+\.js)"/g)].map((m) => m[1]);
  const seen = new Set<string>();
  let bytes = 0;
  let gzipBytes = 0;
  let reactProduction = false;
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const code = readFileSync(path.join(dist, file));
    bytes += code.length;
    gzipBytes += gzipSync(code).length;
    // React's production build replaces its error messages with numbered ones.
    reactProduction ||= code.includes('Minified React error');
    for (const m of code.toString('utf8').matchAll(/(?:from|import)\s*["']\.\/([^"']+\.js)["']/g))
      pending.push(path.posix.join(path.posix.dirname(file), m[1]));
  }
  if (seen.size === 0) throw new Error('/admin/ loads no script');
  const names = [...seen].map((f) => path.basename(f));
  const otherPages = listHtml(dist).filter(
    (f) =>
      !f.startsWith(path.join(dist, 'admin') + path.sep) &&
      names.some((n) => readFileSync(f, 'utf8').includes(n)),
  ).length;
  return {
    kib: Math.round(bytes / 1024),
    gzipKiB: Math.round(gzipBytes / 1024),
    reactProduction,
    otherPages,
  };
}

function listHtml(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? listHtml(full) : e.name.endsWith('.html') ? [full] : [];
  });
}

const ratio = (a: number, b: number) => Number((a / b).toFixed(2));
const mib = (cost: BuildCost) => (Number.isFinite(cost.peakMiB) ? Math.round(cost.peakMiB) : 'n/a');

/** Builds both copies cold, then rebuilds both after each content edit; reports the fastest rebuilds. */
export async function run(): Promise<Record<string, string | number>> {
  // An empty CMS bundle cache for this run, so the first build is cold whatever ran before.
  const cmsCache = mkdtempSync(path.join(tmpdir(), 'bench-cms-cache-'));
  const withCms = createTempProject('bench-cms-with-');
  const withoutCms = createTempProject('bench-cms-without-', ['src/pages/admin']);
  try {
    const coldWith = await build(withCms, cmsCache);
    const coldWithout = await build(withoutCms, cmsCache);
    const warmWith: BuildCost[] = [];
    const warmWithout: BuildCost[] = [];
    for (let round = 1; round <= REBUILDS; round++) {
      editOneArticle(withCms, round);
      editOneArticle(withoutCms, round);
      warmWith.push(await build(withCms, cmsCache));
      warmWithout.push(await build(withoutCms, cmsCache));
    }
    const admin = measureAdminScripts(path.join(withCms.dir, 'dist'));
    const fastest = (costs: BuildCost[]) => costs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    const rebuildWith = fastest(warmWith);
    const rebuildWithout = fastest(warmWithout);
    return {
      'cold build with CMS (s)': Number(coldWith.seconds.toFixed(1)),
      'cold build without CMS (s)': Number(coldWithout.seconds.toFixed(1)),
      'cold ratio with/without': ratio(coldWith.seconds, coldWithout.seconds),
      'cold peak memory with CMS (MiB)': mib(coldWith),
      'cold peak memory without CMS (MiB)': mib(coldWithout),
      'content rebuild with CMS (s)': Number(rebuildWith.seconds.toFixed(1)),
      'content rebuild without CMS (s)': Number(rebuildWithout.seconds.toFixed(1)),
      'content rebuild ratio with/without (goal ≤ 1.2)': ratio(
        rebuildWith.seconds,
        rebuildWithout.seconds,
      ),
      'content rebuild peak memory with CMS (MiB)': mib(rebuildWith),
      'content rebuild peak memory without CMS (MiB)': mib(rebuildWithout),
      'admin scripts (KiB)': admin.kib,
      'admin scripts gzip (KiB)': admin.gzipKiB,
      'admin scripts use React production build': admin.reactProduction ? 'yes' : 'no',
      'other pages loading them': admin.otherPages,
    };
  } finally {
    withCms.remove();
    withoutCms.remove();
    rmSync(cmsCache, { recursive: true, force: true });
  }
}
