import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { readConfig, setConfig } from '../../src/server/config.ts';
import {
  closeDb,
  createDb,
  getDb,
  openSqlite,
  sqliteFile,
  walCheckpointerOf,
  type Db,
} from '../../src/server/store/db.ts';
import { migrateToLatest } from '../../src/server/store/migrations.ts';
import {
  runningWalCheckpointers,
  startWalCheckpointer,
  WAL_SIZE_LIMIT_BYTES,
} from '../../src/server/store/wal-checkpointer.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'wal-checkpointer-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let dirs = 0;
const freshDir = () => path.join(root, String(dirs++));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const walBytes = (file: string) => statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0;
const MIB = 1024 * 1024;
const run = promisify(execFile);

/** A migrated store in a fresh folder, with a table to fill. */
async function openStore(): Promise<{ db: Db; file: string }> {
  const dataDir = freshDir();
  const db = createDb({ dataDir, databaseUrl: '' });
  await migrateToLatest(db);
  await sql`create table filler (data blob)`.execute(db);
  return { db, file: sqliteFile(dataDir) };
}

/** Commits about half a mebibyte. */
const writeHalfMib = (db: Db) =>
  sql`insert into filler values (randomblob(${MIB / 2}))`.execute(db).then(() => undefined);

describe('checkpointing a SQLite store off the event loop', () => {
  it('leaves checkpoints to its thread: the store’s own connection never runs one in a commit', async () => {
    const { db } = await openStore();
    try {
      const { rows } = await sql<{
        wal_autocheckpoint: number;
      }>`pragma wal_autocheckpoint`.execute(db);
      expect(rows[0].wal_autocheckpoint).toBe(0);
      expect(walCheckpointerOf(db)).toBeDefined();
    } finally {
      await db.destroy();
      await walCheckpointerOf(db)?.close();
    }
  });

  it('gives the disk back after one long write, once writes pause: its thread cuts the log file', async () => {
    const file = path.join(freshDir() + '-cut.db');
    const database = await openSqlite(file);
    database.pragma('wal_autocheckpoint = 0');
    database.exec('create table filler (data blob)');
    const insert = database.prepare('insert into filler values (randomblob(?))');
    database.transaction(() => {
      for (let i = 0; i < 24; i++) insert.run(MIB / 2);
    })();
    // Turns only when asked, so the test decides what happens between two.
    const checkpointer = startWalCheckpointer(file, { everyMs: 3_600_000 });
    try {
      expect(walBytes(file)).toBeGreaterThan(12 * MIB);
      const result = await checkpointer.checkpoint();
      expect(result?.checkpointedFrames).toBe(result?.logFrames);
      // While writes go on, the file is left for them to reuse.
      for (let i = 0; i < 3; i++) {
        insert.run(16);
        await checkpointer.checkpoint();
        expect(walBytes(file)).toBeGreaterThan(12 * MIB);
      }
      // A turn with no write since the last one cuts the file.
      await checkpointer.checkpoint();
      expect(walBytes(file)).toBeLessThanOrEqual(WAL_SIZE_LIMIT_BYTES);
    } finally {
      database.close();
      await checkpointer.close();
    }
  });

  it('never waits on a reader to cut the log: it tries again on a later turn', async () => {
    const { db, file } = await openStore();
    const checkpointer = walCheckpointerOf(db)!;
    const reader = await openSqlite(file);
    try {
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < 24; i++) await writeHalfMib(trx);
      });
      // A read transaction holds its snapshot of the log until it ends.
      reader.exec('begin');
      reader.prepare('select count(*) from filler').get();
      const started = performance.now();
      expect(await checkpointer.checkpoint()).not.toBeNull();
      expect(await checkpointer.checkpoint()).not.toBeNull();
      expect(performance.now() - started).toBeLessThan(1000);
      expect(walBytes(file)).toBeGreaterThan(12 * MIB);
      reader.exec('commit');
      await checkpointer.checkpoint();
      expect(walBytes(file)).toBeLessThanOrEqual(WAL_SIZE_LIMIT_BYTES);
    } finally {
      reader.close();
      await db.destroy();
      await checkpointer.close();
    }
  });

  it('never has the store’s own writes cut the log file (that would hold the server’s thread)', async () => {
    const { db } = await openStore();
    try {
      const limit = async () =>
        (await sql<{ journal_size_limit: number }>`pragma journal_size_limit`.execute(db)).rows[0]
          .journal_size_limit;
      expect(await limit()).toBe(-1);
    } finally {
      await db.destroy();
      await walCheckpointerOf(db)?.close();
    }
  });

  it('keeps the log bounded by checkpointing it, where it grows with every write without', async () => {
    const { db, file } = await openStore();
    const checkpointer = walCheckpointerOf(db)!;
    try {
      let largest = 0;
      for (let i = 0; i < 30; i++) {
        await writeHalfMib(db);
        largest = Math.max(largest, walBytes(file));
        const result = await checkpointer.checkpoint();
        expect(result?.checkpointedFrames).toBe(result?.logFrames);
      }
      // 15 MiB written; the log starts again from its beginning after each checkpoint.
      expect(largest).toBeLessThan(2 * MIB);
      await checkpointer.close();
      for (let i = 0; i < 30; i++) await writeHalfMib(db);
      expect(walBytes(file)).toBeGreaterThan(12 * MIB);
    } finally {
      await db.destroy();
    }
  });

  it('checkpoints on its timer, unasked', async () => {
    const dir = freshDir();
    mkdirSync(dir);
    const sizes: number[] = [];
    for (const withThread of [true, false]) {
      const file = path.join(dir, `${withThread}.db`);
      const database = await openSqlite(file);
      database.pragma('wal_autocheckpoint = 0');
      database.exec('create table filler (data blob)');
      const checkpointer = withThread ? startWalCheckpointer(file, { everyMs: 10 }) : undefined;
      let largest = 0;
      for (let i = 0; i < 20; i++) {
        database.prepare('insert into filler values (randomblob(?))').run(MIB / 2);
        largest = Math.max(largest, walBytes(file));
        await sleep(60);
      }
      sizes.push(largest);
      database.close();
      await checkpointer?.close();
    }
    const [withThread, without] = sizes;
    expect(without).toBeGreaterThan(9 * MIB);
    expect(withThread).toBeLessThan(3 * MIB);
  });

  it('ends its thread when the store closes, and the last connection removes the log', async () => {
    const before = runningWalCheckpointers();
    const { db, file } = await openStore();
    await writeHalfMib(db);
    expect(runningWalCheckpointers()).toBe(before + 1);
    expect(existsSync(`${file}-wal`)).toBe(true);
    await db.destroy();
    await walCheckpointerOf(db)!.close();
    expect(runningWalCheckpointers()).toBe(before);
    expect(existsSync(`${file}-wal`)).toBe(false);
    expect(await walCheckpointerOf(db)!.checkpoint()).toBeNull();
  });

  it('ends the process-wide store’s thread before closeDb resolves', async () => {
    const before = runningWalCheckpointers();
    setConfig(readConfig({ DATA_DIR: freshDir() }));
    try {
      await migrateToLatest(getDb());
      expect(runningWalCheckpointers()).toBe(before + 1);
      await closeDb();
      expect(runningWalCheckpointers()).toBe(before);
    } finally {
      setConfig(undefined);
    }
  });

  it('never keeps a process alive that leaves its store open', async () => {
    const dataDir = freshDir();
    const script = `
      import { createDb } from ${JSON.stringify(path.resolve('src/server/store/db.ts'))};
      import { migrateToLatest } from ${JSON.stringify(path.resolve('src/server/store/migrations.ts'))};
      import { runningWalCheckpointers } from ${JSON.stringify(path.resolve('src/server/store/wal-checkpointer.ts'))};
      const db = createDb({ dataDir: ${JSON.stringify(dataDir)}, databaseUrl: '' });
      await migrateToLatest(db);
      console.log('threads', runningWalCheckpointers());
    `;
    const file = path.join(root, `open-store-${dirs}.mjs`);
    writeFileSync(file, script);
    const { stdout } = await run(process.execPath, ['--import', 'tsx', file], {
      timeout: 20_000,
    });
    expect(stdout.trim()).toBe('threads 1');
  });

  it('stops by itself when the file is deleted under the store', async () => {
    const before = runningWalCheckpointers();
    const { db, file } = await openStore();
    try {
      rmSync(file);
      expect(await walCheckpointerOf(db)!.checkpoint()).toBeNull();
      await vi.waitFor(() => expect(runningWalCheckpointers()).toBe(before));
    } finally {
      await db.destroy().catch(() => {});
    }
  });

  it('reports a checkpoint that fails, and stops', async () => {
    const before = runningWalCheckpointers();
    const file = path.join(freshDir() + '-garbage.db');
    writeFileSync(file, Buffer.alloc(8192, 7));
    const onFailure = vi.fn();
    const checkpointer = startWalCheckpointer(file, { everyMs: 10, onFailure });
    await vi.waitFor(() => expect(onFailure).toHaveBeenCalledOnce());
    expect(onFailure.mock.calls[0][0]).toBeInstanceOf(Error);
    expect((onFailure.mock.calls[0][0] as Error).message).toMatch(/not a database/);
    await checkpointer.close();
    expect(runningWalCheckpointers()).toBe(before);
  });
});
