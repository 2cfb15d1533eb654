/** Looking users up, and the shapes the rest of the domain shares. */
import { getDb, type Db } from './store/db.ts';
import type { User } from './store/schema.ts';

/** Per-call options every domain function accepts. */
export interface CallOptions {
  /** Client IP from the platform (`context.ip`), for per-IP limits. */
  ip?: string;
  /** Injected clock (milliseconds or Date); defaults to now. */
  now?: number | Date;
}

/** A user found by a login name: username or email, compared case-insensitively. */
export async function findUserByLogin(login: string, db: Db = getDb()): Promise<User | undefined> {
  const lower = login.trim().toLowerCase();
  if (!lower) return undefined;
  const column = lower.includes('@') ? 'email_lower' : 'username_lower';
  return db.selectFrom('users').selectAll().where(column, '=', lower).executeTakeFirst();
}

/** A user by id. */
export async function findUserById(id: string, db: Db = getDb()): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A user by id or by username (case-insensitive), for staff tools and the CLI. */
export async function findUserByRef(ref: string, db: Db = getDb()): Promise<User | undefined> {
  const value = ref.trim();
  return db
    .selectFrom('users')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', value), eb('username_lower', '=', value.toLowerCase())]))
    .executeTakeFirst();
}
