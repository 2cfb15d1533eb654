/**
 * The store: Kysely over better-sqlite3 (default) or pg (when DATABASE_URL is
 * set). Functions share one instance per process through `getDb()`.
 *
 * better-sqlite3 is imported only when a SQLite store first runs a query, so a
 * process on PostgreSQL (a deployed function) never loads the native module and
 * a bundle can leave it out.
 */
import fs from 'node:fs';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import {
  CompiledQuery,
  Kysely,
  PostgresDialect,
  SqliteDialect,
  sql,
  type DatabaseConnection,
  type SqliteDatabase,
  type Dialect,
} from 'kysely';
import { DEFAULT_STORE_LIMITS, getConfig, type ServerConfig, type StoreLimits } from '../config.ts';
import {
  attachGuard,
  GuardedDialect,
  type GuardOptions,
  type LockWait,
} from './guarded-dialect.ts';
import { migrations } from './migrations.ts';
import {
  startWalCheckpointer,
  WAL_SIZE_LIMIT_BYTES,
  type WalCheckpointer,
} from './wal-checkpointer.ts';
import type { Database as Schema } from './schema.ts';
import { errorCode } from '../../lib/error-code.ts';

/** The typed database handle every domain function uses. */
export type Db = Kysely<Schema>;

/** Which engine a handle talks to, for the few places that differ. */
export type Engine = 'sqlite' | 'postgres';

const engines = new WeakMap<object, Engine>();

/** The engine behind a handle made by `createDb`. */
export function engineOf<T>(db: Kysely<T>): Engine {
  return engines.get(db) ?? 'sqlite';
}

const PG_INT8 = 20;
const PG_FLOAT8 = 701;

/** Closes idle connections after this long, so a frozen serverless instance holds few. */
const IDLE_TIMEOUT_MS = 10_000;

/**
 * One line for a connection that failed while idle in the pool (a terminated
 * backend, a failover, a network drop). The pool has already dropped it and
 * the next query opens a new one; without this listener the process would exit.
 */
function logIdleConnectionLost(error: Error): void {
  const code = errorCode(error);
  console.error(
    `store: an idle PostgreSQL connection was lost (${typeof code === 'string' && code ? `${code} ` : ''}${error.message}); the next query opens a new one`,
  );
}

/** Session settings for each new connection, so no statement or lock wait outlives a request. */
function sessionSettings(limits: StoreLimits) {
  return async (connection: DatabaseConnection) => {
    await connection.executeQuery(
      CompiledQuery.raw(
        `select set_config('statement_timeout', $1, false), set_config('lock_timeout', $2, false), ` +
          `set_config('idle_in_transaction_session_timeout', $3, false)`,
        [
          String(limits.statementTimeoutMs),
          String(limits.lockTimeoutMs),
          String(2 * limits.statementTimeoutMs),
        ],
      ),
    );
  };
}

function createPostgres(url: string, limits: StoreLimits): Db {
  // Times are stored as bigint milliseconds, well inside Number's safe range.
  const types = {
    getTypeParser(oid: number, format?: Parameters<typeof pg.types.getTypeParser>[1]): unknown {
      if (oid === PG_INT8) return (v: string) => Number(v);
      if (oid === PG_FLOAT8) return (v: string) => Number(v);
      return pg.types.getTypeParser(oid, format);
    },
  };
  const pool = new pg.Pool({
    connectionString: url,
    max: limits.poolMax,
    connectionTimeoutMillis: limits.connectTimeoutMs,
    idleTimeoutMillis: IDLE_TIMEOUT_MS,
    keepAlive: true,
    types: types,
  });
  pool.on('error', logIdleConnectionLost);
  // The pool listens for errors only on idle clients. A client in use whose connection
  // ends would emit 'error' with no listener and end the process; its query (or the
  // next one) fails instead, and the pool drops it when it is released.
  pool.on('connect', (client) => client.on('error', () => {}));
  return guarded(new PostgresDialect({ pool }), { prepareConnection: sessionSettings(limits) });
}

/** Wraps a dialect with error classification, connection set-up and the schema check. */
function guarded(dialect: Dialect, options: Omit<GuardOptions, 'latestMigration'> = {}): Db {
  const latestMigration = Object.keys(migrations).at(-1)!;
  const wrapper = new GuardedDialect(dialect, { latestMigration, ...options });
  const db = new Kysely<Schema>({ dialect: wrapper });
  attachGuard(db, wrapper);
  return db;
}

/** The SQLite file of a store kept in `dataDir`. */
export function sqliteFile(dataDir: string): string {
  return path.join(dataDir, 'site.db');
}

