import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const copied = ['src', 'content', 'astro.config.mjs', 'tsconfig.json', 'package.json'];

/** Runs `astro build` in `cwd` and resolves with its exit code and combined output. */
function buildIn(cwd: string, config: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['node_modules/astro/astro.js', 'build', '--config', config],
      {
        cwd,
        env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('a news entry with an impossible date', () => {
  let dir = '';
  let result: { code: number | null; output: string };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'frontmatter-errors-'));
    for (const name of copied)
      cpSync(path.join(root, name), path.join(dir, name), { recursive: true });
    symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    // Astro caches content in node_modules/.astro by default: keep this build's cache apart.
    writeFileSync(
      path.join(dir, 'astro.test.config.mjs'),
      "import config from './astro.config.mjs';\nexport default { ...config, cacheDir: './.astro-cache' };\n",
    );
    writeFileSync(
      path.join(dir, 'content/news/broken-date.md'),
      '---\ntitle: An article with a typing slip\ndate: 2024-13-45\nsummary: The month and day do not exist.\n---\n\nBody.\n',
    );
    result = await buildIn(dir, 'astro.test.config.mjs');
  }, 90_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('fails the build', () => {
    expect(result.code).not.toBe(0);
  });

  it('names the file that needs fixing', () => {
    expect(result.output).toMatch(/content\/news\/broken-date\.md/);
  });

  it('names the field and says what a valid date looks like', () => {
    expect(result.output).toMatch(/\bdate\b[^\n]*Use a real date in the form YYYY-MM-DD/);
  });
});
