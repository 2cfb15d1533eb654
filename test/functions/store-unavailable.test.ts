/**
 * A store that is out of reach, locked or timed out gives 503 with Retry-After
 * and a page (or JSON) saying the members area is briefly unavailable; a lost
 * connection is dropped and the next request is served again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { call, createAccount, logIn, SITE } from './support.ts';
import { createTestSchema, ENGINES, openTestStore, type TestStore } from '../server/support.ts';
import { readConfig, setConfig } from '../../src/server/config.ts';
import { sql } from 'kysely';
import { closeDb, getDb } from '../../src/server/store/db.ts';
import { StoreUnavailableError } from '../../src/server/store/unavailable.ts';
import { migrations } from '../../src/server/store/migrations.ts';

const members = (await import('../../functions/members.ts')).default;
const login = (await import('../../functions/login.ts')).default;

// Each 503 and each lost connection logs one line; the tests read them here.
const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
const logged = () => errors.mock.calls.flat().join('\n');
afterEach(() => errors.mockClear());
afterAll(() => errors.mockRestore());

/** What support.ts gives the functions: the site's URL and its sealed pages. */
const FUNCTION_ENV = { SITE_URL: SITE, SEALED_DIR: process.env.SEALED_DIR! };

const getPage = (cookie?: string, json = false) =>
  call(members, { method: 'GET', path: '/members/', cookie, json });

