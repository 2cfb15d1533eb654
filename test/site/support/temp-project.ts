import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { root } from './dist';

const copied = ['src', 'content', 'astro.config.mjs', 'tsconfig.json', 'package.json'];

/** A throwaway copy of the site's sources, to build with changed content. */
export interface TempProject {
  dir: string;
  /** Writes a file relative to the copy's root. */
  write(relativePath: string, text: string): void;
  /** Runs `astro build` in the copy: exit code and combined output. */
  build(): Promise<{ code: number | null; output: string }>;
  remove(): void;
}

/**
 * Copies the sources to a temp folder (node_modules symlinked). `without` drops
 * paths from the copy, e.g. the CMS page, whose bundle a test does not need.
 */
export function createTempProject(prefix: string, without: string[] = []): TempProject {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  for (const name of copied)
    cpSync(path.join(root, name), path.join(dir, name), { recursive: true });
  for (const name of without) rmSync(path.join(dir, name), { recursive: true, force: true });
  symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  // Astro caches content in node_modules/.astro by default: keep this build's cache apart.
  writeFileSync(
    path.join(dir, 'astro.test.config.mjs'),
    "import config from './astro.config.mjs';\nexport default { ...config, cacheDir: './.astro-cache' };\n",
  );
  return {
    dir,
    write: (relativePath, text) => writeFileSync(path.join(dir, relativePath), text),
    build: () => buildIn(dir),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function buildIn(cwd: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['node_modules/astro/astro.js', 'build', '--config', 'astro.test.config.mjs'],
      {
        cwd,
        env: { ...process.env, NODE_ENV: 'production', NO_COLOR: '1', FORCE_COLOR: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => resolve({ code, output }));
  });
}
