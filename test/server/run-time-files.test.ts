/**
 * Run-time files (the common-password list, the sealed pages) are found from
 * the code, whatever the working directory: from source in this repository,
 * and from a function bundled into one file at the root of its zip.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const PROBE = path.join(ROOT, 'test/fixtures/probes/run-time-files.ts');
const run = promisify(execFile);
/** tsx's loader by absolute path: the working directory is elsewhere. */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

interface Found {
  commonPasswords: number;
  sealedDir: string;
  page: string | null;
}

/** Runs a script with a working directory that holds nothing of the project. */
async function runElsewhere(args: string[]): Promise<Found> {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'elsewhere-'));
  try {
    const env = { ...process.env };
    delete env.SEALED_DIR;
    const { stdout } = await run(process.execPath, args, { cwd, env });
    return JSON.parse(stdout) as Found;
  } finally {
    fs.rmSync(cwd, { recursive: true, force: true });
  }
}

describe('run-time files found from the code', () => {
  let work: string;

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'run-time-files-'));
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  it('finds the project’s files when run from source in another working directory', async () => {
    const found = await runElsewhere(['--import', TSX, PROBE]);
    expect(found.commonPasswords).toBe(3000);
    expect(found.sealedDir).toBe(path.join(ROOT, 'sealed'));
  });

  it('finds sealed/ and data/ beside a bundle at the root of its folder', async () => {
    // The layout of a function's zip: one bundled file with the included files beside it.
    const zip = path.join(work, 'zip');
    await build({
      entryPoints: [PROBE],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: path.join(zip, 'probe.mjs'),
      logLevel: 'silent',
    });
    fs.mkdirSync(path.join(zip, 'data'));
    fs.copyFileSync(
      path.join(ROOT, 'data/common-passwords.txt'),
      path.join(zip, 'data/common-passwords.txt'),
    );
    fs.mkdirSync(path.join(zip, 'sealed/members'), { recursive: true });
    fs.writeFileSync(path.join(zip, 'sealed/members/index.html'), '<h1>bundled members page</h1>');

    const found = await runElsewhere([path.join(zip, 'probe.mjs')]);
    expect(found).toEqual({
      commonPasswords: 3000,
      sealedDir: path.join(zip, 'sealed'),
      page: '<h1>bundled members page</h1>',
    });
  });
});
