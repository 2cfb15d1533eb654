/** Looking users up, and the shapes the rest of the domain shares. */
import { hashPassword } from './passwords.ts';
import { getDb, type Db } from './store/db.ts';
import type { NewUser, User, UserRole, UserStatus } from './store/schema.ts';

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

/**
 * A user by id or by username (case-insensitive), for staff tools and the CLI.
 * An id wins over a username that happens to spell it.
 */
export async function findUserByRef(ref: string, db: Db = getDb()): Promise<User | undefined> {
  const value = ref.trim();
  if (!value) return undefined;
  return (
    (await findUserById(value, db)) ??
    db
      .selectFrom('users')
      .selectAll()
      .where('username_lower', '=', value.toLowerCase())
      .executeTakeFirst()
  );
}

/**
 * Replaces a password hash made from a password's non-NFC form with its NFC
 * hash, once the password has been verified; does nothing when the hash has
 * changed meanwhile (a reset or change wins).
 */
export async function upgradePasswordHash(
  user: Pick<User, 'id' | 'password_hash'>,
  password: string,
  db: Db = getDb(),
): Promise<void> {
  await db
    .updateTable('users')
    .set({ password_hash: await hashPassword(password) })
    .where('id', '=', user.id)
    .where('password_hash', '=', user.password_hash)
    .execute();
}

/** What every new account row must be given; `emailLower`/`usernameLower` default to lower case. */
export interface NewAccount {
  id: string;
  firstName: string;
  surname: string;
  email: string;
  emailLower?: string;
  username: string;
  usernameLower?: string;
  passwordHash: string;
  role: UserRole;
  status: UserStatus;
  now: number;
}

/**
 * A complete `users` row for a new account, with no warrant number, no roll
 * match and no reason yet; verified unless unverified, confirmed when confirmed.
 * Spread it and override the columns that differ.
 */
export function newUserRow(account: NewAccount): NewUser {
  const { now, status } = account;
  return {
    id: account.id,
    first_name: account.firstName,
    surname: account.surname,
    email: account.email,
    email_lower: account.emailLower ?? account.email.toLowerCase(),
    username: account.username,
    username_lower: account.usernameLower ?? account.username.toLowerCase(),
    password_hash: account.passwordHash,
    warrant_hmac: null,
    warrant_last2: null,
    warrant_claim: null,
    role: account.role,
    status,
    roll_on_roll: 0,
    roll_surname_match: 0,
    roll_status: null,
    roll_duplicate: 0,
    reject_reason: null,
    created_at: now,
    verified_at: status === 'unverified' ? null : now,
    confirmed_at: status === 'confirmed' ? now : null,
    updated_at: now,
  };
}
