import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTestSchema } from './support.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * Runs, in a fresh process where `better-sqlite3` cannot be imported (as in a
 * deploy bundle without it), every function module's import and one query on
 * the store `env` names.
 */
function queryWithoutSqliteDriver(
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--import',
        './test/fixtures/probes/without-better-sqlite3.mjs',
        'test/fixtures/probes/store-query.ts',
      ],
      { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('the SQLite driver is loaded only by a SQLite store', () => {
  it('needs better-sqlite3 for a SQLite store', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'driver-probe-'));
    try {
      const result = await queryWithoutSqliteDriver({ DATA_DIR: dataDir, DATABASE_URL: '' });
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain('better-sqlite3 is not in this bundle');
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)(
    'loads every function, migrates and queries PostgreSQL without better-sqlite3',
    async () => {
      const schema = await createTestSchema();
      try {
        const result = await queryWithoutSqliteDriver({ DATABASE_URL: schema.url });
        expect(result.stderr).toBe('');
        expect(result).toMatchObject({ code: 0, stdout: 'ok\n' });
      } finally {
        await schema.drop();
      }
    },
  );
});
