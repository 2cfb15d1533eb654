/**
 * Re-authentication for the riskiest staff actions (SECURITY.md 25): a roll
 * import or a members export needs the staff member's password within the
 * last 10 minutes. The time is kept on the session row, so it ends with it.
 */
import { recordAudit } from '../audit.ts';
import { MINUTE, resolveNow } from '../clock.ts';
import { checkAccountPassword, PASSWORD_LOCKED_MESSAGE } from '../password-check.ts';
import { getDb } from '../store/db.ts';
import type { CallOptions } from '../users.ts';

/** How recent a password entry must be for an import or export. */
export const REAUTH_WINDOW_MS = 10 * MINUTE;

/** Messages for the re-authentication form. */
export const REAUTH_MESSAGES = {
  wrong: 'That password is not right. Try again.',
  locked: PASSWORD_LOCKED_MESSAGE,
  needed:
    'Confirm your password first: importing or exporting needs it within the last 10 minutes.',
} as const;

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
 * Checks the staff member's password and stamps the session. Wrong passwords
 * count towards the same per-account lock as sign-in failures.
 */
export async function reauthenticateStaff(
  session: { id: string; userId: string },
  password: string,
  options: Pick<CallOptions, 'now'> = {},
): Promise<{ ok: true } | { ok: false; message: string }> {
  const now = resolveNow(options.now);
  const db = getDb();
  const user = await db
    .selectFrom('users')
    .select(['id', 'username', 'password_hash'])
    .where('id', '=', session.userId)
    .executeTakeFirst();
  if (!user) return { ok: false, message: REAUTH_MESSAGES.wrong };
  const check = await checkAccountPassword(user, password, { now });
  if (check === 'locked') return { ok: false, message: REAUTH_MESSAGES.locked };
  if (check === 'wrong') {
    await recordAudit(getDb(), { actor: user.username, action: 'staff.reauth-failed', now });
    return { ok: false, message: REAUTH_MESSAGES.wrong };
  }
  await db
    .updateTable('sessions')
    .set({ reauthenticated_at: now })
    .where('id', '=', session.id)
    .execute();
  await recordAudit(getDb(), { actor: user.username, action: 'staff.reauth', now });
  return { ok: true };
}
