/**
 * Forgotten passwords: a 1-hour single-use link by email, answering the same
 * whether or not the address is known (docs/security.md § Enumeration and brute force). Resetting replaces the
 * hash and ends every session in one transaction (docs/security.md § Sessions).
 */
import { resolveNow } from './clock.ts';
import { getConfig } from './config.ts';
import { consumeEmailToken, createEmailToken } from './email-tokens.ts';
import { deliverMail } from './mail.ts';
import { passwordChangedMessage, passwordResetMessage } from './mail-templates.ts';
import { hashPassword } from './passwords.ts';
import {
  consumeRateLimit,
  EMAIL_ADDRESS_LIMIT,
  rateLimitKey,
  resetRateLimit,
} from './rate-limit.ts';
import { INVALID_LINK_MESSAGE } from './registration.ts';
import { checkPassword } from './rules/password-policy.ts';
import { loginFailureKey } from './authentication.ts';
import { getDb } from './store/db.ts';
import type { CallOptions } from './users.ts';

/** `retryAfter` when the address has had too many emails lately. */
export type PasswordResetRequestResult = { ok: true } | { ok: false; retryAfter: number };

/** Emails a reset link when the address belongs to an account; answers the same either way. */
export async function requestPasswordReset(
  email: unknown,
  options: CallOptions = {},
): Promise<PasswordResetRequestResult> {
  const config = getConfig();
  const db = getDb();
  const now = resolveNow(options.now);
  const lower = typeof email === 'string' ? email.trim().toLowerCase() : '';
  if (!lower || lower.length > 254 || !lower.includes('@')) return { ok: true };
  const limit = await consumeRateLimit(rateLimitKey('mail', lower), EMAIL_ADDRESS_LIMIT, {
    now,
    db,
  });
  if (!limit.allowed) return { ok: false, retryAfter: limit.retryAfter };
  const user = await db
    .selectFrom('users')
    .selectAll()
    .where('email_lower', '=', lower)
    .executeTakeFirst();
  if (!user || user.status === 'suspended') return { ok: true };
  // A locked account can still reset: the failure counter is not consulted here.
  const token = await createEmailToken(db, user.id, 'reset', { now });
  await deliverMail(passwordResetMessage(config, user.email, user.first_name, token), config);
  return { ok: true };
}

/** The outcome of using a reset link. */
export type ResetPasswordResult =
  { ok: true } | { ok: false; errors: { token?: string; password?: string } };

class RollBack extends Error {
  constructor(readonly result: ResetPasswordResult) {
    super('rolled back');
  }
}

/** Sets a new password from a reset link and signs the account out everywhere. */
export async function resetPassword(
  token: unknown,
  password: unknown,
  options: CallOptions = {},
): Promise<ResetPasswordResult> {
  const config = getConfig();
  const now = resolveNow(options.now);
  const basic = checkPassword(password, { siteName: config.siteName });
  if (!basic.ok) return { ok: false, errors: { password: basic.message } };
  const newHash = await hashPassword(basic.password);
  let changed: { email: string; first_name: string } | undefined;
  try {
    const result = await getDb()
      .transaction()
      .execute(async (trx): Promise<ResetPasswordResult> => {
        const used = await consumeEmailToken(trx, token, 'reset', { now });
        if (!used) return { ok: false, errors: { token: INVALID_LINK_MESSAGE } };
        const user = await trx
          .selectFrom('users')
          .selectAll()
          .where('id', '=', used.userId)
          .executeTakeFirstOrThrow();
        const rules = checkPassword(password, {
          siteName: config.siteName,
          username: user.username,
          email: user.email,
        });
        // Throwing rolls back, so the link still works once a better password is chosen.
        if (!rules.ok) throw new RollBack({ ok: false, errors: { password: rules.message } });
        await trx
          .updateTable('users')
          .set({ password_hash: newHash, updated_at: now })
          .where('id', '=', user.id)
          .execute();
        await trx.deleteFrom('sessions').where('user_id', '=', user.id).execute();
        await trx
          .deleteFrom('email_tokens')
          .where('user_id', '=', user.id)
          .where('purpose', '=', 'reset')
          .where('used_at', 'is', null)
          .execute();
        await resetRateLimit(loginFailureKey(user, user.username), { db: trx });
        changed = user;
        return { ok: true };
      });
    const notify = changed;
    if (notify)
      await deliverMail(passwordChangedMessage(config, notify.email, notify.first_name), config);
    return result;
  } catch (error) {
    if (error instanceof RollBack) return error.result;
    throw error;
  }
}