/** Opens the SQLite file with the settings every connection needs (loads better-sqlite3). */
export async function openSqlite(
  file: string,
  limits: Pick<StoreLimits, 'lockTimeoutMs'> = DEFAULT_STORE_LIMITS,
  options: BetterSqlite3.Options = {},
): Promise<BetterSqlite3.Database> {
  const { default: Database } = await import('better-sqlite3');
  const database = new Database(file, { timeout: limits.lockTimeoutMs, ...options });
  database.pragma('journal_mode = WAL');
  database.pragma(`busy_timeout = ${Math.trunc(limits.lockTimeoutMs)}`);
  database.pragma('foreign_keys = ON');
  database.pragma('synchronous = NORMAL');
  return database;
}

/** Distinct statements one SQLite store keeps compiled; the least recently used one goes first. */
export const SQLITE_STATEMENT_CACHE_SIZE = 256;

/**
 * The database as Kysely's SQLite driver sees it, with `prepare` reusing a
 * compiled statement for SQL it has seen: the driver prepares every query it
 * runs, and compiling the statement cost more than running it (a session check
 * is one join on a primary key). The driver runs one query at a time on its
 * one connection, so a shared statement is never busy twice; SQLite recompiles
 * a statement itself when the schema changes under it.
 */
export function reusingStatements(
  database: BetterSqlite3.Database,
  limit = SQLITE_STATEMENT_CACHE_SIZE,
): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => database.close(),
    prepare(source: string) {
      const cached = statements.get(source);
      if (cached) {
        // Most recently used last, so the first key is the one to evict.
        statements.delete(source);
        statements.set(source, cached);
        return cached;
      }
      const statement = database.prepare(source);
      statements.set(source, statement);
      if (statements.size > limit) statements.delete(statements.keys().next().value!);
      return statement;
    },
  };
}

/** How often, at most, a SQLite store checks that its file is still the one it opened. */
export const SQLITE_FILE_CHECK_MS = 250;

/**
 * Refuses queries once the store's file has been deleted or replaced: in WAL mode
 * SQLite keeps serving the open file, and every write would be lost with the
 * process. The error carries SQLite's own code for it (SQLITE_READONLY_DBMOVED),
 * so the store answers 503 until the server is restarted on the file now there.
 * Checked at most every `SQLITE_FILE_CHECK_MS`: a stat on every query cost a tenth
 * of a session check.
 */
function refusingMovedFile(database: SqliteDatabase, file: string): SqliteDatabase {
  const opened = fs.statSync(file);
  let checkedAt = Date.now();
  return {
    close: () => database.close(),
    prepare(source: string) {
      const now = Date.now();
      if (now - checkedAt >= SQLITE_FILE_CHECK_MS) {
        const current = fs.statSync(file, { throwIfNoEntry: false });
        if (!current || current.ino !== opened.ino || current.dev !== opened.dev) {
          throw Object.assign(
            new Error(
              `The store's file ${file} was deleted or replaced: restart the server to open the file there now`,
            ),
            {
              code: 'SQLITE_READONLY_DBMOVED',
            },
          );
        }
        checkedAt = now;
      }
      return database.prepare(source);
    },
  };
}

/** What a SQLite store keeps besides its connection. */
interface SqliteStore {
  /** Its log's checkpointer, once the connection is open. */
  checkpointer?: WalCheckpointer;
}

const sqliteStores = new WeakMap<object, SqliteStore>();

/** SQLite's own checkpoint threshold (pages), restored if the checkpointer stops working. */
const SQLITE_AUTOCHECKPOINT_PAGES = 1000;

/**
 * Hands the log's checkpoints to a worker thread (see wal-checkpointer.ts): the
 * connection no longer checkpoints in its commits. Should the thread fail, the
 * connection checkpoints by itself again, so the log never grows unchecked.
 */
