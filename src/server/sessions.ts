/**
 * Sessions after Lucia's guide: a token `<id>.<secret>` where only SHA-256 of
 * the 32-byte secret is stored and compared in constant time. Each session has
 * an inactivity deadline (renewed on use, not more often than `renewEvery`)
 * and an absolute deadline that never moves.
 */
import { generateId, generateSecret, hashSecret, hexDigestsEqual } from './crypto.ts';
import { DAY, HOUR, MINUTE, resolveNow } from './clock.ts';
import type { CompiledQuery } from 'kysely';
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
  /** True once a second factor (or a passkey) was accepted for this session. */
  twoFactorVerified: boolean;
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
  /** True when the account has a second factor: TOTP or at least one passkey. */
  twoFactorEnabled: boolean;
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

/** How a new session begins. */
interface CreateOptions extends Options {
  /** The second factor was accepted (or a passkey used): the session is fully signed in. */
  twoFactorVerified?: boolean;
  /** The browser's User-Agent, kept for the list of signed-in devices (cut to 512 characters). */
  userAgent?: string | null;
}

/**
 * True for a session that has passed the password but still owes its second
 * factor: it may reach only /two-factor/ (and sign out).
 */
export function isHalfSignedIn(validation: Pick<SessionValidation, 'session' | 'user'>): boolean {
  return validation.user.twoFactorEnabled && !validation.session.twoFactorVerified;
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
  options: CreateOptions = {},
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
    twoFactorVerified: options.twoFactorVerified ?? false,
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
      two_factor_verified: session.twoFactorVerified ? 1 : 0,
      user_agent: options.userAgent ? options.userAgent.slice(0, 512) : null,
    })
    .execute();
  return { token: `${id}.${secret}`, session, maxAgeSeconds: sessionMaxAge(session, now) };
}

/** The session with its user, as one row: everything a request needs to know who asks. */
function sessionLookup(db: Db, id: string) {
  return db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.id',
      'sessions.secret_hash',
      'sessions.created_at',
      'sessions.expires_at',
      'sessions.absolute_expires_at',
      'sessions.two_factor_verified',
      'users.id as user_id',
      'users.first_name',
      'users.surname',
      'users.username',
      'users.email',
      'users.role',
      'users.status',
      (eb) =>
        eb
          .or([
            eb('users.totp_secret', 'is not', null),
            eb.exists(
              eb
                .selectFrom('passkeys')
                .select('passkeys.id')
                .whereRef('passkeys.user_id', '=', 'users.id'),
            ),
          ])
          .as('two_factor_enabled'),
    ])
    .where('sessions.id', '=', id);
}

type SessionRow = NonNullable<
  Awaited<ReturnType<ReturnType<typeof sessionLookup>['executeTakeFirst']>>
>;

/** The lookup compiled once per store: building and compiling it cost more than running it. */
const compiledLookups = new WeakMap<Db, CompiledQuery<SessionRow>>();

/** Stands in for the session id while the lookup is compiled; never a valid id (see TOKEN_SHAPE). */
const ID_SLOT = '\u0000session-id';

/** Runs the session lookup for one id, every row read fresh from the store (revocation applies at once). */
async function findSession(db: Db, id: string): Promise<SessionRow | undefined> {
  let compiled = compiledLookups.get(db);
  if (!compiled) {
    compiled = sessionLookup(db, ID_SLOT).compile();
    // The id must be the lookup's only parameter, or the compiled query cannot be reused.
    if (compiled.parameters.length !== 1 || compiled.parameters[0] !== ID_SLOT) {
      throw new Error('the session lookup must have the session id as its only parameter');
    }
    compiledLookups.set(db, compiled);
  }
  const { rows } = await db.executeQuery<SessionRow>({ ...compiled, parameters: [id] });
  return rows[0];
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
  const row = await findSession(db, id);
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
    twoFactorVerified: Number(row.two_factor_verified) === 1,
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
    twoFactorEnabled: Boolean(Number(row.two_factor_enabled)),
  };
  return { session, user, renewed, maxAgeSeconds: sessionMaxAge(session, now) };
}

/** One of a member's live sessions, for the list of signed-in devices. */
export interface SessionSummary {
  id: string;
  createdAt: number;
  /** When the session was last used, to the renewal interval (an hour for members, a minute for staff). */
  lastUsedAt: number;
  userAgent: string | null;
  twoFactorVerified: boolean;
}

/** A user's live sessions, most recently used first. */
export async function listUserSessions(
  userId: string,
  role: UserRole,
  options: Options = {},
): Promise<SessionSummary[]> {
  const now = resolveNow(options.now);
  const policy = sessionPolicyFor(role);
  const rows = await (options.db ?? getDb())
    .selectFrom('sessions')
    .select(['id', 'created_at', 'expires_at', 'user_agent', 'two_factor_verified'])
    .where('user_id', '=', userId)
    .where('expires_at', '>', now)
    .where('absolute_expires_at', '>', now)
    .execute();
  return rows
    .map((r) => ({
      id: r.id,
      createdAt: r.created_at,
      lastUsedAt: Math.max(r.created_at, r.expires_at - policy.idleMs),
      userAgent: r.user_agent,
      twoFactorVerified: Number(r.two_factor_verified) === 1,
    }))
    .sort((a, b) => b.lastUsedAt - a.lastUsedAt || b.createdAt - a.createdAt);
}

/** Ends one session of a user (signing out another device); false when it was not theirs or is gone. */
export async function invalidateOwnSession(
  userId: string,
  sessionId: string,
  options: Pick<Options, 'db'> = {},
): Promise<boolean> {
  const result = await (options.db ?? getDb())
    .deleteFrom('sessions')
    .where('id', '=', sessionId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

/** Ends every session of a user but one (sign out everywhere else); returns how many ended. */
export async function invalidateOtherSessions(
  userId: string,
  keepSessionId: string,
  options: Pick<Options, 'db'> = {},
): Promise<number> {
  const result = await (options.db ?? getDb())
    .deleteFrom('sessions')
    .where('user_id', '=', userId)
    .where('id', '!=', keepSessionId)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
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
