/**
 * Migrations as a deploy step: the store brought to the schema the new
 * functions expect, before they go live. Two deploys may build at once, so on
 * PostgreSQL the whole run holds a session-level advisory lock
 * (https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS):
 * the second waits, then finds nothing left to do. The lock lives on a
 * connection of its own, so the store's pool size does not matter.
 */
import pg from 'pg';
import { createDb } from '../../src/server/store/db.ts';
import { migrateToLatest } from '../../src/server/store/migrations.ts';

/** The advisory lock's key: any fixed bigint this application owns. */
export const MIGRATION_LOCK_KEY = 7_302_914_551n;

/** Applies every pending migration to the PostgreSQL store at `databaseUrl`; returns their names. */
export async function migrateWithLock(databaseUrl: string): Promise<string[]> {
  const lock = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 10_000 });
  await lock.connect();
  try {
    await lock.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
    const db = createDb({ databaseUrl, dataDir: '' });
    try {
      const result = await migrateToLatest(db);
      return (result.results ?? [])
        .filter((r) => r.status === 'Success')
        .map((r) => r.migrationName);
    } finally {
      await db.destroy();
    }
  } finally {
    // Ending the session releases the lock even if the unlock itself fails.
    await lock
      .query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY.toString()])
      .catch(() => {});
    await lock.end();
  }
}
