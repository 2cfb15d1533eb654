/**
 * Runs `astro build` in a folder and measures it: wall-clock seconds, the peak
 * resident memory of the build process (GNU time's "Maximum resident set size"
 * where /usr/bin/time exists), and the seconds Astro reports for generating
 * static routes.
 */
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** What one build cost. `peakRssMb` and `routesSeconds` are NaN when unknown. */
export interface BuildFigures {
  seconds: number;
  peakRssMb: number;
  routesSeconds: number;
  output: string;
}

const GNU_TIME = '/usr/bin/time';

/**
 * Builds the Astro project in `cwd` with `config` (a file name relative to it).
 * `nodeArgs` go to Node, e.g. `--cpu-prof`. Rejects with the output when the build fails.
 */
export function measureAstroBuild(
  cwd: string,
  config: string,
  nodeArgs: string[] = [],
): Promise<BuildFigures> {
  const astro = [...nodeArgs, 'node_modules/astro/astro.js', 'build', '--config', config];
  // Written-back before the clock starts: the corpus just written and the last build's
  // output would otherwise be flushed to disk during this build, by chance of timing.
  flushWrites();
  const timed = existsSync(GNU_TIME);
  const [command, args] = timed
    ? [GNU_TIME, ['-v', process.execPath, ...astro]]
    : [process.execPath, astro];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, NODE_ENV: 'production', NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0)
        return reject(new Error(`astro build in ${cwd} failed (${code}):\n${output}`));
      resolve({
        seconds,
        peakRssMb: parsePeakRssMb(output),
        routesSeconds: parseRoutesSeconds(output),
        output,
      });
    });
  });
}

/** Has the kernel write every modified file to disk (sync(1)), where the command exists. */
function flushWrites(): void {
  try {
    execFileSync('sync', { stdio: 'ignore' });
  } catch {
    // No sync(1) (not Unix): the timing is only noisier.
  }
}

/** GNU time's peak RSS (reported in KiB) in MiB, or NaN. */
function parsePeakRssMb(output: string): number {
  const match = output.match(/Maximum resident set size \(kbytes\): (\d+)/);
  return match ? Number(match[1]) / 1024 : NaN;
}

/**
 * Astro 5 prints " generating static routes " and, once every page is written,
 * "✓ Completed in 12.6s." (or "in 850ms"): the first completion after the heading.
 */
function parseRoutesSeconds(output: string): number {
  const start = output.indexOf('generating static routes');
  if (start < 0) return NaN;
  const match = output.slice(start).match(/Completed in ([\d.]+)(m?s)/);
  if (!match) return NaN;
  return match[2] === 'ms' ? Number(match[1]) / 1000 : Number(match[1]);
}

/**
 * Copies the plain reference site (bench/reference-site) to a temp folder that
 * links the project's node_modules. Returns the folder.
 */
export function copyReferenceSite(benchDir: string, projectRoot: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-reference-'));
  cpSync(path.join(benchDir, 'reference-site'), dir, { recursive: true });
  symlinkSync(path.join(projectRoot, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return dir;
}
