/**
 * Signing in with a username or email and a password. Every failure looks the
 * same to the caller (SECURITY.md 11): unknown user, wrong password, locked
 * account and suspended account all answer `invalid` after one argon2 verify.
 */
import { resolveNow } from './clock.ts';
import { recordAudit } from './audit.ts';
import { verifyDummyPassword, verifyPassword } from './passwords.ts';
import {
  consumeRateLimit,
  consumeTokenBucket,
  LOGIN_ACCOUNT_LIMIT,
  LOGIN_IP_BUCKET,
  rateLimitKey,
  resetRateLimit,
} from './rate-limit.ts';
import { createSession, type Session, type SessionUser } from './sessions.ts';
import { getDb } from './store/db.ts';
import type { User } from './store/schema.ts';
import { findUserByLogin, upgradePasswordHash, type CallOptions } from './users.ts';

/** The one message for every failed sign-in. */
export const LOGIN_FAILED_MESSAGE =
  'Your username, email or password is not right. Check them and try again.';

/** A sign-in's outcome. `retryAfter` (seconds) only comes from the per-IP limit. */
export type AuthenticationResult =
  | { ok: true; token: string; session: Session; user: SessionUser; maxAgeSeconds: number }
  | { ok: false; reason: 'invalid'; message: string }
  | { ok: false; reason: 'rate-limited'; retryAfter: number };

/** The failure counter shared by an account's username and email ("Alice", "alice", alice@...). */
export function loginFailureKey(user: Pick<User, 'id'> | undefined, login: string): string {
  return user ? rateLimitKey('login-account', user.id) : rateLimitKey('login-name', login);
}

function toSessionUser(user: User): SessionUser {
  return {
    id: user.id,
    firstName: user.first_name,
    surname: user.surname,
    username: user.username,
    email: user.email,
    role: user.role,
    status: user.status,
  };
}

const INVALID = { ok: false, reason: 'invalid', message: LOGIN_FAILED_MESSAGE } as const;

/**
 * Checks a login and password and starts a new session. Members whose email
 * is unverified, pending or rejected may sign in: the sealed pages tell them
 * their status.
 */
export async function authenticateMember(
  login: unknown,
  password: unknown,
  options: CallOptions = {},
): Promise<AuthenticationResult> {
  const db = getDb();
  const now = resolveNow(options.now);
  if (options.ip) {
    const bucket = await consumeTokenBucket(rateLimitKey('login-ip', options.ip), LOGIN_IP_BUCKET, {
      now,
      db,
    });
    if (!bucket.allowed)
      return { ok: false, reason: 'rate-limited', retryAfter: bucket.retryAfter };
  }
  const loginText = typeof login === 'string' ? login.trim() : '';
  const passwordText = typeof password === 'string' ? password : '';
  if (!loginText || !passwordText || passwordText.length > 1024) {
    await verifyDummyPassword(passwordText.slice(0, 1024));
    return INVALID;
  }
  const user = await findUserByLogin(loginText, db);
  const key = loginFailureKey(user, loginText);
  // Every attempt counts; success clears the counter, so only failures accumulate.
  const attempt = await consumeRateLimit(key, LOGIN_ACCOUNT_LIMIT, { now, db });
  if (!user || !attempt.allowed || user.status === 'suspended') {
    await verifyDummyPassword(passwordText);
    return INVALID;
  }
  const verified = await verifyPassword(user.password_hash, passwordText);
  if (!verified.match) return INVALID;
  if (verified.rehash) await upgradePasswordHash(user, passwordText, db);
  await resetRateLimit(key, { db });
  const created = await createSession(user.id, user.role, { now, db });
  // Staff sign-ins open the console (roll, members, exports): keep a record of each.
  if (user.role === 'staff')
    await recordAudit(db, { actor: user.username, action: 'staff.sign-in', now });
  return { ok: true, ...created, user: toSessionUser(user) };
}
