/**
 * Wraps a Kysely dialect so that every way the database can fail a request
 * reaches the caller as a `StoreUnavailableError` (see unavailable.ts), a NUL
 * character in a parameter as an `UnstorableTextError` (see unstorable-text.ts), each new
 * connection gets its session settings before first use, transactions open
 * with the engine's own statement, a locked SQLite file is waited for on a
 * timer rather than by blocking the thread, and the schema is checked against
 * the code's latest migration once per process.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import { classifyStoreError, rethrowClassified, StoreUnavailableError } from './unavailable.ts';
import { assertStorableParameters } from './unstorable-text.ts';

/** What the wrapper does besides classifying errors. */
export interface GuardOptions {
  /** Statements run once on each new connection (PostgreSQL session settings). */
  prepareConnection?: (connection: DatabaseConnection) => Promise<void>;
  /** The newest migration this code needs; its absence makes the store unavailable. */
  latestMigration: string;
  /** The statement that opens a transaction, where the driver's own `begin` is not the one wanted. */
  beginStatement?: string;
  /** Waiting for a lock another process holds, where the driver would otherwise fail or block. */
  lockWait?: LockWait;
}

/**
 * How a statement outside a transaction (a transaction's `begin` included)
 * waits for a lock: it is run again on a timer until `timeoutMs` has passed,
 * and the thread serves other requests meanwhile (those that need the store
 * queue for its connection). Inside a transaction nothing is run again: a
 * failed statement there means the transaction must roll back.
 */
export interface LockWait {
  /** Longest wait, in milliseconds, before the statement's error stands. */
  timeoutMs: number;
  /** True when the error means another connection holds the lock. */
  isLocked(error: unknown): boolean;
}

/** The first pause between tries for a lock (ms); each try doubles it, up to the last. */
const LOCK_RETRY_FIRST_MS = 2;
const LOCK_RETRY_LONGEST_MS = 50;

/** Runs `attempt` until it succeeds, fails otherwise than on a lock, or `wait` runs out. */
async function waitingForLock<T>(wait: LockWait, attempt: () => Promise<T>): Promise<T> {
  const deadline = performance.now() + wait.timeoutMs;
  for (let pause = LOCK_RETRY_FIRST_MS; ; pause = Math.min(pause * 2, LOCK_RETRY_LONGEST_MS)) {
    try {
      return await attempt();
    } catch (error) {
      const left = deadline - performance.now();
      if (!wait.isLocked(error) || left <= 0) throw error;
      await sleep(Math.min(pause, left));
    }
  }
}

/** Per-store state: whether this process already knows the schema is current. */
interface GuardState {
  schemaCurrent: boolean;
}

const states = new WeakMap<object, GuardState>();

/**
 * Tells the guard this process is bringing the schema up to date itself (the
 * migration runner), so its queries pass the schema check.
 */
export function markSchemaCurrent(db: object, current = true): void {
  const state = states.get(db);
  if (state) state.schemaCurrent = current;
}

/** Registers a store made over a guarded dialect, so `markSchemaCurrent` can find its state. */
export function attachGuard(db: object, dialect: GuardedDialect): void {
  states.set(db, dialect.state);
}

async function checkSchema(connection: DatabaseConnection, latest: string): Promise<void> {
  // A name from our own code, checked, so the one query reads the same on both engines.
  if (!/^[\w-]+$/.test(latest)) throw new Error(`unexpected migration name "${latest}"`);
  let rows: unknown[];
  try {
    const found = await connection.executeQuery(
      CompiledQuery.raw(`select name from kysely_migration where name = '${latest}'`),
    );
    rows = found.rows;
  } catch (error) {
    const unavailable = classifyStoreError(error);
    if (unavailable) throw unavailable;
    throw new StoreUnavailableError(
      'schema',
      `the database has no migrations table (${error instanceof Error ? error.message : String(error)}); run the migrations (npm run members -- migrate) against it`,
      { cause: error },
    );
  }
  if (rows.length === 0) {
    throw new StoreUnavailableError(
      'schema',
      `the database schema is older than this code: migration ${latest} has not run; run the migrations (npm run members -- migrate) against it`,
    );
  }
}

/** Awaits `work`, rethrowing a store failure as `StoreUnavailableError`. */
async function classified<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    return rethrowClassified(error);
  }
}

/** A connection whose failures are classified; the inner one is what the driver releases. */
class GuardedConnection implements DatabaseConnection {
  /** Set between the driver's begin and its commit or rollback. */
  inTransaction = false;

