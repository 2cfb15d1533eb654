/**
 * A SQLite transaction takes the write lock when it starts, so a change that
 * reads and then writes never loses its write to another process that wrote
 * in between (WAL mode would refuse that write at once, SQLITE_BUSY_SNAPSHOT).
 */
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { openSqlite, sqliteFile } from '../../src/server/store/db.ts';
import { seedUser, useTestStore } from './support.ts';

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

  it('waits for another process’s write to end, then reads what it wrote', async () => {
    const id = await seedUser(store.db, { username: 'lock_waiter', firstName: 'Before' });
    // A thread of its own, as another process would be: the store's wait for the lock blocks this one.
    const other = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');
       const db = new (require('better-sqlite3'))(workerData.file);
       db.exec('begin immediate');
       db.prepare("update users set first_name = 'After' where id = ?").run(workerData.id);
       parentPort.postMessage('locked');
       Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
       db.exec('commit');
       db.close();`,
      { eval: true, workerData: { file: sqliteFile(store.dataDir), id } },
    );
    const exited = once(other, 'exit');
    await once(other, 'message');
    const seen = await store.db
      .transaction()
      .execute((trx) =>
        trx.selectFrom('users').select('first_name').where('id', '=', id).executeTakeFirst(),
      );
    expect(seen).toEqual({ first_name: 'After' });
    await exited;
  });
});
