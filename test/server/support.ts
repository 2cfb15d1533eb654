/**
 * Test stores: a real SQLite file in a fresh DATA_DIR, or (when
 * TEST_DATABASE_URL is set) a fresh Postgres schema dropped afterwards.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { closeDb, getDb, type Db } from '../../src/server/store/db.ts';
import { migrateToLatest } from '../../src/server/store/migrations.ts';
import { readConfig, setConfig, type ServerConfig } from '../../src/server/config.ts';
import { hashPassword } from '../../src/server/passwords.ts';
import { generateId } from '../../src/server/crypto.ts';
import type { UserRole, UserStatus } from '../../src/server/store/schema.ts';
import { hmacWarrantNumber, warrantLastTwo } from '../../src/server/warrant.ts';
import { newUserRow } from '../../src/server/users.ts';
import { readRollText } from '../../src/server/roll/read.ts';
import { importRoll } from '../../src/server/roll/replace.ts';

export type EngineName = 'sqlite' | 'postgres';

/** Engines to run store suites on: SQLite always, Postgres when TEST_DATABASE_URL is set. */
export const ENGINES: EngineName[] = process.env.TEST_DATABASE_URL
  ? ['sqlite', 'postgres']
  : ['sqlite'];

/** An open test store and the settings it runs under. */
export interface TestStore {
  db: Db;
  config: ServerConfig;
  dataDir: string;
  close(): Promise<void>;
}

