/**
 * Re-authentication for the riskiest staff actions (docs/security.md § Data): a roll
 * import or a members export needs the staff member's password and a second factor
 * (a code from their authenticator app, or one of their passkeys with the user
 * verified) within the last 10 minutes. The time is kept on the session row, so it
 * ends with it.
 */
import { recordAudit } from '../audit.ts';
import { MINUTE, resolveNow } from '../clock.ts';
import { checkAccountPassword, PASSWORD_LOCKED_MESSAGE } from '../password-check.ts';
import { getDb } from '../store/db.ts';
import type { CallOptions } from '../users.ts';
import { spendPasskeyProof } from '../two-factor/passkey-proof.ts';
import { checkTotpCode, getTwoFactorStatus, hasSecondFactor } from '../two-factor/two-factor.ts';

/** How recent a password entry must be for an import or export. */
export const REAUTH_WINDOW_MS = 10 * MINUTE;

/** Messages for the re-authentication form. */
export const REAUTH_MESSAGES = {
  passwordMissing: 'Enter your password',
  wrong: 'That password is not right. Try again.',
  locked: PASSWORD_LOCKED_MESSAGE,
  needed:
    'Confirm your password and a second factor first: importing or exporting needs them within the last 10 minutes.',
  neededForReset:
    "Confirm your password and a second factor first: resetting a colleague's two-factor sign-in needs them within the last 10 minutes.",
  codeWrong:
    'That code is not right or has already been used. Wait for the next code and try again.',
  noSecondFactor:
    'Importing and exporting need a second factor: set up an authenticator app or a passkey at /two-factor/setup/ first.',
  passkeyAgain: 'Use your passkey again: its confirmation is used once and lasts two minutes.',
  usePasskey:
    'Your account has no authenticator app: confirm with your passkey instead (it needs JavaScript).',
} as const;

/**
 * How a staff member proves the second factor again: a TOTP code, or the proof
 * from answering a passkey challenge just before (passkey-proof.ts).
 */
export type ReauthSecondFactor = { code: string } | { passkeyProof: string };

/** Whether the session may import or export now, and which second factors the form should offer. */
export interface ReauthState {
  fresh: boolean;
  totp: boolean;
  passkey: boolean;
}

/** The re-authentication state of a staff session, for drawing the console's forms. */
export async function loadReauthState(session: {
  id: string;
  userId: string;
}): Promise<ReauthState> {
  const [fresh, factors] = await Promise.all([
    hasRecentReauth(session.id),
    getTwoFactorStatus(session.userId),
  ]);
  return { fresh, totp: factors.totp, passkey: factors.passkeys.length > 0 };
}

/**
 * When the session's holder last typed their password: signing in counts, and
 * so does each re-authentication. Null when the session is gone.
 */
export async function lastPasswordEntry(sessionId: string): Promise<number | null> {
  const row = await getDb()
    .selectFrom('sessions')
    .select(['created_at', 'reauthenticated_at'])
    .where('id', '=', sessionId)
    .executeTakeFirst();
  if (!row) return null;
  return Math.max(row.created_at, row.reauthenticated_at ?? 0);
}

/** True when the session's password entry is recent enough for an import or export. */
export async function hasRecentReauth(
  sessionId: string,
  options: Pick<CallOptions, 'now'> = {},
): Promise<boolean> {
  const at = await lastPasswordEntry(sessionId);
  return at !== null && resolveNow(options.now) - at < REAUTH_WINDOW_MS;
}

/**
 * Why a re-authentication did not go through, and which field it concerns: the password,
 * the authenticator code, or neither (a passkey's answer, or the account itself).
 */
export type ReauthRefusal = { ok: false; message: string; field: 'password' | 'code' | null };

/** Checks the second factor given; a refusal when it does not hold. */
async function checkSecondFactor(
  user: { id: string; totp_secret: string | null },
  second: ReauthSecondFactor,
  now: number,
): Promise<{ ok: true } | ReauthRefusal> {
  if ('passkeyProof' in second)
    return (await spendPasskeyProof(getDb(), user.id, second.passkeyProof, now))
      ? { ok: true }
      : { ok: false, message: REAUTH_MESSAGES.passkeyAgain, field: null };
  if (!user.totp_secret) return { ok: false, message: REAUTH_MESSAGES.usePasskey, field: null };
  const checked = await checkTotpCode(user.id, second.code, { now });
  if (checked.ok) return checked;
  if ('locked' in checked) return { ok: false, message: REAUTH_MESSAGES.locked, field: null };
  const message = Object.values(checked.errors)[0] ?? REAUTH_MESSAGES.codeWrong;
  return { ok: false, message, field: 'code' };
}

/**
 * Checks the staff member's password and second factor, and stamps the session.
 * Wrong passwords count towards the same per-account lock as sign-in failures.
 */
export async function reauthenticateStaff(
  session: { id: string; userId: string },
  password: string,
  secondFactor: ReauthSecondFactor,
  options: Pick<CallOptions, 'now'> = {},
): Promise<{ ok: true } | ReauthRefusal> {
  if (password === '')
    return { ok: false, message: REAUTH_MESSAGES.passwordMissing, field: 'password' };
  const now = resolveNow(options.now);
  const db = getDb();
  const user = await db
    .selectFrom('users')
    .select(['id', 'username', 'password_hash', 'totp_secret'])
    .where('id', '=', session.userId)
    .executeTakeFirst();
  if (!user) return { ok: false, message: REAUTH_MESSAGES.wrong, field: 'password' };
  if (!(await hasSecondFactor(db, user.id)))
    return { ok: false, message: REAUTH_MESSAGES.noSecondFactor, field: null };
  const check = await checkAccountPassword(user, password, { now });
  if (check === 'locked') return { ok: false, message: REAUTH_MESSAGES.locked, field: null };
  if (check === 'wrong') {
    await recordAudit(getDb(), { actor: user.username, action: 'staff.reauth-failed', now });
    return { ok: false, message: REAUTH_MESSAGES.wrong, field: 'password' };
  }
  const second = await checkSecondFactor(user, secondFactor, now);
  if (!second.ok) {
    if (second.message !== REAUTH_MESSAGES.locked)
      await recordAudit(getDb(), { actor: user.username, action: 'staff.reauth-failed', now });
    return second;
  }
  await db
    .updateTable('sessions')
    .set({ reauthenticated_at: now })
    .where('id', '=', session.id)
    .execute();
  await recordAudit(getDb(), { actor: user.username, action: 'staff.reauth', now });
  return { ok: true };
}
