import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createDb,
  openSqlite,
  SQLITE_FILE_CHECK_MS,
  sqliteFile,
} from '../../src/server/store/db.ts';
import { DEFAULT_STORE_LIMITS } from '../../src/server/config.ts';
import { migrateToLatest } from '../../src/server/store/migrations.ts';
import { classifyStoreError, StoreUnavailableError } from '../../src/server/store/unavailable.ts';

const withCode = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

describe('classifying store errors', () => {
  it.each([
    ['a refused connection', withCode('ECONNREFUSED'), 'unreachable'],
    ['a reset connection', withCode('ECONNRESET'), 'unreachable'],
    ['an unknown host', withCode('ENOTFOUND'), 'unreachable'],
    ['a connect attempt that timed out', withCode('ETIMEDOUT'), 'unreachable'],
    [
      'a dual-stack refusal (AggregateError)',
      Object.assign(new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')]), {
        code: 'ECONNREFUSED',
      }),
      'unreachable',
    ],
    [
      'an AggregateError whose attempts carry the code',
      new AggregateError([withCode('EHOSTUNREACH')]),
      'unreachable',
    ],
    ['a terminated backend (57P01)', withCode('57P01', 'terminating connection'), 'unreachable'],
    ['a server that is starting (57P03)', withCode('57P03'), 'unreachable'],
    ['a connection failure (08006)', withCode('08006'), 'unreachable'],
    ['too many connections (53300)', withCode('53300'), 'unreachable'],
    ['a database that does not exist (3D000)', withCode('3D000'), 'unreachable'],
    ['refused credentials (28P01)', withCode('28P01'), 'unreachable'],
    ['a role that may not connect (28000)', withCode('28000'), 'unreachable'],
    ['a statement timeout (57014)', withCode('57014'), 'timeout'],
    ['a lock timeout (55P03)', withCode('55P03'), 'timeout'],
    ['an idle-in-transaction timeout (25P03)', withCode('25P03'), 'timeout'],
    [
      'a socket closed under a query',
      new Error('Connection terminated unexpectedly'),
      'unreachable',
    ],
    [
      'a connect timeout',
      new Error('Connection terminated due to connection timeout'),
      'unreachable',
    ],
    ['a full pool', new Error('timeout exceeded when trying to connect'), 'timeout'],
    ['a busy SQLite file', withCode('SQLITE_BUSY'), 'busy'],
    ['a busy SQLite snapshot', withCode('SQLITE_BUSY_SNAPSHOT'), 'busy'],
    ['a locked SQLite table', withCode('SQLITE_LOCKED'), 'busy'],
    ['a SQLite file that cannot be opened', withCode('SQLITE_CANTOPEN'), 'unreachable'],
    ['a SQLite read or write that failed', withCode('SQLITE_IOERR_SHORT_READ'), 'unreachable'],
    ['a full disk under SQLite', withCode('SQLITE_FULL'), 'unreachable'],
    ['a read-only SQLite file', withCode('SQLITE_READONLY_DBMOVED'), 'unreachable'],
    ['a file that is not a SQLite database', withCode('SQLITE_NOTADB'), 'unreachable'],
    ['a damaged SQLite file', withCode('SQLITE_CORRUPT'), 'unreachable'],
    [
      'an error whose cause is a lost connection',
      new Error('wrapped', { cause: withCode('ECONNRESET') }),
      'unreachable',
    ],
  ])('treats %s as the store being unavailable', (_name, error, reason) => {
    const classified = classifyStoreError(error);
    expect(classified).toBeInstanceOf(StoreUnavailableError);
    expect(classified?.reason).toBe(reason);
    expect(classified?.retryAfterSeconds).toBeGreaterThan(0);
    expect(classified?.cause).toBe(error);
  });

  it.each([
    ['a unique violation (23505)', withCode('23505')],
    ['a syntax error (42601)', withCode('42601')],
    ['a missing column (42703)', withCode('42703')],
    ['a SQLite constraint', withCode('SQLITE_CONSTRAINT_UNIQUE')],
    ['a SQLite syntax error', withCode('SQLITE_ERROR')],
    ['a programming error', new TypeError('x is not a function')],
    ['a thrown string', 'nope'],
    ['nothing', undefined],
  ])('leaves %s alone', (_name, error) => {
    expect(classifyStoreError(error)).toBeNull();
  });

  it('returns a StoreUnavailableError as it is', () => {
    const error = new StoreUnavailableError('schema', 'not migrated');
    expect(classifyStoreError(error)).toBe(error);
    expect(error.retryAfterSeconds).toBe(60);
  });
});

describe('a SQLite store file out of order', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'store-file-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it.each([
    ['a directory where the file should be', (dir: string) => mkdirSync(path.join(dir, 'site.db'))],
    [
      'a file that is not a database',
      (dir: string) => writeFileSync(path.join(dir, 'site.db'), Buffer.alloc(8192, 7)),
    ],
  ])('answers %s as the store being unavailable, not as a bug', async (name, spoil) => {
    const dataDir = path.join(root, name.replaceAll(' ', '-'));
    mkdirSync(dataDir);
    spoil(dataDir);
    const db = createDb({ dataDir, databaseUrl: '' });
    try {
      const failure: unknown = await db
        .selectFrom('users')
        .select('id')
        .execute()
        .then(
          () => null,
          (error: unknown) => error,
        );
      expect(failure).toBeInstanceOf(StoreUnavailableError);
    } finally {
      await db.destroy().catch(() => {});
    }
  });

  it.each([
    ['deleted', (file: string) => rmSync(file)],
    ['replaced', (file: string) => renameSync(file, `${file}.old`)],
  ])(
    'stops serving a file %s under the running store, whose writes would be lost',
    async (name, spoil) => {
      const dataDir = path.join(root, `running-${name}`);
      const db = createDb({ dataDir, databaseUrl: '' });
      try {
        await migrateToLatest(db);
        await db.selectFrom('users').select('id').execute();
        spoil(sqliteFile(dataDir));
        await new Promise((resolve) => setTimeout(resolve, SQLITE_FILE_CHECK_MS + 50));
        const failure: unknown = await db
          .selectFrom('users')
          .select('id')
          .execute()
          .then(
            () => null,
            (error: unknown) => error,
          );
        expect(failure).toBeInstanceOf(StoreUnavailableError);
      } finally {
        await db.destroy().catch(() => {});
      }
    },
  );

  it('answers a single write that finds the file locked as busy, not as a bug', async () => {
    const dataDir = path.join(root, 'locked');
    const db = createDb({
      dataDir,
      databaseUrl: '',
      storeLimits: { ...DEFAULT_STORE_LIMITS, lockTimeoutMs: 100 },
    });
    await migrateToLatest(db);
    const other = await openSqlite(sqliteFile(dataDir));
    try {
      other.exec('begin immediate');
      // One statement outside a transaction: better-sqlite3 throws before any promise exists.
      const failure: unknown = await db
        .deleteFrom('sessions')
        .execute()
        .then(
          () => null,
          (error: unknown) => error,
        );
      expect(failure).toBeInstanceOf(StoreUnavailableError);
      expect((failure as StoreUnavailableError).reason).toBe('busy');
    } finally {
      other.exec('rollback');
      other.close();
      await db.destroy().catch(() => {});
    }
  });
});
