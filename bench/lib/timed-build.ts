/**
 * Timing `astro build` in a project folder: wall seconds and peak memory, counted over the
 * build's whole process tree (esbuild runs as its own process, which time(1) does not see).
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** One build's cost. `peakMiB` is NaN where /proc is missing (not Linux). */
export interface BuildCost {
  seconds: number;
  /** Highest sum of resident memory over the build process and its descendants, sampled every 100 ms. */
  peakMiB: number;
}

/** Resident KiB of `pid` and all its descendants, from /proc. */
function treeRssKiB(pid: number): number {
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const status = readFileSync(`/proc/${name}/status`, 'utf8');
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]);
      rss.set(Number(name), Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0));
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // The process ended while being read.
    }
  }
  let total = 0;
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.pop()!;
    total += rss.get(next) ?? 0;
    queue.push(...(children.get(next) ?? []));
  }
  return total;
}

/**
 * Runs `astro build` in `cwd` (with `--config <config>` and extra `env` when given) as a
 * production build, rejecting with the tail of its output when it fails. Call it holding
 * the heavy lock.
 */
export function timeAstroBuild(
  cwd: string,
  options: { config?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<BuildCost> {
  const { config, env } = options;
  const args = [
    path.join(cwd, 'node_modules/astro/astro.js'),
    'build',
    ...(config ? ['--config', config] : []),
  ];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    // NODE_ENV=production as on Netlify: under a test runner it would be "test", and
    // React's development build would be bundled.
    const child = spawn(process.execPath, args, {
      cwd,
      env: { ...process.env, NODE_ENV: 'production', NO_COLOR: '1', FORCE_COLOR: '0', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const linux = process.platform === 'linux';
    let peakKiB = 0;
    const sampler = setInterval(() => {
      if (linux && child.pid) peakKiB = Math.max(peakKiB, treeRssKiB(child.pid));
    }, 100);
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => {
      clearInterval(sampler);
      if (code !== 0)
        return reject(new Error(`astro build failed (${code}):\n${stderr.slice(-2000)}`));
      const seconds = (performance.now() - started) / 1000;
      resolve({ seconds, peakMiB: linux ? peakKiB / 1024 : NaN });
    });
  });
}
