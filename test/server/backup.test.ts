import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig, setConfig } from '../../src/server/config.ts';
import { closeDb, getDb, sqliteFile } from '../../src/server/store/db.ts';
import { migrateToLatest } from '../../src/server/store/migrations.ts';
import { seedUser } from './support.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

function members(dataDir: string, env: Record<string, string>, ...args: string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/members.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts a writer process on the store and resolves once it has committed. */
function startWriter(file: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/fixtures/probes/sqlite-writer.ts', file],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    child.stdout.once('data', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`writer exited with ${code}`)));
  });
}

describe('backing up the SQLite store', () => {
  let dir: string;
  let dataDir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'backup-test-'));
    dataDir = path.join(dir, 'data');
    setConfig(readConfig({ DATA_DIR: dataDir }));
    await migrateToLatest(getDb());
    await seedUser(getDb(), { username: 'kept.member' });
    await closeDb();
    setConfig(undefined);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('makes a consistent, self-contained copy while another process keeps writing', async () => {
    const writer = await startWriter(sqliteFile(dataDir));
    let result;
    try {
      result = await members(dataDir, {}, 'backup', path.join(dir, 'copy.db'));
    } finally {
      writer.kill();
    }
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Backed up the store to .*copy\.db \(\d+ bytes\)\.\n$/);
    expect(fs.existsSync(path.join(dir, 'copy.db-wal'))).toBe(false);
    expect(fs.readdirSync(dir).filter((f) => f.includes('partial'))).toEqual([]);

    const copy = new Database(path.join(dir, 'copy.db'), { readonly: true, fileMustExist: true });
    try {
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      const count = (prefix: string) =>
        (
          copy
            .prepare(`select count(*) as n from rate_limits where key like ?`)
            .get(`${prefix}:%`) as {
            n: number;
          }
        ).n;
      // Every transaction the copy holds, it holds whole.
      expect(count('a')).toBeGreaterThan(0);
      expect(count('a')).toBe(count('b'));
      expect(copy.prepare('select username from users').all()).toEqual([
        { username: 'kept.member' },
      ]);
    } finally {
      copy.close();
    }
  });

  it('restores by copying the backup into place as site.db', async () => {
    const restored = path.join(dir, 'restored');
    fs.mkdirSync(restored);
    fs.copyFileSync(path.join(dir, 'copy.db'), sqliteFile(restored));
    const listed = await members(restored, {}, 'list');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('kept.member');
  });

  it('refuses to overwrite a file, or to write where no folder exists', async () => {
    const existing = await members(dataDir, {}, 'backup', path.join(dir, 'copy.db'));
    expect(existing).toMatchObject({ code: 2 });
    expect(existing.stderr).toMatch(/copy\.db already exists: give a new file name/);
    const nowhere = await members(dataDir, {}, 'backup', path.join(dir, 'no/such/folder/x.db'));
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toMatch(/folder .* does not exist/);
    expect((await members(dataDir, {}, 'backup')).stderr).toMatch(/Name the backup file/);
  });

  it('points a PostgreSQL store to pg_dump and point-in-time recovery', async () => {
    const result = await members(
      dataDir,
      { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' },
      'backup',
      path.join(dir, 'pg.db'),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/pg_dump --format=custom/);
    expect(result.stderr).toMatch(/point-in-time recovery/);
    expect(fs.existsSync(path.join(dir, 'pg.db'))).toBe(false);
  });
});
