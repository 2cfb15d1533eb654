/**
 * A signed-in member's own account: change password (needs the current one),
 * change email (confirmed from the new address), download their data. Erasure
 * belongs to `membership/erase.ts`.
 */
import { resolveNow } from './clock.ts';
import { getConfig } from './config.ts';
import { createEmailToken } from './email-tokens.ts';
import { deliverMail, type MailMessage } from './mail.ts';
import {
  accountExistsMessage,
  emailChangeMessage,
  passwordChangedMessage,
} from './mail-templates.ts';
import { hashPassword, verifyDummyPassword } from './passwords.ts';
import {
  checkAccountPassword,
  PASSWORD_LOCKED_MESSAGE,
  type AccountPasswordResult,
} from './password-check.ts';
import { consumeRateLimit, EMAIL_ADDRESS_LIMIT, rateLimitKey } from './rate-limit.ts';
import { checkEmail } from './rules/email-address.ts';
import { checkPassword } from './rules/password-policy.ts';
import { createSession } from './sessions.ts';
import { getDb } from './store/db.ts';
import { findUserById, type CallOptions } from './users.ts';
import { describeDevice } from './device-names.ts';
import { getTwoFactorStatus } from './two-factor/two-factor.ts';
import { exportMemberSubscription, type SubscriptionExport } from './newsletter/subscribers.ts';

/** Message when the current password given is wrong. */
export const CURRENT_PASSWORD_MESSAGE = 'Your current password is not right';

/** For a change that lost to another made at the same moment (another window or device). */
export const PASSWORD_CHANGED_MEANWHILE_MESSAGE =
  'Your password was changed a moment ago (perhaps in another window), so this change was not made. Enter the password you use now.';

/** The message beside the password field for a failed check. */
export function currentPasswordMessage(check: Exclude<AccountPasswordResult, 'ok'>): string {
  return check === 'locked' ? PASSWORD_LOCKED_MESSAGE : CURRENT_PASSWORD_MESSAGE;
}

/** A password change's outcome; on success, a fresh session replaces all old ones. */
export type ChangePasswordResult =
  | { ok: true; token: string; maxAgeSeconds: number }
  | { ok: false; errors: { currentPassword?: string; newPassword?: string } };

/**
 * Changes a password after checking the current one. Every session of the
 * account ends in the same transaction; the caller sets the new session's cookie.
 */
export async function changePassword(
  userId: string,
  currentPassword: unknown,
  newPassword: unknown,
  options: CallOptions & { userAgent?: string | null } = {},
): Promise<ChangePasswordResult> {
  const config = getConfig();
  const db = getDb();
  const now = resolveNow(options.now);
  const user = await findUserById(userId, db);
  const current = typeof currentPassword === 'string' ? currentPassword : '';
  if (!user) {
    await verifyDummyPassword(current);
    return { ok: false, errors: { currentPassword: CURRENT_PASSWORD_MESSAGE } };
  }
  const check = await checkAccountPassword(user, current, { now, db });
  const rules = checkPassword(newPassword, {
    siteName: config.siteName,
    username: user.username,
    email: user.email,
  });
  // Both fields' problems at once, so one correction is enough.
  if (check !== 'ok' || !rules.ok) {
    return {
      ok: false,
      errors: {
        ...(check !== 'ok' && { currentPassword: currentPasswordMessage(check) }),
        ...(!rules.ok && { newPassword: rules.message }),
      },
    };
  }
  const newHash = await hashPassword(rules.password);
  const result = await db.transaction().execute(async (trx) => {
    // Only over the password just checked: of two changes at once, one lands and the other is told.
    const { numUpdatedRows } = await trx
      .updateTable('users')
      .set({ password_hash: newHash, updated_at: now })
      .where('id', '=', user.id)
      .where('password_hash', '=', user.password_hash)
      .executeTakeFirstOrThrow();
    if (numUpdatedRows === 0n)
      return {
        ok: false as const,
        errors: { currentPassword: PASSWORD_CHANGED_MEANWHILE_MESSAGE },
      };
    await trx.deleteFrom('sessions').where('user_id', '=', user.id).execute();
    // The person who typed the current password keeps a fully signed-in session.
    const session = await createSession(user.id, user.role, {
      now,
      db: trx,
      twoFactorVerified: true,
      userAgent: options.userAgent,
    });
    return { ok: true as const, token: session.token, maxAgeSeconds: session.maxAgeSeconds };
  });
  if (result.ok)
    await deliverMail(passwordChangedMessage(config, user.email, user.first_name), config);
  return result;
}

