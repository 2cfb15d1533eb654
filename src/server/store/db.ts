/**
 * The store: Kysely over better-sqlite3 (default) or pg (when DATABASE_URL is
 * set). Functions share one instance per process through `getDb()`.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { errorCode } from '../../lib/error-code.ts';
import { getConfig, type ServerConfig } from '../config.ts';
import type { Database as Schema } from './schema.ts';

/** The typed database handle every domain function uses. */
export type Db = Kysely<Schema>;

/** Which engine a handle talks to, for the few places that differ. */
export type Engine = 'sqlite' | 'postgres';

const engines = new WeakMap<object, Engine>();

/** The engine behind a handle made by `createDb`. */
export function engineOf(db: object): Engine {
  return engines.get(db) ?? 'sqlite';
}

const PG_INT8 = 20;
const PG_FLOAT8 = 701;

function createPostgres(url: string): Db {
  // Times are stored as bigint milliseconds, well inside Number's safe range.
  const types = {
    getTypeParser(oid: number, format?: Parameters<typeof pg.types.getTypeParser>[1]): unknown {
      if (oid === PG_INT8) return (v: string) => Number(v);
      if (oid === PG_FLOAT8) return (v: string) => Number(v);
      return pg.types.getTypeParser(oid, format);
    },
  };
  const pool = new pg.Pool({ connectionString: url, max: 10, types: types });
  return new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
}

function createSqlite(dataDir: string): Db {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = new Database(path.join(dataDir, 'site.db'));
  file.pragma('journal_mode = WAL');
  file.pragma('busy_timeout = 5000');
  file.pragma('foreign_keys = ON');
  file.pragma('synchronous = NORMAL');
  return new Kysely<Schema>({ dialect: new SqliteDialect({ database: file }) });
}

/** Opens a new store for the given settings (tests and CLIs; functions use `getDb`). */
export function createDb(config: Pick<ServerConfig, 'dataDir' | 'databaseUrl'>): Db {
  const db = config.databaseUrl ? createPostgres(config.databaseUrl) : createSqlite(config.dataDir);
  engines.set(db, config.databaseUrl ? 'postgres' : 'sqlite');
  return db;
}

let shared: Db | undefined;

/** The process-wide store, opened on first use from `getConfig()`. */
export function getDb(): Db {
  shared ??= createDb(getConfig());
  return shared;
}

/** Closes the process-wide store (the next `getDb()` opens a new one). */
export async function closeDb(): Promise<void> {
  const db = shared;
  shared = undefined;
  await db?.destroy();
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
