/**
 * A SQLite transaction takes the write lock when it starts, so a change that
 * reads and then writes never loses its write to another process that wrote
 * in between (WAL mode would refuse that write at once, SQLITE_BUSY_SNAPSHOT);
 * and a statement that finds the file locked by another process waits for it
 * on a timer, with the server's thread free, up to the lock timeout.
 */
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { openSqlite, sqliteFile } from '../../src/server/store/db.ts';
import { StoreUnavailableError } from '../../src/server/store/unavailable.ts';
import { seedUser, useTestStore } from './support.ts';

/**
 * Another process holding the write lock on `file`, in a thread of its own (a
 * wait for the lock on this thread must not hold up the holder), having set the
 * first name of user `id` to `firstName`; `release()` commits and ends it.
 */
async function holdWriteLock(file: string, id: string, firstName: string) {
  const signal = new Int32Array(new SharedArrayBuffer(4));
  const holder = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads');
     const db = new (require('better-sqlite3'))(workerData.file);
     db.exec('begin immediate');
     db.prepare('update users set first_name = ? where id = ?').run(workerData.firstName, workerData.id);
     parentPort.postMessage('locked');
     Atomics.wait(workerData.signal, 0, 0);
     db.exec('commit');
     db.close();`,
    { eval: true, execArgv: [], workerData: { file, id, firstName, signal } },
  );
  const exited = once(holder, 'exit');
  await once(holder, 'message');
  return {
    async release() {
      Atomics.store(signal, 0, 1);
      Atomics.notify(signal, 0);
      await exited;
    },
  };
}

/** Ticks of a 5 ms timer while `work` runs: none when the thread is blocked throughout. */
async function timerTicksDuring<T>(work: Promise<T>): Promise<{ result: T; ticks: number }> {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 5);
  try {
    return { result: await work, ticks };
  } finally {
    clearInterval(timer);
  }
}

describe('a transaction on the SQLite store', () => {
  const store = useTestStore('sqlite');

  /** Another process's connection, which gives up at once when the file is locked. */
  const otherProcess = () => openSqlite(sqliteFile(store.dataDir), { lockTimeoutMs: 0 });

  it('holds the write lock from its start, before its first write', async () => {
    const id = await seedUser(store.db, { username: 'lock_holder' });
    const other = await otherProcess();
    try {
      const writeFromOther = () =>
        other.prepare(`update users set first_name = 'Other' where id = ?`).run(id);
      await store.db.transaction().execute(async (trx) => {
        await trx.selectFrom('users').select('first_name').where('id', '=', id).execute();
        expect(writeFromOther).toThrow(expect.objectContaining({ code: 'SQLITE_BUSY' }));
        await trx.updateTable('users').set({ first_name: 'Ours' }).where('id', '=', id).execute();
      });
      writeFromOther();
      const row = other.prepare('select first_name from users where id = ?').get(id);
      expect(row).toEqual({ first_name: 'Other' });
    } finally {
      other.close();
    }
  });

  it('waits for another process’s write to end, with the thread free, then reads what it wrote', async () => {
    const id = await seedUser(store.db, { username: 'lock_waiter', firstName: 'Before' });
    const holder = await holdWriteLock(sqliteFile(store.dataDir), id, 'After');
    setTimeout(() => void holder.release(), 150);
    const { result, ticks } = await timerTicksDuring(
      store.db
        .transaction()
        .execute((trx) =>
          trx.selectFrom('users').select('first_name').where('id', '=', id).executeTakeFirst(),
        ),
    );
    expect(result).toEqual({ first_name: 'After' });
    expect(ticks).toBeGreaterThan(3);
  });

  it('waits the same way for a write outside a transaction', async () => {
    const id = await seedUser(store.db, { username: 'plain_writer', firstName: 'Before' });
    const holder = await holdWriteLock(sqliteFile(store.dataDir), id, 'Theirs');
    setTimeout(() => void holder.release(), 150);
    const { ticks } = await timerTicksDuring(
      store.db.updateTable('users').set({ first_name: 'Ours' }).where('id', '=', id).execute(),
    );
    expect(ticks).toBeGreaterThan(3);
    const row = await store.db
      .selectFrom('users')
      .select('first_name')
      .where('id', '=', id)
      .executeTakeFirst();
    expect(row).toEqual({ first_name: 'Ours' });
  });
});

describe('a SQLite store whose lock timeout passes', () => {
  const store = useTestStore('sqlite', { DATABASE_LOCK_TIMEOUT_MS: '150' });

  it('answers busy, leaves nothing half-written, and goes on once the lock is free', async () => {
    const id = await seedUser(store.db, { username: 'timed_out', firstName: 'Before' });
    const holder = await holdWriteLock(sqliteFile(store.dataDir), id, 'Theirs');
    try {
      const change = store.db
        .transaction()
        .execute((trx) =>
          trx.updateTable('users').set({ first_name: 'Ours' }).where('id', '=', id).execute(),
        );
      await expect(change).rejects.toThrow(StoreUnavailableError);
      await expect(change).rejects.toMatchObject({ reason: 'busy' });
    } finally {
      await holder.release();
    }
    const read = () =>
      store.db.selectFrom('users').select('first_name').where('id', '=', id).executeTakeFirst();
    expect(await read()).toEqual({ first_name: 'Theirs' });
    await store.db
      .transaction()
      .execute((trx) =>
        trx.updateTable('users').set({ first_name: 'Ours' }).where('id', '=', id).execute(),
      );
    expect(await read()).toEqual({ first_name: 'Ours' });
  });
});
