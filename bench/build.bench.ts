// How `astro build` grows with the news collection: the project (without the CMS page)
// against a plain Astro site with the same articles (bench/reference-site) plus Pagefind
// over its output, at 300 and 3,000 generated articles. BENCH_ARTICLES=300,3000,10000
// picks the sizes; BENCH_CPU_PROF=1 writes a CPU profile of each build to
// bench/results/.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as pagefind from 'pagefind';
import { copyReferenceSite, measureAstroBuild, type BuildFigures } from './lib/astro-build.ts';
import { generateArticle, writeCorpus } from './lib/corpus.ts';
import { root } from '../test/site/support/dist.ts';
import { createTempProject } from '../test/site/support/temp-project.ts';

const benchDir = import.meta.dirname;

function articleCounts(): number[] {
  const counts = (process.env.BENCH_ARTICLES ?? '300,3000').split(',').map(Number);
  if (counts.some((n) => !Number.isInteger(n) || n < 1))
    throw new Error(
      `BENCH_ARTICLES must list article counts, e.g. 300,3000 (got ${process.env.BENCH_ARTICLES})`,
    );
  return counts;
}

/** Node's flags for a CPU profile in bench/results/cpu-prof-<name>/ when BENCH_CPU_PROF is set. */
function profileArgs(name: string): string[] {
  if (!process.env.BENCH_CPU_PROF) return [];
  const dir = path.join(benchDir, 'results', `cpu-prof-${name}`);
  mkdirSync(dir, { recursive: true });
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`];
}

/** Fails unless the first and last generated articles have pages: a build that skipped them is no measure. */
function expectArticlesBuilt(distDir: string, articles: number): void {
  for (const file of [generateArticle(0, false), generateArticle(articles - 1, false)]) {
    const page = path.join(distDir, 'news', file.name.replace(/\.mdx?$/, ''), 'index.html');
    if (!existsSync(page)) throw new Error(`the build wrote no ${page}`);
  }
}

async function buildProject(articles: number): Promise<BuildFigures> {
  const project = createTempProject('bench-build-', ['src/pages/admin']);
  try {
    writeCorpus(project.dir, articles, true);
    const figures = await measureAstroBuild(
      project.dir,
      'astro.test.config.mjs',
      profileArgs(`project-${articles}`),
    );
    // Astro's log, with the time each integration's step ended, for reading where time went.
    mkdirSync(path.join(benchDir, 'results'), { recursive: true });
    writeFileSync(path.join(benchDir, 'results', `project-${articles}.log`), figures.output);
    expectArticlesBuilt(path.join(project.dir, 'dist'), articles);
    return figures;
  } finally {
    project.remove();
  }
}

/** Seconds Pagefind takes to index a built site the way src/integrations/pagefind.ts does. */
async function indexWithPagefind(distDir: string): Promise<number> {
  const started = performance.now();
  const { index, errors } = await pagefind.createIndex({});
  if (!index) throw new Error(`Pagefind failed: ${errors.join(', ')}`);
  const added = await index.addDirectory({ path: distDir });
  if (added.errors.length) throw new Error(`Pagefind failed: ${added.errors.join(', ')}`);
  await index.writeFiles({ outputPath: path.join(distDir, 'pagefind') });
  await pagefind.close();
  return (performance.now() - started) / 1000;
}

async function buildReference(
  articles: number,
): Promise<BuildFigures & { pagefindSeconds: number }> {
  const dir = copyReferenceSite(benchDir, root);
  try {
    writeCorpus(dir, articles, false);
    const figures = await measureAstroBuild(
      dir,
      'astro.config.mjs',
      profileArgs(`reference-${articles}`),
    );
    writeFileSync(path.join(benchDir, 'results', `reference-${articles}.log`), figures.output);
    expectArticlesBuilt(path.join(dir, 'dist'), articles);
    return { ...figures, pagefindSeconds: await indexWithPagefind(path.join(dir, 'dist')) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const round = (n: number, digits = 2) => (Number.isFinite(n) ? Number(n.toFixed(digits)) : 'n/a');

/** Builds each corpus size with the project and the reference; returns the figures. */
export async function run(): Promise<Record<string, number | string>> {
  const figures: Record<string, number | string> = {};
  const totals = new Map<number, { project: number; reference: number }>();
  for (const articles of articleCounts()) {
    const project = await buildProject(articles);
    const reference = await buildReference(articles);
    const referenceTotal = reference.seconds + reference.pagefindSeconds;
    totals.set(articles, { project: project.seconds, reference: referenceTotal });
    const at = `${articles} articles`;
    figures[`${at}: project build (s)`] = round(project.seconds, 1);
    figures[`${at}: reference build (s)`] = round(reference.seconds, 1);
    figures[`${at}: reference Pagefind (s)`] = round(reference.pagefindSeconds, 1);
    figures[`${at}: project / (reference + Pagefind)`] = round(project.seconds / referenceTotal);
    figures[`${at}: project static routes (s)`] = round(project.routesSeconds, 1);
    figures[`${at}: reference static routes (s)`] = round(reference.routesSeconds, 1);
    figures[`${at}: project peak RSS (MB)`] = round(project.peakRssMb, 0);
    figures[`${at}: reference peak RSS (MB)`] = round(reference.peakRssMb, 0);
  }
  // Linearity: seconds per article at each size against the smallest, and the cost of
  // each extra article (which leaves out what a build spends whatever its size).
  const counts = [...totals.keys()].sort((a, b) => a - b);
  const first = totals.get(counts[0])!;
  for (const articles of counts.slice(1)) {
    const at = totals.get(articles)!;
    figures[`project s/article at ${articles} / at ${counts[0]}`] = round(
      at.project / articles / (first.project / counts[0]),
    );
    const extra = (total: number, base: number) => ((total - base) / (articles - counts[0])) * 1000;
    const projectExtra = extra(at.project, first.project);
    const referenceExtra = extra(at.reference, first.reference);
    figures[`project s per extra 1000 articles, ${counts[0]} to ${articles}`] = round(
      projectExtra,
      1,
    );
    figures[`reference + Pagefind s per extra 1000 articles, ${counts[0]} to ${articles}`] = round(
      referenceExtra,
      1,
    );
    figures[`extra-article cost ${counts[0]} to ${articles}, project / reference`] = round(
      projectExtra / referenceExtra,
    );
  }
  return figures;
}
