/**
 * Second factors after the Lucia example this project's sessions follow: an
 * account has a TOTP key (encrypted at rest), ten recovery codes (hashes) and
 * any number of passkeys. A password sign-in of such an account starts a
 * session with `two_factor_verified = 0` that only /two-factor/ accepts; a
 * code, a recovery code or a passkey replaces it with a new, verified session.
 * Wrong codes count on the account's sign-in lock-out counter (SECURITY.md 13).
 */
import { recordAudit } from '../audit.ts';
import { loginFailureKey } from '../authentication.ts';
import { resolveNow } from '../clock.ts';
import { getConfig } from '../config.ts';
import { deliverMail } from '../mail.ts';
import { twoFactorOffMessage, recoveryCodesMessage } from '../mail-templates.ts';
import { checkAccountPassword, PASSWORD_LOCKED_MESSAGE } from '../password-check.ts';
import { consumeRateLimit, LOGIN_ACCOUNT_LIMIT, resetRateLimit } from '../rate-limit.ts';
import { createSession, type Session } from '../sessions.ts';
import { getDb, type Db } from '../store/db.ts';
import type { User } from '../store/schema.ts';
import { findUserById, type CallOptions } from '../users.ts';
import { consumeRecoveryCode, countRecoveryCodes, replaceRecoveryCodes } from './recovery-codes.ts';
import { openBytes, sealBytes } from './secret-box.ts';
import {
  formatTotpKey,
  generateTotpKey,
  matchTotpStep,
  normaliseTotpCode,
  typedCodeCharacters,
  totpKeyUri,
  totpQrSvg,
} from './totp.ts';

/** Messages shown beside the code fields. */
export const TWO_FACTOR_MESSAGES = {
  codeMissing: 'Enter the 6-digit code from your authenticator app',
  codeLetters: 'Enter the 6 digits your authenticator app shows, without letters',
  codeLength: 'A code is 6 digits: enter the one your authenticator app shows now',
  codeWrong:
    'That code is not right or has already been used. Wait for the next code and try again.',
  recoveryWrong: 'That recovery code is not right or has already been used',
  locked: 'Too many wrong codes or passwords. Wait 10 minutes and try again.',
  notOn: 'Two-factor sign-in is not turned on for this account',
  alreadyOn: 'Two-factor sign-in with an authenticator app is already on for this account.',
} as const;

/** A session that has just been issued in place of another: its token is the only copy. */
export interface IssuedSession {
  token: string;
  session: Session;
  maxAgeSeconds: number;
}

/** True when the account has a TOTP key or at least one passkey. */
export async function hasSecondFactor(db: Db, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('users')
    .select((eb) => [
      'users.totp_secret',
      eb
        .exists(
          eb
            .selectFrom('passkeys')
            .select('passkeys.id')
            .whereRef('passkeys.user_id', '=', 'users.id'),
        )
        .as('has_passkey'),
    ])
    .where('users.id', '=', userId)
    .executeTakeFirst();
  return !!row && (row.totp_secret !== null || Boolean(Number(row.has_passkey)));
}

/** What the account page shows about an account's second factors. */
export interface TwoFactorStatus {
  totp: boolean;
  recoveryCodesLeft: number;
  passkeys: { id: string; name: string; createdAt: number; lastUsedAt: number | null }[];
}

/** An account's second factors. */
export async function getTwoFactorStatus(
  userId: string,
  db: Db = getDb(),
): Promise<TwoFactorStatus> {
  const [user, passkeys, left] = await Promise.all([
    db.selectFrom('users').select('totp_secret').where('id', '=', userId).executeTakeFirst(),
    db
      .selectFrom('passkeys')
      .select(['id', 'name', 'created_at', 'last_used_at'])
      .where('user_id', '=', userId)
      .orderBy('created_at')
      .execute(),
    countRecoveryCodes(db, userId),
  ]);
  return {
    totp: !!user?.totp_secret,
    recoveryCodesLeft: left,
    passkeys: passkeys.map((p) => ({
      id: p.id,
      name: p.name,
      createdAt: p.created_at,
      lastUsedAt: p.last_used_at,
    })),
  };
}

/** What the set-up page shows: the QR code and the same key as text. */
export interface TotpSetup {
  uri: string;
  qrSvg: string;
  /** Base32, in groups of four. */
  manualKey: string;
}

/**
 * The key being set up for an account: the one already shown (so a page
 * reloaded or re-shown with an error keeps the same QR code), or a new one.
 * Null when the account already has TOTP on (it is turned off first, with a
 * code, so a borrowed session cannot swap the authenticator).
 */
