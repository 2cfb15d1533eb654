/**
 * Checking a signed-in person's password before a sensitive action (change
 * password or email, delete the account, staff re-authentication). Failures
 * count against the same per-account lockout as sign-in (SECURITY.md 13), so a
 * stolen session cannot be used to guess the password.
 */
import { loginFailureKey } from './authentication.ts';
import { resolveNow } from './clock.ts';
import { verifyPassword, type PasswordVerification } from './passwords.ts';
import {
  consumeRateLimit,
  describeWait,
  LOGIN_ACCOUNT_LIMIT,
  resetRateLimit,
} from './rate-limit.ts';
import type { Db } from './store/db.ts';
import { getDb } from './store/db.ts';
import type { User } from './store/schema.ts';
import { upgradePasswordHash } from './users.ts';

/** `locked` means too many wrong passwords in the window: no verify was attempted. */
export type AccountPasswordResult = 'ok' | 'wrong' | 'locked';

/**
 * Message for a locked account, shared by every form that asks for the password
 * again: the lock's whole window, the longest the wait can be (no Retry-After is sent).
 */
export const PASSWORD_LOCKED_MESSAGE = `Too many wrong passwords. Wait ${describeWait(
  LOGIN_ACCOUNT_LIMIT.windowMs / 1000,
)} and try again.`;

/** Checks `password` against the account's hash, counting the attempt; success clears the count. */
export async function checkAccountPassword(
  user: Pick<User, 'id' | 'password_hash'>,
  password: unknown,
  options: { now?: number | Date; db?: Db } = {},
): Promise<AccountPasswordResult> {
  const db = options.db ?? getDb();
  const key = loginFailureKey(user, '');
  const attempt = await consumeRateLimit(key, LOGIN_ACCOUNT_LIMIT, {
    now: resolveNow(options.now),
    db,
  });
  if (!attempt.allowed) return 'locked';
  const text = typeof password === 'string' ? password : '';
  const verified: PasswordVerification = text
    ? await verifyPassword(user.password_hash, text)
    : { match: false };
  if (!verified.match) return 'wrong';
  if (verified.rehash) await upgradePasswordHash(user, text, db);
  await resetRateLimit(key, { db });
  return 'ok';
}