function withSearchPath(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

/** A fresh, empty schema in TEST_DATABASE_URL, and a URL whose connections use it. */
export async function createTestSchema(): Promise<{ url: string; drop(): Promise<void> }> {
  const base = process.env.TEST_DATABASE_URL!;
  const schema = `test_${generateId()}`;
  const run = async (statement: string) => {
    const client = new pg.Client({ connectionString: base });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await run(`create schema ${schema}`);
  return {
    url: withSearchPath(base, schema),
    drop: () => run(`drop schema ${schema} cascade`),
  };
}

/** Opens a migrated store and installs it as the process-wide one. */
export async function openTestStore(
  engine: EngineName = 'sqlite',
  env: Record<string, string> = {},
): Promise<TestStore> {
  await closeDb();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'members-test-'));
  const schema = engine === 'postgres' ? await createTestSchema() : undefined;
  const databaseUrl = schema?.url;
  const config = readConfig({
    DATA_DIR: dataDir,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...env,
  });
  setConfig(config);
  const db = getDb();
  await migrateToLatest(db);
  return {
    db,
    config,
    dataDir,
    async close() {
      await closeDb();
      setConfig(undefined);
      await schema?.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Opens a test store before the enclosing suite's tests and closes it after
 * them. The returned object is filled in once the store is open, so read its
 * fields inside hooks and tests only.
 */
export function useTestStore(engine: EngineName, env: Record<string, string> = {}): TestStore {
  const store = {} as TestStore;
  beforeAll(async () => {
    Object.assign(store, await openTestStore(engine, env));
  });
  afterAll(() => store.close());
  return store;
}

/** The password every seeded account has; its hash is computed once per test file. */
export const SEED_PASSWORD = 'tangerine-bicycle-gravel';
let seedHash: Promise<string> | undefined;

/** Inserts an account directly (reusing one argon2 hash) and returns its id. */
export async function seedUser(
  db: Db,
  fields: {
    username: string;
    email?: string;
    firstName?: string;
    surname?: string;
    status?: UserStatus;
    role?: UserRole;
    warrant?: string;
    warrantKey?: string;
    now?: number;
  },
): Promise<string> {
  seedHash ??= hashPassword(SEED_PASSWORD);
  const id = generateId();
  const email = fields.email ?? `${fields.username}@example.com`;
  const hmac = fields.warrant
    ? hmacWarrantNumber(fields.warrant, fields.warrantKey ?? readConfig({}).warrantKey)
    : null;
  const now = fields.now ?? Date.now();
  await db
    .insertInto('users')
    .values({
      ...newUserRow({
        id,
        firstName: fields.firstName ?? 'Test',
        surname: fields.surname ?? 'Person',
        email,
        username: fields.username,
        passwordHash: await seedHash,
        role: fields.role ?? 'member',
        status: fields.status ?? 'confirmed',
        now,
      }),
      warrant_hmac: hmac,
      warrant_last2: fields.warrant ? warrantLastTwo(fields.warrant) : null,
      warrant_claim: fields.status === 'confirmed' ? hmac : null,
      verified_at: now,
      confirmed_at: fields.status === 'confirmed' ? now : null,
    })
    .execute();
  return id;
}

/** One message from the outbox. */
export interface OutboxMessage {
  file: string;
  to: string;
  subject: string;
  text: string;
}

function decodeQuotedPrintable(body: string): string {
  const bytes = body
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

function decodeHeader(value: string): string {
  return value.replace(/=\?utf-8\?([QB])\?([^?]*)\?=/gi, (_, enc: string, data: string) =>
    enc.toUpperCase() === 'B'
      ? Buffer.from(data, 'base64').toString('utf8')
      : decodeQuotedPrintable(data.replace(/_/g, ' ')),
  );
}

/** Reads every `.eml` in DATA_DIR/mail, oldest first. */
export function readOutbox(dataDir: string): OutboxMessage[] {
  const dir = path.join(dataDir, 'mail');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .sort()
    .map((file) => {
      const raw = fs.readFileSync(path.join(dir, file), 'utf8');
      const split = raw.indexOf('\n\n');
      const head = raw.slice(0, split).replace(/\n[ \t]+/g, ' ');
      const header = (name: string) =>
        decodeHeader(new RegExp(`^${name}: (.*)$`, 'im').exec(head)?.[1] ?? '');
      const body = raw.slice(split + 2);
      const text = /quoted-printable/i.test(head)
        ? decodeQuotedPrintable(body)
        : /base64/i.test(header('Content-Transfer-Encoding'))
          ? Buffer.from(body, 'base64').toString('utf8')
          : body;
      return { file, to: header('To'), subject: header('Subject'), text };
    });
}

/** The token in the last message to an address whose link goes to `pathname`. */
export function lastTokenFor(dataDir: string, to: string, pathname: string): string {
  const message = readOutbox(dataDir)
    .filter((m) => m.to.toLowerCase().includes(to.toLowerCase()) && m.text.includes(pathname))
    .at(-1);
  const token =
    message &&
    new RegExp(`${pathname.replace(/\//g, '\\/')}\\?token=([A-Za-z0-9_-]+)`).exec(
      message.text,
    )?.[1];
  if (!token) throw new Error(`no ${pathname} link sent to ${to}`);
  return token;
}

/** Counts rows in a table. */
export async function countRows(
  db: Db,
  table: 'users' | 'sessions' | 'email_tokens' | 'rate_limits' | 'audit_log',
): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Turns TOTP on for an account with a fresh key (sealed under the current TOTP_KEY); returns the key. */
export async function giveTotp(db: Db, userId: string): Promise<Uint8Array> {
  const { getConfig } = await import('../../src/server/config.ts');
  const { sealBytes } = await import('../../src/server/two-factor/secret-box.ts');
  const { generateTotpKey } = await import('../../src/server/two-factor/totp.ts');
  const key = generateTotpKey();
  await db
    .updateTable('users')
    .set({ totp_secret: sealBytes(key, getConfig().totpKey), totp_last_step: null })
    .where('id', '=', userId)
    .execute();
  return key;
}

/** The code an authenticator app shows for `key` at `now` (RFC 6238, 30 s, 6 digits). */
export async function totpCodeAt(key: Uint8Array, now: number): Promise<string> {
  const { generateHOTP } = await import('@oslojs/otp');
  return generateHOTP(key, BigInt(Math.floor(now / 30_000)), 6);
}

/** Reads a roll file's text and imports it as the CLI does; throws with the errors when refused. */
export async function importRollText(text: string, actor = 'test', now?: number) {
  const read = await readRollText(text);
  if (!read.ok) throw new Error(read.errors.join('\n'));
  return importRoll(read.rows, actor, { now });
}