export async function startTotpSetup(
  user: Pick<User, 'id' | 'username'>,
  db: Db = getDb(),
): Promise<TotpSetup | null> {
  const config = getConfig();
  const row = await db
    .selectFrom('users')
    .select(['totp_pending_secret', 'totp_secret'])
    .where('id', '=', user.id)
    .executeTakeFirstOrThrow();
  if (row.totp_secret) return null;
  let key: Uint8Array | null = null;
  if (row.totp_pending_secret) {
    try {
      key = openBytes(row.totp_pending_secret, config.totpKey);
    } catch {
      key = null; // sealed under an older TOTP_KEY: start again
    }
  }
  if (!key) {
    key = generateTotpKey();
    await db
      .updateTable('users')
      .set({ totp_pending_secret: sealBytes(key, config.totpKey) })
      .where('id', '=', user.id)
      .execute();
  }
  const uri = totpKeyUri(config.siteName, user.username, key);
  return { uri, qrSvg: totpQrSvg(uri), manualKey: formatTotpKey(key) };
}

/** A refusal of a code: errors by field, or the lock-out with its wait in seconds. */
export type CodeRefusal =
  | { ok: false; errors: Record<string, string> }
  | { ok: false; locked: true; retryAfter: number; message: string };

/** Counts one second-factor attempt on the account's lock-out counter. */
async function countAttempt(
  db: Db,
  userId: string,
  now: number,
): Promise<{ ok: true } | CodeRefusal> {
  const attempt = await consumeRateLimit(loginFailureKey({ id: userId }, ''), LOGIN_ACCOUNT_LIMIT, {
    now,
    db,
  });
  if (attempt.allowed) return { ok: true };
  return {
    ok: false,
    locked: true,
    retryAfter: attempt.retryAfter,
    message: TWO_FACTOR_MESSAGES.locked,
  };
}

/**
 * Checks a TOTP code against a sealed key and, when it matches a step after
 * the last one used, records that step (atomically: of two requests with the
 * same code, one wins).
 */
async function acceptTotpCode(
  db: Db,
  userId: string,
  sealedKey: string,
  lastStep: number | null,
  code: string,
  now: number,
  column: 'totp_secret' | 'totp_pending_secret',
): Promise<boolean> {
  let key: Uint8Array;
  try {
    key = openBytes(sealedKey, getConfig().totpKey);
  } catch {
    return false;
  }
  const step = matchTotpStep(key, code, now, lastStep);
  if (step === null) return false;
  const result = await db
    .updateTable('users')
    .set({ totp_last_step: step })
    .where('id', '=', userId)
    .where(column, '=', sealedKey)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

function codeFieldError(field: string, input: string): Record<string, string> | null {
  if (input.trim() === '') return { [field]: TWO_FACTOR_MESSAGES.codeMissing };
  if (normaliseTotpCode(input)) return null;
  const typed = typedCodeCharacters(input);
  const message = /^[0-9]+$/.test(typed)
    ? TWO_FACTOR_MESSAGES.codeLength
    : TWO_FACTOR_MESSAGES.codeLetters;
  return { [field]: message };
}

/** Replaces `oldSessionId` with a new, fully signed-in session in one transaction. */
async function replaceSession(
  db: Db,
  oldSessionId: string,
  user: Pick<User, 'id' | 'role'>,
  now: number,
): Promise<IssuedSession> {
  return db.transaction().execute(async (trx) => {
    const old = await trx
      .selectFrom('sessions')
      .select('user_agent')
      .where('id', '=', oldSessionId)
      .executeTakeFirst();
    await trx.deleteFrom('sessions').where('id', '=', oldSessionId).execute();
    return createSession(user.id, user.role, {
      now,
      db: trx,
      twoFactorVerified: true,
      userAgent: old?.user_agent ?? null,
    });
  });
}

/** The outcome of turning TOTP on: the recovery codes to show once, and the new session. */
export type TotpSetupResult = ({ ok: true; recoveryCodes: string[] } & IssuedSession) | CodeRefusal;

/**
 * Turns TOTP on after one code from the key shown at set-up. Issues ten new
 * recovery codes and a new verified session in place of `sessionId`.
 */
export async function confirmTotpSetup(
  session: { id: string; userId: string },
  codeInput: string,
  options: CallOptions = {},
): Promise<TotpSetupResult> {
  const db = getDb();
  const now = resolveNow(options.now);
  const shape = codeFieldError('code', codeInput);
  if (shape) return { ok: false, errors: shape };
  const user = await findUserById(session.userId, db);
  if (user?.totp_secret) return { ok: false, errors: { form: TWO_FACTOR_MESSAGES.alreadyOn } };
  if (!user?.totp_pending_secret) {
    return { ok: false, errors: { code: 'Open the set-up page again: it shows a new QR code.' } };
  }
  const counted = await countAttempt(db, user.id, now);
  if (!counted.ok) return counted;
  const code = normaliseTotpCode(codeInput)!;
  const pending = user.totp_pending_secret;
  if (!(await acceptTotpCode(db, user.id, pending, null, code, now, 'totp_pending_secret'))) {
    return { ok: false, errors: { code: TWO_FACTOR_MESSAGES.codeWrong } };
  }
  await resetRateLimit(loginFailureKey(user, ''), { db });
  const result = await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({ totp_secret: pending, totp_pending_secret: null, updated_at: now })
      .where('id', '=', user.id)
      .execute();
    const recoveryCodes = await replaceRecoveryCodes(trx, user.id, now);
    await recordAudit(trx, {
      actor: user.username,
      action: 'two-factor.totp-on',
      target: user.id,
      now,
    });
    return recoveryCodes;
  });
  const issued = await replaceSession(db, session.id, user, now);
  return { ok: true, recoveryCodes: result, ...issued };
}