function checkpointOffThread(database: BetterSqlite3.Database, file: string): WalCheckpointer {
  database.pragma('wal_autocheckpoint = 0');
  return startWalCheckpointer(file, {
    onFailure(error) {
      console.error(
        `store: checkpoints of ${file} moved back onto the server's thread (${error.message})`,
      );
      if (!database.open) return;
      database.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`);
      // The thread no longer cuts the log file back: the next write after a checkpoint does.
      database.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
    },
  });
}

/**
 * How a SQLite transaction opens: every one of ours writes, so it takes the
 * write lock at once, waiting for it as `sqliteLockWait` says. A deferred `begin`
 * would take it at the first write instead, and in WAL mode that fails at once,
 * without waiting, when another process has written since the transaction's
 * first read (SQLITE_BUSY_SNAPSHOT).
 */
const SQLITE_BEGIN = 'begin immediate';

/**
 * A SQLite store waits for another process's lock on a timer, up to the lock
 * timeout, so the server goes on answering what needs no store meanwhile
 * (queries queue for the one connection): SQLite's own wait (`busy_timeout`)
 * sleeps the thread, which is the whole server's.
 */
function sqliteLockWait(limits: StoreLimits): LockWait {
  return {
    timeoutMs: limits.lockTimeoutMs,
    isLocked: (error) => String(errorCode(error)).startsWith('SQLITE_BUSY'),
  };
}

function createSqlite(dataDir: string, limits: StoreLimits): Db {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = sqliteFile(dataDir);
  const store: SqliteStore = {};
  const db = guarded(
    new SqliteDialect({
      database: async () => {
        const database = await openSqlite(file, limits);
        // The guard waits for locks instead (see sqliteLockWait).
        database.pragma('busy_timeout = 0');
        const checkpointer = checkpointOffThread(database, file);
        store.checkpointer = checkpointer;
        const statements = reusingStatements(database);
        return refusingMovedFile(
          {
            prepare: (source) => statements.prepare(source),
            // The store's connection closes first, so the thread's (the last) takes the final checkpoint.
            close() {
              statements.close();
              void checkpointer.close();
            },
          },
          file,
        );
      },
    }),
    { beginStatement: SQLITE_BEGIN, lockWait: sqliteLockWait(limits) },
  );
  sqliteStores.set(db, store);
  return db;
}

/**
 * Opens a new store for the given settings (tests and CLIs; functions use `getDb`).
 * Its queries fail with `StoreUnavailableError` when the database is out of reach,
 * timed out, locked, or older than the code's latest migration (until
 * `migrateToLatest` runs on it in this process).
 */
export function createDb(
  config: Pick<ServerConfig, 'dataDir' | 'databaseUrl'> &
    Partial<Pick<ServerConfig, 'storeLimits'>>,
): Db {
  const limits = config.storeLimits ?? DEFAULT_STORE_LIMITS;
  const db = config.databaseUrl
    ? createPostgres(config.databaseUrl, limits)
    : createSqlite(config.dataDir, limits);
  engines.set(db, config.databaseUrl ? 'postgres' : 'sqlite');
  return db;
}

let shared: Db | undefined;

/** The process-wide store, opened on first use from `getConfig()`. */
export function getDb(): Db {
  shared ??= createDb(getConfig());
  return shared;
}

/** Closes the process-wide store (the next `getDb()` opens a new one), and its checkpointer thread. */
export async function closeDb(): Promise<void> {
  const db = shared;
  shared = undefined;
  if (!db) return;
  await db.destroy();
  await sqliteStores.get(db)?.checkpointer?.close();
}

/** The checkpointer of a SQLite store whose connection is open (none for PostgreSQL). */
export function walCheckpointerOf(db: Db): WalCheckpointer | undefined {
  return sqliteStores.get(db)?.checkpointer;
}

/** Page cache, in KiB, of a SQLite store while a large transaction runs (SQLite's own default). */
export const LARGE_TRANSACTION_CACHE_KIB = 2000;

/**
 * Runs `fn` in one transaction that writes much (a whole roll): all of it
 * commits or none of it does. On SQLite the page cache is kept small while it
 * runs, so changed pages go to the log as its statements run rather than all
 * in the COMMIT (which holds the event loop for as long as it writes); once it
 * ends, the checkpointer copies the log into the database file, off the event
 * loop. On PostgreSQL it is a plain transaction.
 */
export async function runLargeTransaction<T>(db: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
  const store = sqliteStores.get(db);
  if (!store) return db.transaction().execute(fn);
  const { rows } = await sql<{ cache_size: number }>`pragma cache_size`.execute(db);
  const cacheSize = Math.trunc(rows[0]?.cache_size ?? -LARGE_TRANSACTION_CACHE_KIB);
  await sql.raw(`pragma cache_size = ${-LARGE_TRANSACTION_CACHE_KIB}`).execute(db);
  try {
    return await db.transaction().execute(fn);
  } finally {
    await sql
      .raw(`pragma cache_size = ${cacheSize}`)
      .execute(db)
      .catch(() => {});
    void store.checkpointer?.checkpoint();
  }
}

/** True when an error is a unique-constraint violation on either engine. */
export function isUniqueViolation(error: unknown): boolean {
  const code = errorCode(error);
  return (
    code === '23505' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}
