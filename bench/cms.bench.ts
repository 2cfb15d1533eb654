// A production build with the content manager bundled into /admin/: wall time and
// peak memory of `astro build`, the size of the admin bundle, and a check that no
// other page loads it. The bundle comes from node_modules/.cache/cms when an earlier
// build left it there; bench/cms-rebuild.bench.ts compares cold and content-only builds
// with and without the CMS page.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { withBuildLock } from '../scripts/lib/build.ts';

const root = path.resolve(import.meta.dirname, '..');
const dist = path.join(root, 'dist');

/** Runs `astro build` (call it holding the build lock) under /usr/bin/time -v when present; returns seconds and peak RSS. */
function timeBuild(): Promise<{ seconds: number; peakMiB: number }> {
  const astro = [process.execPath, path.join(root, 'node_modules/astro/astro.js'), 'build'];
  const timed = existsSync('/usr/bin/time');
  const [command, ...args] = timed ? ['/usr/bin/time', '-v', ...astro] : astro;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    // NODE_ENV=production as on Netlify: under a test runner it would be "test", and
    // Vite would then bundle React's and Emotion's development builds (twice the size).
    const child = spawn(command, args, {
      cwd: root,
      env: { ...process.env, NODE_ENV: 'production' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => {
      if (code !== 0)
        return reject(new Error(`astro build failed (${code}):\n${stderr.slice(-2000)}`));
      const seconds = (performance.now() - started) / 1000;
      const kib = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1]);
      // Without time(1), the child's peak is not visible: fall back to this process's.
      const peakKiB = Number.isFinite(kib) ? kib : process.resourceUsage().maxRSS;
      resolve({ seconds, peakMiB: peakKiB / 1024 });
    });
  });
}

function htmlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? htmlFiles(full) : e.name.endsWith('.html') ? [full] : [];
  });
}

/** The scripts /admin/ loads, and how many other pages load any of them. */
function measureAdminBundle() {
  const adminHtml = readFileSync(path.join(dist, 'admin/index.html'), 'utf8');
  const scripts = [...adminHtml.matchAll(/<script[^>]+src="(\/_astro\/[^"]+\.js)"/g)].map(
    (m) => m[1],
  );
  if (scripts.length === 0) throw new Error('dist/admin/index.html loads no bundled script');
  let bytes = 0;
  let gzipBytes = 0;
  for (const src of scripts) {
    const file = path.join(dist, src);
    bytes += statSync(file).size;
    gzipBytes += gzipSync(readFileSync(file)).length;
  }
  const names = scripts.map((s) => path.basename(s));
  const leaks = htmlFiles(dist).filter(
    (f) =>
      !f.startsWith(path.join(dist, 'admin')) &&
      names.some((n) => readFileSync(f, 'utf8').includes(n)),
  );
  return { bytes, gzipBytes, leaks: leaks.length };
}

/** Builds the whole site once and reports the figures. */
export async function run(): Promise<Record<string, string | number>> {
  const { seconds, peakMiB } = await withBuildLock(timeBuild);
  const bundle = measureAdminBundle();
  return {
    'build wall time (s)': Number(seconds.toFixed(1)),
    'build peak RSS (MiB)': Math.round(peakMiB),
    'admin bundle (KiB)': Math.round(bundle.bytes / 1024),
    'admin bundle gzip (KiB)': Math.round(bundle.gzipBytes / 1024),
    'other pages loading it': bundle.leaks,
  };
}