/** The outcome of the second step of signing in. */
export type SecondFactorResult =
  ({ ok: true; via: 'totp' | 'recovery-code' } & IssuedSession) | CodeRefusal;

/**
 * The second step of signing in: a TOTP code (`code`) or a recovery code
 * (`recoveryCode`) for the half-signed-in `session`. On success the session is
 * replaced by a new verified one (no fixation).
 */
export async function verifySecondFactor(
  session: { id: string; userId: string },
  input: { code?: string; recoveryCode?: string },
  options: CallOptions = {},
): Promise<SecondFactorResult> {
  const db = getDb();
  const now = resolveNow(options.now);
  const code = input.code ?? '';
  const recovery = input.recoveryCode ?? '';
  if (code.trim() === '' && recovery.trim() === '') {
    return { ok: false, errors: { code: TWO_FACTOR_MESSAGES.codeMissing } };
  }
  const useRecovery = code.trim() === '';
  if (!useRecovery) {
    const shape = codeFieldError('code', code);
    if (shape) return { ok: false, errors: shape };
  }
  const user = await findUserById(session.userId, db);
  if (!user) return { ok: false, errors: { code: TWO_FACTOR_MESSAGES.codeWrong } };
  const counted = await countAttempt(db, user.id, now);
  if (!counted.ok) return counted;
  let accepted = false;
  if (useRecovery) {
    accepted = await consumeRecoveryCode(db, user.id, recovery, now);
    if (!accepted)
      return { ok: false, errors: { recoveryCode: TWO_FACTOR_MESSAGES.recoveryWrong } };
  } else {
    accepted =
      !!user.totp_secret &&
      (await acceptTotpCode(
        db,
        user.id,
        user.totp_secret,
        user.totp_last_step,
        normaliseTotpCode(code)!,
        now,
        'totp_secret',
      ));
    if (!accepted) return { ok: false, errors: { code: TWO_FACTOR_MESSAGES.codeWrong } };
  }
  await resetRateLimit(loginFailureKey(user, ''), { db });
  if (useRecovery)
    await recordAudit(db, {
      actor: user.username,
      action: 'two-factor.recovery-code-used',
      target: user.id,
      now,
    });
  const issued = await replaceSession(db, session.id, user, now);
  return { ok: true, via: useRecovery ? 'recovery-code' : 'totp', ...issued };
}

/**
 * Checks a TOTP code for an account that is already signed in (turning the
 * factor off, staff re-authentication). Counts on the lock-out counter.
 */
export async function checkTotpCode(
  userId: string,
  codeInput: string,
  options: CallOptions & { field?: string } = {},
): Promise<{ ok: true } | CodeRefusal> {
  const db = getDb();
  const now = resolveNow(options.now);
  const field = options.field ?? 'code';
  const shape = codeFieldError(field, codeInput);
  if (shape) return { ok: false, errors: shape };
  const user = await findUserById(userId, db);
  if (!user?.totp_secret) return { ok: false, errors: { [field]: TWO_FACTOR_MESSAGES.notOn } };
  const counted = await countAttempt(db, user.id, now);
  if (!counted.ok) return counted;
  const ok = await acceptTotpCode(
    db,
    user.id,
    user.totp_secret,
    user.totp_last_step,
    normaliseTotpCode(codeInput)!,
    now,
    'totp_secret',
  );
  if (!ok) return { ok: false, errors: { [field]: TWO_FACTOR_MESSAGES.codeWrong } };
  await resetRateLimit(loginFailureKey(user, ''), { db });
  return { ok: true };
}

