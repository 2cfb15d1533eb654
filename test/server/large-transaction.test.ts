import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import {
  engineOf,
  LARGE_TRANSACTION_CACHE_KIB,
  runLargeTransaction,
  type Db,
} from '../../src/server/store/db.ts';
import { ENGINES, useTestStore } from './support.ts';

const cacheSize = async (db: Db) =>
  (await sql<{ cache_size: number }>`pragma cache_size`.execute(db)).rows[0].cache_size;

const entry = (hmac: string) => ({
  warrant_hmac: hmac,
  surname_norm: 'smith',
  status: 'serving' as const,
});

describe.each(ENGINES)('a large transaction on %s', (engine) => {
  const store = useTestStore(engine);

  const hmacs = async () =>
    (await store.db.selectFrom('roll_entries').select('warrant_hmac').execute())
      .map((r) => r.warrant_hmac)
      .sort();

  it('commits all of its writes together', async () => {
    await store.db.deleteFrom('roll_entries').execute();
    const answer = await runLargeTransaction(store.db, async (trx) => {
      await trx.insertInto('roll_entries').values(entry('aa01')).execute();
      await trx.insertInto('roll_entries').values(entry('ab02')).execute();
      return 'done';
    });
    expect(answer).toBe('done');
    expect(await hmacs()).toEqual(['aa01', 'ab02']);
  });

  it('keeps none of its writes when it fails part-way, and passes the error on', async () => {
    await store.db.deleteFrom('roll_entries').execute();
    await store.db.insertInto('roll_entries').values(entry('0old')).execute();
    const failure = await runLargeTransaction(store.db, async (trx) => {
      await trx.deleteFrom('roll_entries').execute();
      await trx.insertInto('roll_entries').values(entry('1new')).execute();
      throw new Error('stopped part-way');
    }).catch((error: unknown) => error);
    expect((failure as Error).message).toBe('stopped part-way');
    expect(await hmacs()).toEqual(['0old']);
  });

  it.runIf(engine === 'sqlite')(
    'keeps SQLite’s page cache small while it runs, and gives it back afterwards, even after a failure',
    async () => {
      expect(engineOf(store.db)).toBe('sqlite');
      const before = await cacheSize(store.db);
      expect(before).not.toBe(-LARGE_TRANSACTION_CACHE_KIB);
      let during: number | undefined;
      await runLargeTransaction(store.db, async (trx) => {
        during = await cacheSize(trx);
      });
      expect(during).toBe(-LARGE_TRANSACTION_CACHE_KIB);
      expect(await cacheSize(store.db)).toBe(before);
      await runLargeTransaction(store.db, () => Promise.reject(new Error('no'))).catch(() => {});
      expect(await cacheSize(store.db)).toBe(before);
    },
  );
});
