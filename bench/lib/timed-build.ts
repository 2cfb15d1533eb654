/**
 * Timing `astro build` in a project folder: wall seconds and the build's peak resident
 * memory, read from GNU time(1) when /usr/bin/time is present.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** One build's cost. `peakMiB` is NaN when time(1) is missing. */
export interface BuildCost {
  seconds: number;
  peakMiB: number;
}

/**
 * Runs `astro build` in `cwd` (with `--config <config>` when given) as a production build,
 * rejecting with the tail of its output when it fails. Call it holding the heavy lock.
 */
export function timeAstroBuild(cwd: string, config?: string): Promise<BuildCost> {
  const astro = [
    process.execPath,
    path.join(cwd, 'node_modules/astro/astro.js'),
    'build',
    ...(config ? ['--config', config] : []),
  ];
  const timed = existsSync('/usr/bin/time');
  const [command, ...args] = timed ? ['/usr/bin/time', '-v', ...astro] : astro;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    // NODE_ENV=production as on Netlify: under a test runner it would be "test", and
    // React's development build would be bundled.
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, NODE_ENV: 'production', NO_COLOR: '1', FORCE_COLOR: '0' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => {
      if (code !== 0)
        return reject(new Error(`astro build failed (${code}):\n${stderr.slice(-2000)}`));
      const seconds = (performance.now() - started) / 1000;
      const kib = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1]);
      resolve({ seconds, peakMiB: kib / 1024 });
    });
  });
}