/** Removes every second factor of an account (TOTP key, recovery codes, passkeys). */
async function clearSecondFactors(db: Db, userId: string, now: number): Promise<void> {
  await db
    .updateTable('users')
    .set({ totp_secret: null, totp_pending_secret: null, totp_last_step: null, updated_at: now })
    .where('id', '=', userId)
    .execute();
  await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  await db.deleteFrom('passkeys').where('user_id', '=', userId).execute();
}

/**
 * Turns two-factor sign-in off for a member, with their password and a code.
 * Staff cannot: the console requires a second factor.
 */
export async function disableTwoFactor(
  userId: string,
  input: { password: string; code: string },
  options: CallOptions = {},
): Promise<{ ok: true } | CodeRefusal> {
  const db = getDb();
  const now = resolveNow(options.now);
  const user = await findUserById(userId, db);
  if (!user) return { ok: false, errors: { password: 'Your current password is not right' } };
  if (user.role === 'staff') {
    return {
      ok: false,
      errors: { form: 'Staff accounts must keep two-factor sign-in: the console needs it.' },
    };
  }
  const errors: Record<string, string> = {};
  if (input.password === '') errors.password = 'Enter your current password';
  const shape = codeFieldError('code', input.code);
  if (shape) Object.assign(errors, shape);
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const password = await checkAccountPassword(user, input.password, { now, db });
  if (password === 'locked')
    return { ok: false, locked: true, retryAfter: 600, message: PASSWORD_LOCKED_MESSAGE };
  if (password === 'wrong')
    return { ok: false, errors: { password: 'Your current password is not right' } };
  const code = await checkTotpCode(user.id, input.code, { now });
  if (!code.ok) return code;
  await db.transaction().execute(async (trx) => {
    await clearSecondFactors(trx, user.id, now);
    await recordAudit(trx, {
      actor: user.username,
      action: 'two-factor.off',
      target: user.id,
      now,
    });
  });
  const config = getConfig();
  await deliverMail(twoFactorOffMessage(config, user.email, user.first_name), config);
  return { ok: true };
}

/** New recovery codes (the old ones stop working), after the password; mailed notice. */
export async function regenerateRecoveryCodes(
  userId: string,
  password: string,
  options: CallOptions = {},
): Promise<{ ok: true; recoveryCodes: string[] } | CodeRefusal> {
  const db = getDb();
  const now = resolveNow(options.now);
  const user = await findUserById(userId, db);
  if (!user) return { ok: false, errors: { password: 'Your current password is not right' } };
  if (password === '') return { ok: false, errors: { password: 'Enter your current password' } };
  if (!(await hasSecondFactor(db, user.id)))
    return { ok: false, errors: { form: TWO_FACTOR_MESSAGES.notOn } };
  const check = await checkAccountPassword(user, password, { now, db });
  if (check === 'locked')
    return { ok: false, locked: true, retryAfter: 600, message: PASSWORD_LOCKED_MESSAGE };
  if (check === 'wrong')
    return { ok: false, errors: { password: 'Your current password is not right' } };
  const recoveryCodes = await db.transaction().execute(async (trx) => {
    const codes = await replaceRecoveryCodes(trx, user.id, now);
    await recordAudit(trx, {
      actor: user.username,
      action: 'two-factor.recovery-codes-regenerated',
      target: user.id,
      now,
    });
    return codes;
  });
  const config = getConfig();
  await deliverMail(recoveryCodesMessage(config, user.email, user.first_name), config);
  return { ok: true, recoveryCodes };
}

/**
 * Another staff member resets a staff account that lost every second factor:
 * its factors are removed and its sessions end, so its next sign-in leads to
 * set-up. Never one's own account; audited.
 */
export async function resetStaffTwoFactor(
  actor: { id: string; username: string },
  targetId: string,
  options: CallOptions = {},
): Promise<{ ok: boolean; message: string }> {
  const db = getDb();
  const now = resolveNow(options.now);
  if (actor.id === targetId) {
    return { ok: false, message: 'Another staff member must reset your two-factor sign-in.' };
  }
  const target = await findUserById(targetId, db);
  if (!target || target.role !== 'staff') {
    return { ok: false, message: 'Only a staff account’s two-factor sign-in can be reset here.' };
  }
  await db.transaction().execute(async (trx) => {
    await clearSecondFactors(trx, target.id, now);
    await trx.deleteFrom('sessions').where('user_id', '=', target.id).execute();
    await recordAudit(trx, {
      actor: actor.username,
      action: 'staff.two-factor-reset',
      target: target.id,
      now,
    });
  });
  const config = getConfig();
  await deliverMail(
    twoFactorOffMessage(config, target.email, target.first_name, actor.username),
    config,
  );
  return {
    ok: true,
    message: `${target.username}'s two-factor sign-in was reset and their sessions ended: they set it up again when they next sign in.`,
  };
}