  constructor(
    readonly inner: DatabaseConnection,
    private readonly lockWait?: LockWait,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    assertStorableParameters(query.parameters);
    // Not `classified(inner.executeQuery())`: Kysely's SQLite connection runs the
    // statement before returning its promise, so SQLITE_BUSY is thrown, not rejected.
    try {
      if (!this.lockWait || this.inTransaction) return await this.inner.executeQuery<R>(query);
      return await waitingForLock(this.lockWait, () => this.inner.executeQuery<R>(query));
    } catch (error) {
      return rethrowClassified(error);
    }
  }

  async *streamQuery<R>(
    query: CompiledQuery,
    chunkSize?: number,
  ): AsyncIterableIterator<QueryResult<R>> {
    assertStorableParameters(query.parameters);
    try {
      yield* this.inner.streamQuery<R>(query, chunkSize);
    } catch (error) {
      rethrowClassified(error);
    }
  }
}

function guardedOf(connection: DatabaseConnection): GuardedConnection {
  if (!(connection instanceof GuardedConnection)) throw new Error('not a connection of this store');
  return connection;
}

const innerOf = (connection: DatabaseConnection) => guardedOf(connection).inner;

const noSavepoints = () => new Error('this database driver has no savepoints');

class GuardedDriver implements Driver {
  private readonly prepared = new WeakSet<DatabaseConnection>();

  constructor(
    private readonly driver: Driver,
    private readonly options: GuardOptions,
    private readonly state: GuardState,
  ) {}

  init(): Promise<void> {
    return classified(this.driver.init());
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const connection = await classified(this.driver.acquireConnection());
    const guarded = new GuardedConnection(connection, this.options.lockWait);
    try {
      if (this.options.prepareConnection && !this.prepared.has(connection)) {
        await this.options.prepareConnection(connection);
        this.prepared.add(connection);
      }
      if (!this.state.schemaCurrent) {
        // Through the guarded connection, so a locked file is waited for here too.
        await checkSchema(guarded, this.options.latestMigration);
        this.state.schemaCurrent = true;
      }
    } catch (error) {
      // A connection that failed its set-up goes back; the pool drops it if it is broken.
      try {
        await this.driver.releaseConnection(connection);
      } catch {
        // Already broken: the pool has dropped it.
      }
      rethrowClassified(error);
    }
    return guarded;
  }

  async beginTransaction(
    connection: DatabaseConnection,
    settings: TransactionSettings,
  ): Promise<void> {
    const guarded = guardedOf(connection);
    const { beginStatement } = this.options;
    // Through the guarded connection, so a locked file is waited for and errors classified.
    if (beginStatement) await guarded.executeQuery(CompiledQuery.raw(beginStatement));
    else await classified(this.driver.beginTransaction(guarded.inner, settings));
    guarded.inTransaction = true;
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.endTransaction(connection, (inner) => this.driver.commitTransaction(inner));
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.endTransaction(connection, (inner) => this.driver.rollbackTransaction(inner));
  }

  private async endTransaction(
    connection: DatabaseConnection,
    end: (inner: DatabaseConnection) => Promise<void>,
  ): Promise<void> {
    const guarded = guardedOf(connection);
    try {
      await classified(end(guarded.inner));
    } finally {
      guarded.inTransaction = false;
    }
  }

  async savepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    if (!this.driver.savepoint) throw noSavepoints();
    await classified(this.driver.savepoint(innerOf(connection), name, compile));
  }

  async rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    if (!this.driver.rollbackToSavepoint) throw noSavepoints();
    await classified(this.driver.rollbackToSavepoint(innerOf(connection), name, compile));
  }

  async releaseSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: QueryCompiler['compileQuery'],
  ): Promise<void> {
    if (!this.driver.releaseSavepoint) throw noSavepoints();
    await classified(this.driver.releaseSavepoint(innerOf(connection), name, compile));
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.driver.releaseConnection(innerOf(connection));
  }

  destroy(): Promise<void> {
    return this.driver.destroy();
  }
}

/** A dialect whose driver is guarded as described at the top of this module. */
export class GuardedDialect implements Dialect {
  readonly state: GuardState = { schemaCurrent: false };

  constructor(
    private readonly dialect: Dialect,
    private readonly options: GuardOptions,
  ) {}

  createDriver(): Driver {
    return new GuardedDriver(this.dialect.createDriver(), this.options, this.state);
  }

  createQueryCompiler() {
    return this.dialect.createQueryCompiler();
  }

  createAdapter() {
    return this.dialect.createAdapter();
  }

  createIntrospector(db: Parameters<Dialect['createIntrospector']>[0]) {
    return this.dialect.createIntrospector(db);
  }
}
