// How `astro build` grows with the news collection: the project (without the CMS page)
// against a plain Astro site with the same articles (bench/reference-site) plus Pagefind
// over its output, at 300 and 3,000 generated articles: a cold build (fresh folder, empty
// caches) and a warm rebuild after a one-article edit in the same folder, which keeps
// Astro's caches (content layer, encoded images) as a Netlify build keeps node_modules/.astro
// between deploys. Each size is built BENCH_ROUNDS times (2 by default) by each site, the
// order alternating, and the fastest of each is kept: a shared machine's load only ever adds
// time, and moves by several seconds within a run. BENCH_ARTICLES=300,3000,10000
// picks the sizes; BENCH_CPU_PROF=1 writes a CPU profile of each build to
// bench/results/.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as pagefind from 'pagefind';
import { copyReferenceSite, measureAstroBuild, type BuildFigures } from './lib/astro-build.ts';
import { editArticle, generateArticle, writeCorpus } from './lib/corpus.ts';
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

function benchRounds(): number {
  const rounds = Number(process.env.BENCH_ROUNDS ?? '2');
  if (!Number.isInteger(rounds) || rounds < 1)
    throw new Error(
      `BENCH_ROUNDS must be a whole number of 1 or more (got ${process.env.BENCH_ROUNDS})`,
    );
  return rounds;
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

/** A cold build and a warm rebuild (same folder and caches, one article edited). */
interface ColdAndWarm<T> {
  cold: T;
  warm: T;
}

async function buildProject(articles: number): Promise<ColdAndWarm<BuildFigures>> {
  const project = createTempProject('bench-build-', ['src/pages/admin']);
  try {
    writeCorpus(project.dir, articles, true);
    const build = async (kind: 'cold' | 'warm') => {
      const figures = await measureAstroBuild(
        project.dir,
        'astro.test.config.mjs',
        profileArgs(`project-${articles}-${kind}`),
      );
      // Astro's log, with the time each integration's step ended, for reading where time went.
      mkdirSync(path.join(benchDir, 'results'), { recursive: true });
      writeFileSync(
        path.join(benchDir, 'results', `project-${articles}-${kind}.log`),
        figures.output,
      );
      expectArticlesBuilt(path.join(project.dir, 'dist'), articles);
      return figures;
    };
    const cold = await build('cold');
    editArticle(project.dir, 0, true);
    return { cold, warm: await build('warm') };
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

type ReferenceFigures = BuildFigures & { pagefindSeconds: number };

async function buildReference(articles: number): Promise<ColdAndWarm<ReferenceFigures>> {
  const dir = copyReferenceSite(benchDir, root);
  try {
    writeCorpus(dir, articles, false);
    const build = async (kind: 'cold' | 'warm'): Promise<ReferenceFigures> => {
      const figures = await measureAstroBuild(
        dir,
        'astro.config.mjs',
        profileArgs(`reference-${articles}-${kind}`),
      );
      writeFileSync(
        path.join(benchDir, 'results', `reference-${articles}-${kind}.log`),
        figures.output,
      );
      expectArticlesBuilt(path.join(dir, 'dist'), articles);
      return { ...figures, pagefindSeconds: await indexWithPagefind(path.join(dir, 'dist')) };
    };
    const cold = await build('cold');
    editArticle(dir, 0, false);
    return { cold, warm: await build('warm') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Of several runs, the one whose `kind` build took least time by `seconds`. */
function fastest<T>(runs: ColdAndWarm<T>[], seconds: (figures: T) => number): ColdAndWarm<T> {
  const pick = (kind: 'cold' | 'warm') =>
    runs.map((run) => run[kind]).reduce((a, b) => (seconds(b) < seconds(a) ? b : a));
  return { cold: pick('cold'), warm: pick('warm') };
}

/**
 * Builds `articles` with each site `rounds` times, alternating which goes first so
 * a load that comes and goes weighs on both alike, and keeps each site's fastest.
 */
async function buildBoth(articles: number, rounds: number) {
  const projectRuns: ColdAndWarm<BuildFigures>[] = [];
  const referenceRuns: ColdAndWarm<ReferenceFigures>[] = [];
  for (let i = 0; i < rounds; i++) {
    if (i % 2 === 0) {
      projectRuns.push(await buildProject(articles));
      referenceRuns.push(await buildReference(articles));
    } else {
      referenceRuns.push(await buildReference(articles));
      projectRuns.push(await buildProject(articles));
    }
  }
  return {
    project: fastest(projectRuns, (f) => f.seconds),
    reference: fastest(referenceRuns, (f) => f.seconds + f.pagefindSeconds),
    projectRuns,
    referenceRuns,
  };
}

const round = (n: number, digits = 2) => (Number.isFinite(n) ? Number(n.toFixed(digits)) : 'n/a');

/** Builds each corpus size with the project and the reference, cold then warm; returns the figures. */
export async function run(): Promise<Record<string, number | string>> {
  const figures: Record<string, number | string> = {};
  const totals = new Map<number, ColdAndWarm<{ project: number; reference: number }>>();
  const rounds = benchRounds();
  figures['builds of each site per size (fastest kept)'] = rounds;
  for (const articles of articleCounts()) {
    const { project, reference, projectRuns, referenceRuns } = await buildBoth(articles, rounds);
    const total = (kind: 'cold' | 'warm') => ({
      project: project[kind].seconds,
      reference: reference[kind].seconds + reference[kind].pagefindSeconds,
    });
    totals.set(articles, { cold: total('cold'), warm: total('warm') });
    for (const kind of ['cold', 'warm'] as const) {
      const at = `${articles} articles, ${kind}`;
      const p = project[kind];
      const r = reference[kind];
      figures[`${at}: project build (s)`] = round(p.seconds, 1);
      figures[`${at}: reference build (s)`] = round(r.seconds, 1);
      figures[`${at}: reference Pagefind (s)`] = round(r.pagefindSeconds, 1);
      figures[`${at}: project / (reference + Pagefind)`] = round(
        p.seconds / (r.seconds + r.pagefindSeconds),
      );
      if (rounds > 1) {
        // Every round's ratio, each against the reference built next to it: the spread the
        // machine's load gives one figure.
        figures[`${at}: each round's project / (reference + Pagefind)`] = projectRuns
          .map((run, i) => {
            const ref = referenceRuns[i][kind];
            return round(run[kind].seconds / (ref.seconds + ref.pagefindSeconds));
          })
          .join(', ');
      }
      figures[`${at}: project static routes (s)`] = round(p.routesSeconds, 1);
      figures[`${at}: reference static routes (s)`] = round(r.routesSeconds, 1);
      figures[`${at}: project peak RSS (MB)`] = round(p.peakRssMb, 0);
      figures[`${at}: reference peak RSS (MB)`] = round(r.peakRssMb, 0);
    }
  }
  // Linearity: seconds per article at each size against the smallest, and the cost of
  // each extra article (which leaves out what a build spends whatever its size).
  const counts = [...totals.keys()].sort((a, b) => a - b);
  for (const kind of ['cold', 'warm'] as const) {
    const first = totals.get(counts[0])![kind];
    for (const articles of counts.slice(1)) {
      const at = totals.get(articles)![kind];
      figures[`${kind}: project s/article at ${articles} / at ${counts[0]}`] = round(
        at.project / articles / (first.project / counts[0]),
      );
      const extra = (total: number, base: number) =>
        ((total - base) / (articles - counts[0])) * 1000;
      const projectExtra = extra(at.project, first.project);
      const referenceExtra = extra(at.reference, first.reference);
      figures[`${kind}: project s per extra 1000 articles, ${counts[0]} to ${articles}`] = round(
        projectExtra,
        1,
      );
      figures[
        `${kind}: reference + Pagefind s per extra 1000 articles, ${counts[0]} to ${articles}`
      ] = round(referenceExtra, 1);
      figures[`${kind}: extra-article cost ${counts[0]} to ${articles}, project / reference`] =
        round(projectExtra / referenceExtra);
    }
  }
  return figures;
}
