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
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { getConfig, type ServerConfig } from '../config.ts';
import type { Database as Schema } from './schema.ts';

/** The typed database handle every domain function uses. */
export type Db = Kysely<Schema>;

/** Which engine a handle talks to, for the few places that differ. */
export type Engine = 'sqlite' | 'postgres';

const engines = new WeakMap<Db, Engine>();

/** The engine behind a handle made by `createDb`. */
export function engineOf(db: Kysely<any>): Engine {
  return engines.get(db as Db) ?? 'sqlite';
}

const PG_INT8 = 20;
const PG_FLOAT8 = 701;

function createPostgres(url: string): Db {
  // Times are stored as bigint milliseconds, well inside Number's safe range.
  const types = {
    getTypeParser(oid: number, format?: any) {
      if (oid === PG_INT8) return (v: string) => Number(v);
      if (oid === PG_FLOAT8) return (v: string) => Number(v);
      return pg.types.getTypeParser(oid, format);
    },
  };
  const pool = new pg.Pool({ connectionString: url, max: 10, types: types as any });
  return new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
}

/** The SQLite file of a store kept in `dataDir`. */
export function sqliteFile(dataDir: string): string {
  return path.join(dataDir, 'site.db');
}

/** Opens the SQLite file with the settings every connection needs (loads better-sqlite3). */
export async function openSqlite(
  file: string,
  options: BetterSqlite3.Options = {},
): Promise<BetterSqlite3.Database> {
  const { default: Database } = await import('better-sqlite3');
  const database = new Database(file, options);
  database.pragma('journal_mode = WAL');
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');
  database.pragma('synchronous = NORMAL');
  return database;
}

function createSqlite(dataDir: string): Db {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = sqliteFile(dataDir);
  return new Kysely<Schema>({ dialect: new SqliteDialect({ database: () => openSqlite(file) }) });
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
  const code = (error as { code?: unknown } | null)?.code;
  return (
    code === '23505' ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}