/** An email change request's outcome. */
export type EmailChangeResult =
  | { ok: true }
  | { ok: false; errors: { email?: string; password?: string } }
  | { ok: false; retryAfter: number };

/**
 * Sends a confirmation link to a new address; the address changes only when
 * the link is used (through `verifyEmail`). Answers the same when the new
 * address already has an account, whose owner gets a notice instead.
 */
export async function requestEmailChange(
  userId: string,
  input: { email?: unknown; password?: unknown },
  options: CallOptions = {},
): Promise<EmailChangeResult> {
  const config = getConfig();
  const db = getDb();
  const now = resolveNow(options.now);
  const checked = checkEmail(input.email, config.workEmailDomains);
  const user = await findUserById(userId, db);
  const check = user ? await checkAccountPassword(user, input.password, { now, db }) : 'wrong';
  if (!checked.ok || check !== 'ok' || !user) {
    return {
      ok: false,
      errors: {
        ...(checked.ok ? {} : { email: checked.message }),
        ...(check === 'ok' ? {} : { password: currentPasswordMessage(check) }),
      },
    };
  }
  if (checked.emailLower === user.email_lower) return { ok: true };
  const limit = await consumeRateLimit(
    rateLimitKey('mail', checked.emailLower),
    EMAIL_ADDRESS_LIMIT,
    { now, db },
  );
  if (!limit.allowed) return { ok: false, retryAfter: limit.retryAfter };
  const owner = await db
    .selectFrom('users')
    .selectAll()
    .where('email_lower', '=', checked.emailLower)
    .executeTakeFirst();
  let message: MailMessage;
  if (owner) {
    message = accountExistsMessage(config, owner.email, owner.first_name);
  } else {
    const token = await createEmailToken(db, user.id, 'email-change', {
      now,
      newEmail: checked.email,
    });
    message = emailChangeMessage(config, checked.email, user.first_name, token);
  }
  await deliverMail(message, config);
  return { ok: true };
}

/** Everything the site holds about a member, for download (UK GDPR access). */
export interface MemberDataExport {
  exportedAt: string;
  account: {
    firstName: string;
    surname: string;
    email: string;
    username: string;
    role: string;
    status: string;
    warrantNumberEndsIn: string | null;
    rejectReason: string | null;
    registeredAt: string;
    emailVerifiedAt: string | null;
    confirmedAt: string | null;
  };
  sessions: { startedAt: string; expiresAt: string; device: string }[];
  twoFactor: {
    authenticatorApp: boolean;
    recoveryCodesLeft: number;
    passkeys: { name: string; addedAt: string; lastUsedAt: string | null }[];
  };
  /** The newsletter subscription at the account's address, if any. */
  newsletter: SubscriptionExport | null;
  notes: string;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** The member's data as a plain object (no hash, no HMAC, no token). Null when unknown. */
export async function exportMemberData(
  userId: string,
  options: CallOptions = {},
): Promise<MemberDataExport | null> {
  const db = getDb();
  const user = await findUserById(userId, db);
  if (!user) return null;
  const sessions = await db
    .selectFrom('sessions')
    .select(['created_at', 'expires_at', 'absolute_expires_at', 'user_agent'])
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .execute();
  const twoFactor = await getTwoFactorStatus(userId, db);
  return {
    exportedAt: new Date(resolveNow(options.now)).toISOString(),
    account: {
      firstName: user.first_name,
      surname: user.surname,
      email: user.email,
      username: user.username,
      role: user.role,
      status: user.status,
      warrantNumberEndsIn: user.warrant_last2,
      rejectReason: user.reject_reason,
      registeredAt: iso(user.created_at)!,
      emailVerifiedAt: iso(user.verified_at),
      confirmedAt: iso(user.confirmed_at),
    },
    sessions: sessions.map((s) => ({
      startedAt: iso(s.created_at)!,
      expiresAt: iso(Math.min(s.expires_at, s.absolute_expires_at))!,
      device: describeDevice(s.user_agent),
    })),
    twoFactor: {
      authenticatorApp: twoFactor.totp,
      recoveryCodesLeft: twoFactor.recoveryCodesLeft,
      passkeys: twoFactor.passkeys.map((p) => ({
        name: p.name,
        addedAt: iso(p.createdAt)!,
        lastUsedAt: iso(p.lastUsedAt),
      })),
    },
    newsletter: await exportMemberSubscription(user, db),
    notes:
      'Your password is stored only as an argon2id hash, your warrant number only as a keyed hash plus its last two digits, your authenticator key only encrypted and your recovery codes only as hashes, so none of them can be shown.',
  };
}
