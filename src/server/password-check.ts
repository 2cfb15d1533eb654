/**
 * Checking a signed-in person's password before a sensitive action (change
 * password or email, delete the account, staff re-authentication). Failures
 * count against the same per-account lockout as sign-in (docs/security.md § Enumeration and brute force), so a
 * stolen session cannot be used to guess the password.
 */
import { loginFailureKey } from './authentication.ts';
import { resolveNow } from './clock.ts';
import { verifyPasswordHash } from './passwords.ts';
import { consumeRateLimit, LOGIN_ACCOUNT_LIMIT, resetRateLimit } from './rate-limit.ts';
import type { Db } from './store/db.ts';
import { getDb } from './store/db.ts';
import type { User } from './store/schema.ts';

/** `locked` means too many wrong passwords in the window: no verify was attempted. */
export type AccountPasswordResult = 'ok' | 'wrong' | 'locked';

/** Message for a locked account, shared by every form that asks for the password again. */
export const PASSWORD_LOCKED_MESSAGE = 'Too many wrong passwords. Wait 10 minutes and try again.';

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
  if (!text || !(await verifyPasswordHash(user.password_hash, text))) return 'wrong';
  await resetRateLimit(key, { db });
  return 'ok';
}