async function expectUnavailable(res: Response, json = false): Promise<void> {
  expect(res.status).toBe(503);
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(res.headers.get('cache-control')).toBe('private, no-store');
  if (json) {
    const body: unknown = await res.json();
    expect(body).toHaveProperty('ok', false);
    expect(body).toHaveProperty('error', expect.stringContaining('try again in a minute'));
  } else {
    const html = await res.text();
    expect(html).toContain('<h1>The members area is briefly unavailable</h1>');
    expect(html).toContain('try again in a minute');
  }
}

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('a PostgreSQL server nobody answers on', () => {
  let cookie: string;

  beforeAll(async () => {
    const account = await createAccount('confirmed');
    cookie = await logIn(account.username, account.password);
    await closeDb();
    const port = await closedPort();
    setConfig(
      readConfig({
        ...FUNCTION_ENV,
        DATA_DIR: process.env.DATA_DIR,
        DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/members`,
      }),
    );
  });
  afterAll(async () => {
    await closeDb();
    setConfig(undefined);
  });

  it('answers a signed-in member 503 with Retry-After, as a page or as JSON', async () => {
    await expectUnavailable(await getPage(cookie));
    await expectUnavailable(await getPage(cookie, true), true);
    expect(logged()).toMatch(/store unavailable \(unreachable\)/);
  });

  it('still sends a visitor without a session to log in, without touching the store', async () => {
    const res = await getPage();
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login/?next=%2Fmembers%2F');
  });

  it('answers a login attempt 503, not 500', async () => {
    const res = await call(login, {
      body: { username: 'someone', password: 'whatever-it-is' },
      json: true,
    });
    await expectUnavailable(res, true);
  });
});

describe.each(ENGINES)('a store that is locked by another client on %s', (engine) => {
  let store: TestStore;
  let cookie: string;

  beforeAll(async () => {
    store = await openTestStore(engine, { ...FUNCTION_ENV, DATABASE_LOCK_TIMEOUT_MS: '300' });
    const account = await createAccount('confirmed');
    cookie = await logIn(account.username, account.password);
  });
  afterAll(async () => {
    await store.close();
  });

  it('answers 503 while the lock is held and serves the page once it is released', async () => {
    const release = await holdLock(engine, store);
    try {
      const res =
        engine === 'postgres'
          ? await getPage(cookie)
          : // SQLite readers never wait on a writer in WAL mode: a sign-in writes.
            await call(login, {
              body: { username: 'someone', password: 'whatever-it-is' },
              json: true,
            });
      await expectUnavailable(res, engine === 'sqlite');
    } finally {
      await release();
    }
    expect((await getPage(cookie)).status).toBe(200);
    expect(logged()).toMatch(
      engine === 'postgres' ? /store unavailable \(timeout\).*55P03/ : /\(busy\).*SQLITE_BUSY/,
    );
  });
});

/** Takes the lock another client would hold: the sessions table (Postgres) or the write lock (SQLite). */
async function holdLock(
  engine: 'sqlite' | 'postgres',
  store: TestStore,
): Promise<() => Promise<void>> {
  if (engine === 'postgres') {
    const client = new pg.Client({ connectionString: store.config.databaseUrl });
    await client.connect();
    await client.query('begin');
    await client.query('lock table sessions in access exclusive mode');
    return async () => {
      await client.query('rollback');
      await client.end();
    };
  }
  const { openSqlite, sqliteFile } = await import('../../src/server/store/db.ts');
  const other = await openSqlite(sqliteFile(store.dataDir));
  other.exec('begin immediate');
  return () => {
    other.exec('rollback');
    other.close();
    return Promise.resolve();
  };
}

describe.skipIf(!process.env.TEST_DATABASE_URL)(
  'a PostgreSQL database that is not there (dropped or renamed under the running site)',
  () => {
    let cookie: string;

    beforeAll(async () => {
      const account = await createAccount('confirmed');
      cookie = await logIn(account.username, account.password);
      await closeDb();
      const url = new URL(process.env.TEST_DATABASE_URL!);
      url.pathname = `/no_such_database_${process.pid}`;
      setConfig(
        readConfig({
          ...FUNCTION_ENV,
          DATA_DIR: process.env.DATA_DIR,
          DATABASE_URL: url.toString(),
        }),
      );
    });
    afterAll(async () => {
      await closeDb();
      setConfig(undefined);
    });

    it('answers a signed-in member and a login attempt 503 with Retry-After, not 500', async () => {
      await expectUnavailable(await getPage(cookie));
      const res = await call(login, {
        body: { username: 'someone', password: 'whatever-it-is' },
        json: true,
      });
      await expectUnavailable(res, true);
      expect(logged()).toMatch(/store unavailable \(unreachable\)/);
    });
  },
);

describe.skipIf(!process.env.TEST_DATABASE_URL)(
  'PostgreSQL connections that are terminated',
  () => {
    let store: TestStore;
    let cookie: string;
    const appName = `store-test-${process.pid}`;

    beforeAll(async () => {
      store = await openTestStore('postgres', FUNCTION_ENV);
      // Name this process's pool so only its connections are terminated.
      const url = new URL(store.config.databaseUrl!);
      url.searchParams.set('application_name', appName);
      await closeDb();
      setConfig({ ...store.config, databaseUrl: url.toString() });
      const account = await createAccount('confirmed');
      cookie = await logIn(account.username, account.password);
    });
    afterAll(async () => {
      await store.close();
    });

    async function terminateOurConnections(): Promise<number> {
      const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
      await admin.connect();
      try {
        const { rows } = await admin.query(
          'select pg_terminate_backend(pid) as done from pg_stat_activity where application_name = $1',
          [appName],
        );
        return rows.length;
      } finally {
        await admin.end();
      }
    }

    it('keeps the process alive, logs the lost idle connection and serves the next request', async () => {
      expect((await getPage(cookie)).status).toBe(200);
      expect(await terminateOurConnections()).toBeGreaterThan(0);
      await vi.waitFor(() =>
        expect(logged()).toMatch(/idle PostgreSQL connection was lost \(57P01/),
      );
      expect((await getPage(cookie)).status).toBe(200);
    });

    it('survives losing a connection that a transaction holds, failing only that transaction', async () => {
      const outcome = await getDb()
        .transaction()
        .execute(async (trx) => {
          await sql`select 1`.execute(trx);
          expect(await terminateOurConnections()).toBeGreaterThan(0);
          // The connection is checked out and idle when the server ends it.
          await vi.waitFor(() => expect(logged()).toBe(''), { timeout: 200 }).catch(() => {});
          return sql`select 1`.execute(trx);
        })
        .catch((error: unknown) => error);
      expect(outcome).toBeInstanceOf(StoreUnavailableError);
      expect((outcome as StoreUnavailableError).reason).toBe('unreachable');
      expect((await getPage(cookie)).status).toBe(200);
    });

    it('serves again after every connection is terminated twice in a row', async () => {
      for (let round = 0; round < 2; round++) {
        expect((await getPage(cookie)).status).toBe(200);
        await terminateOurConnections();
        await vi.waitFor(() => expect(errors).toHaveBeenCalled());
        errors.mockClear();
      }
      expect((await getPage(cookie)).status).toBe(200);
    });
  },
);

/** Runs one statement on the test store's database outside the process-wide store. */
async function runRaw(engine: 'sqlite' | 'postgres', store: TestStore, statement: string) {
  if (engine === 'postgres') {
    const client = new pg.Client({ connectionString: store.config.databaseUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
    return;
  }
  const { openSqlite, sqliteFile } = await import('../../src/server/store/db.ts');
  const other = await openSqlite(sqliteFile(store.dataDir));
  try {
    other.exec(statement);
  } finally {
    other.close();
  }
}

describe.each(ENGINES)('a store whose schema is older than the code on %s', (engine) => {
  let store: TestStore;
  let cookie: string;
  const latest = Object.keys(migrations).at(-1)!;

  beforeAll(async () => {
    store = await openTestStore(engine, FUNCTION_ENV);
    const account = await createAccount('confirmed');
    cookie = await logIn(account.username, account.password);
    await runRaw(engine, store, `delete from kysely_migration where name = '${latest}'`);
    // A new process-wide store, as in a fresh function instance.
    await closeDb();
  });
  afterAll(() => store.close());

  it('answers 503 and logs which migration is missing, then serves once it has run, checking once', async () => {
    const refused = await getPage(cookie);
    await expectUnavailable(refused);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(logged()).toContain(`store unavailable (schema)`);
    expect(logged()).toContain(`migration ${latest} has not run`);

    await runRaw(
      engine,
      store,
      `insert into kysely_migration (name, timestamp) values ('${latest}', '2026-12-01T00:00:00.000Z')`,
    );
    expect((await getPage(cookie)).status).toBe(200);
    // Known current for the rest of the process: the check does not run again.
    await runRaw(engine, store, `delete from kysely_migration where name = '${latest}'`);
    expect((await getPage(cookie)).status).toBe(200);
  });
});

describe.each(ENGINES)('a store that was never migrated on %s', (engine) => {
  let cookie: string;
  let empty: { dataDir: string; schema?: { url: string; drop(): Promise<void> } };

  beforeAll(async () => {
    const account = await createAccount('confirmed');
    cookie = await logIn(account.username, account.password);
    empty = { dataDir: mkdtempSync(path.join(os.tmpdir(), 'unmigrated-')) };
    if (engine === 'postgres') empty.schema = await createTestSchema();
    await closeDb();
    setConfig(
      readConfig({
        ...FUNCTION_ENV,
        DATA_DIR: empty.dataDir,
        ...(empty.schema ? { DATABASE_URL: empty.schema.url } : {}),
      }),
    );
  });
  afterAll(async () => {
    await closeDb();
    setConfig(undefined);
    await empty.schema?.drop();
    rmSync(empty.dataDir, { recursive: true, force: true });
  });

  it('answers 503 and says the migrations have not run', async () => {
    await expectUnavailable(await getPage(cookie, true), true);
    expect(logged()).toMatch(/store unavailable \(schema\).*no migrations table/);
  });
});
