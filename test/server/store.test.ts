import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/server/store/unavailable.ts';
import { migrateToLatest, migrations } from '../../src/server/store/migrations.ts';
import { engineOf, isUniqueViolation } from '../../src/server/store/db.ts';
import { ENGINES, seedUser, useTestStore } from './support.ts';

describe.each(ENGINES)('the store on %s', (engine) => {
  const store = useTestStore(engine);

  it('runs every migration once and reports nothing left to do', async () => {
    expect(engineOf(store.db)).toBe(engine);
    const again = await migrateToLatest(store.db);
    expect(again.results).toEqual([]);
    const tables = (await store.db.introspection.getTables()).map((t) => t.name);
    for (const table of [
      'users',
      'sessions',
      'email_tokens',
      'rate_limits',
      'roll_entries',
      'roll_imports',
      'audit_log',
    ]) {
      expect(tables).toContain(table);
    }
    expect(Object.keys(migrations)[0]).toBe('0001_initial');
  });

  it('refuses a second account with the same lower-cased email or username', async () => {
    await seedUser(store.db, { username: 'Unique1', email: 'Unique1@Example.com' });
    const attempt = (username: string, email: string) =>
      seedUser(store.db, { username, email }).then(
        () => null,
        (error: unknown) => error,
      );
    expect(isUniqueViolation(await attempt('other1', 'unique1@example.com'))).toBe(true);
    expect(isUniqueViolation(await attempt('UNIQUE1', 'other1@example.com'))).toBe(true);
  });

  it('keeps times as numbers on both engines', async () => {
    const id = await seedUser(store.db, { username: 'timely', now: 1_767_225_600_123 });
    const row = await store.db
      .selectFrom('users')
      .select(['created_at'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.created_at).toBe(1_767_225_600_123);
  });

  it('deletes sessions and tokens with their user', async () => {
    const id = await seedUser(store.db, { username: 'cascade1' });
    await store.db
      .insertInto('sessions')
      .values({
        id: 'x'.repeat(26),
        user_id: id,
        secret_hash: 'ab',
        created_at: 1,
        expires_at: 2,
        absolute_expires_at: 3,
      })
      .execute();
    await store.db.deleteFrom('users').where('id', '=', id).execute();
    expect(
      await store.db.selectFrom('sessions').select('id').where('user_id', '=', id).execute(),
    ).toEqual([]);
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('PostgreSQL session settings', () => {
  // One connection, so the queries below use the connection the migrations ran on.
  const store = useTestStore('postgres', {
    DATABASE_POOL_MAX: '1',
    DATABASE_STATEMENT_TIMEOUT_MS: '1234',
    DATABASE_LOCK_TIMEOUT_MS: '567',
  });

  it('limits each connection’s statements, lock waits and idle transactions, also after migrating', async () => {
    const setting = async (name: string) =>
      (await sql<{ value: string }>`select current_setting(${name}) as value`.execute(store.db))
        .rows[0].value;
    expect(await setting('statement_timeout')).toBe('1234ms');
    expect(await setting('lock_timeout')).toBe('567ms');
    expect(await setting('idle_in_transaction_session_timeout')).toBe('2468ms');
  });

  it('cancels a statement that runs past the timeout as the store being unavailable', async () => {
    const error = await sql`select pg_sleep(3)`.execute(store.db).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as StoreUnavailableError).reason).toBe('timeout');
    expect((error as Error).message).toMatch(/^57014 /);
  });
});
