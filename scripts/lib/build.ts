import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
/** What the build reads: a change to any of them makes dist/ stale (tsconfig.json: its paths and JSX settings). */
const sources = [
  'content',
  'src',
  'public',
  'astro.config.mjs',
  'tsconfig.json',
  'package-lock.json',
];
const marker = path.join(root, 'dist', 'index.html');

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const stat = statSync(p);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const name of readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, name)));
  return newest;
}

/** True when dist/ and sealed/ exist and are newer than every source file. */
export function isBuildFresh(): boolean {
  if (!existsSync(marker) || !existsSync(path.join(root, 'sealed'))) return false;
  const built = statSync(marker).mtimeMs;
  return sources.every((s) => newestMtime(path.join(root, s)) <= built);
}

/** Runs `astro build`, rejecting with its output when it fails. */
export function runBuild(
  options: { quiet?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join(root, 'node_modules/astro/astro.js'), 'build'],
      {
        cwd: root,
        // Always a production build: under vitest NODE_ENV is `test`, which would make
        // Vite bundle React's development build into /admin/ (twice the size).
        env: { ...process.env, NODE_ENV: 'production', ...options.env },
        stdio: options.quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
      },
    );
    let output = '';
    child.stdout?.on('data', (d) => (output += d));
    child.stderr?.on('data', (d) => (output += d));
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`astro build failed (${code}):\n${output}`)),
    );
  });
}

const lockDir = path.join(root, 'node_modules', '.build-lock');

/**
 * Runs `fn` while holding a cross-process lock (an atomic mkdir), so two
 * test runs never write dist/ at the same time, and nothing reads it halfway
 * through a build. A lock older than 10 minutes is taken to belong to a
 * process that died.
 */
export async function withBuildLock<T>(fn: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch {
      if (existsSync(lockDir) && Date.now() - statSync(lockDir).mtimeMs > 600_000) {
        rmSync(lockDir, { recursive: true, force: true });
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/** Builds the site unless the existing build is fresh (checked again once the lock is held). */
export async function ensureBuilt(options: { quiet?: boolean } = {}): Promise<void> {
  if (isBuildFresh()) return;
  await withBuildLock(async () => {
    if (!isBuildFresh()) await runBuild(options);
  });
}
