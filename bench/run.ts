// `npm run bench`: runs every bench/*.bench.ts module's `run()` in turn and
// prints its figures as a table; `npm run bench -- server` runs only matching files
// (a filter that names a bench exactly, such as `build`, runs only that one).
// The figures are also written to bench/results/<time>.json (not committed).
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

type Figures = Record<string, string | number>;

const benchDir = import.meta.dirname;

function printTable(title: string, figures: Figures): void {
  const width = Math.max(...Object.keys(figures).map((k) => k.length));
  console.log(`\n${title}`);
  console.log('-'.repeat(width + 14));
  for (const [name, value] of Object.entries(figures)) {
    console.log(`${name.padEnd(width)}  ${String(value).padStart(12)}`);
  }
}

async function main(): Promise<void> {
  const filters = process.argv.slice(2);
  const all = readdirSync(benchDir).filter((f) => f.endsWith('.bench.ts'));
  // A filter naming a bench exactly runs that one (`build` is not also `cms-rebuild`);
  // any other filter runs every bench whose file name contains it.
  const matches = (x: string) =>
    all.includes(`${x}.bench.ts`) ? [`${x}.bench.ts`] : all.filter((f) => f.includes(x));
  const files = (filters.length === 0 ? all : [...new Set(filters.flatMap(matches))]).sort();
  if (files.length === 0) throw new Error(`no bench/*.bench.ts matches ${filters.join(', ')}`);
  const results: Record<string, Figures> = {};
  for (const file of files) {
    const mod = (await import(pathToFileURL(path.join(benchDir, file)).href)) as {
      run?: () => Promise<Figures>;
    };
    if (typeof mod.run !== 'function') throw new Error(`bench/${file} exports no run()`);
    console.log(`running bench/${file}…`);
    results[file] = await mod.run();
    printTable(file.replace(/\.bench\.ts$/, ''), results[file]);
  }
  const outDir = path.join(benchDir, 'results');
  mkdirSync(outDir, { recursive: true });
  const out = path.join(outDir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(out, JSON.stringify({ node: process.version, results }, null, 2) + '\n');
  console.log(`\nfigures written to ${path.relative(process.cwd(), out)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
