/**
 * Sessions after Lucia's guide: a token `<id>.<secret>` where only SHA-256 of
 * the 32-byte secret is stored and compared in constant time. Each session has
 * an inactivity deadline (renewed on use, not more often than `renewEvery`)
 * and an absolute deadline that never moves.
 */
import { generateId, generateSecret, hashSecret, hexDigestsEqual } from './crypto.ts';
import { DAY, HOUR, MINUTE, resolveNow } from './clock.ts';
import { getDb, type Db } from './store/db.ts';
import type { UserRole, UserStatus } from './store/schema.ts';

/** How long a session of a given role may live. */
export interface SessionPolicy {
  idleMs: number;
  absoluteMs: number;
  renewEveryMs: number;
}

/** Members: 10 days idle, renewed at most hourly, 30 days in all (docs/security.md § Sessions). */
export const MEMBER_SESSION_POLICY: SessionPolicy = {
  idleMs: 10 * DAY,
  absoluteMs: 30 * DAY,
  renewEveryMs: HOUR,
};

/** Staff: 30 minutes idle, 12 hours in all; renewed at most once a minute. */
export const STAFF_SESSION_POLICY: SessionPolicy = {
  idleMs: 30 * MINUTE,
  absoluteMs: 12 * HOUR,
  renewEveryMs: MINUTE,
};

/** The policy for a role. */
export function sessionPolicyFor(role: UserRole): SessionPolicy {
  return role === 'staff' ? STAFF_SESSION_POLICY : MEMBER_SESSION_POLICY;
}

/** A live session. Times are milliseconds since the epoch. */
export interface Session {
  id: string;
  userId: string;
  /** When the person signed in (a session is only ever created by signing in). */
  createdAt: number;
  expiresAt: number;
  absoluteExpiresAt: number;
}

/** What a request learns about the signed-in person. */
export interface SessionUser {
  id: string;
  firstName: string;
  surname: string;
  username: string;
  email: string;
  role: UserRole;
  status: UserStatus;
}

/** A validated session; `renewed` means the cookie should be sent again with the new Max-Age. */
export interface SessionValidation {
  session: Session;
  user: SessionUser;
  renewed: boolean;
  /** Seconds the cookie should live from now. */
  maxAgeSeconds: number;
}

interface Options {
  now?: number | Date;
  db?: Db;
}

const TOKEN_SHAPE = /^([a-z2-7]{26})\.([A-Za-z0-9_-]{43})$/;

/** Seconds from `now` until a session's earlier deadline. */
export function sessionMaxAge(
  session: Pick<Session, 'expiresAt' | 'absoluteExpiresAt'>,
  now: number,
): number {
  return Math.max(
    0,
    Math.floor((Math.min(session.expiresAt, session.absoluteExpiresAt) - now) / 1000),
  );
}

/** Starts a new session for a user and returns its token (the only copy of the secret). */
export async function createSession(
  userId: string,
  role: UserRole,
  options: Options = {},
): Promise<{ token: string; session: Session; maxAgeSeconds: number }> {
  const now = resolveNow(options.now);
  const db = options.db ?? getDb();
  const policy = sessionPolicyFor(role);
  const id = generateId();
  const secret = generateSecret();
  const session: Session = {
    id,
    userId,
    createdAt: now,
    expiresAt: now + policy.idleMs,
    absoluteExpiresAt: now + policy.absoluteMs,
  };
  await db
    .insertInto('sessions')
    .values({
      id,
      user_id: userId,
      secret_hash: hashSecret(secret),
      created_at: now,
      expires_at: session.expiresAt,
      absolute_expires_at: session.absoluteExpiresAt,
    })
    .execute();
  return { token: `${id}.${secret}`, session, maxAgeSeconds: sessionMaxAge(session, now) };
}

/**
 * Checks a session token. Malformed tokens return null without touching the
 * store; expired sessions are deleted; live ones are renewed when due.
 */
export async function validateSessionToken(
  token: unknown,
  options: Options = {},
): Promise<SessionValidation | null> {
  if (typeof token !== 'string') return null;
  const match = TOKEN_SHAPE.exec(token);
  if (!match) return null;
  const [, id, secret] = match;
  const now = resolveNow(options.now);
  const db = options.db ?? getDb();
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.id',
      'sessions.secret_hash',
      'sessions.created_at',
      'sessions.expires_at',
      'sessions.absolute_expires_at',
      'users.id as user_id',
      'users.first_name',
      'users.surname',
      'users.username',
      'users.email',
      'users.role',
      'users.status',
    ])
    .where('sessions.id', '=', id)
    .executeTakeFirst();
  if (!row || !hexDigestsEqual(row.secret_hash, hashSecret(secret))) return null;
  if (now >= row.expires_at || now >= row.absolute_expires_at || row.status === 'suspended') {
    await db.deleteFrom('sessions').where('id', '=', id).execute();
    return null;
  }
  const policy = sessionPolicyFor(row.role);
  const session: Session = {
    id,
    userId: row.user_id,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    absoluteExpiresAt: row.absolute_expires_at,
  };
  const lastRenewed = row.expires_at - policy.idleMs;
  let renewed = false;
  if (now - lastRenewed >= policy.renewEveryMs) {
    session.expiresAt = Math.min(now + policy.idleMs, row.absolute_expires_at);
    await db
      .updateTable('sessions')
      .set({ expires_at: session.expiresAt })
      .where('id', '=', id)
      .execute();
    renewed = true;
  }
  const user: SessionUser = {
    id: row.user_id,
    firstName: row.first_name,
    surname: row.surname,
    username: row.username,
    email: row.email,
    role: row.role,
    status: row.status,
  };
  return { session, user, renewed, maxAgeSeconds: sessionMaxAge(session, now) };
}

/** Ends one session (logout). */
export async function invalidateSession(
  sessionId: string,
  options: Pick<Options, 'db'> = {},
): Promise<void> {
  await (options.db ?? getDb()).deleteFrom('sessions').where('id', '=', sessionId).execute();
}

/** Ends every session of a user (password change, rejection, erasure). */
export async function invalidateUserSessions(
  userId: string,
  options: Pick<Options, 'db'> = {},
): Promise<void> {
  await (options.db ?? getDb()).deleteFrom('sessions').where('user_id', '=', userId).execute();
}
