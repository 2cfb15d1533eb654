/**
 * Confirming registrations: one at a time, every roll match at once, and the automatic confirmation under CONFIRM_POLICY=auto.
 * Only a pending registration is decided; when two decisions race, exactly
 * one lands and the other is told who decided. Emails go after the commit.
 */
import { recordAudit } from '../audit.ts';
import { resolveNow } from '../clock.ts';
import { getConfig } from '../config.ts';
import { deliverMail } from '../mail.ts';
import { confirmedMessage } from '../mail-templates.ts';
import { rollMatchedSql } from '../roll/match.ts';
import { getDb, type Db } from '../store/db.ts';
import type { User } from '../store/schema.ts';
import type { CallOptions } from '../users.ts';
import {
  describeEarlierDecision,
  describeMember,
  findPending,
  isClaimedByOther,
  runChange,
  writeConfirmed,
  type MembershipResult,
} from './change.ts';

/** How a confirmation came about, kept in its audit entry. */
export type ConfirmHow = 'review' | 'roll-match' | 'auto';

/**
 * Confirms `user` inside `trx` if still pending. False when someone decided
 * first; throws `Refusal` (through `runChange`) when the number is held.
 */
export function confirmPending(
  trx: Db,
  user: User,
  how: ConfirmHow,
  actor: string,
  now: number,
): Promise<boolean> {
  return writeConfirmed(
    trx,
    user,
    'pending',
    { action: 'member.confirm', detail: { how } },
    { actor, now },
  );
}

/**
 * Under CONFIRM_POLICY=auto, confirms a registration whose email was just
 * verified and which matches the roll, inside the verification's transaction,
 * unless another member holds the number (then staff decide). A race with
 * another confirmation surfaces as an error `isClaimRace` recognises.
 */
export async function confirmOnVerification(trx: Db, user: User, now: number): Promise<boolean> {
  if (await isClaimedByOther(trx, user)) return false;
  return confirmPending(trx, user, 'auto', 'auto', now);
}

/** Tells a member they are confirmed; called after the change is committed. */
export async function sendConfirmed(user: User): Promise<void> {
  await deliverMail(confirmedMessage(getConfig(), user.email, user.first_name));
}

/** Confirms a pending registration (by id or username) and emails the member. */
export async function confirmMember(
  ref: string,
  actor: string,
  options: CallOptions = {},
): Promise<MembershipResult> {
  const now = resolveNow(options.now);
  const db = getDb();
  const found = await findPending(ref, db);
  if (!found.ok) return found;
  const { user } = found;
  const result = await runChange(async (trx) =>
    (await confirmPending(trx, user, 'review', actor, now))
      ? { ok: true as const, message: `Confirmed ${describeMember(user)}.` }
      : { ok: false as const, message: await describeEarlierDecision(trx, user.id) },
  );
  if (result.ok) await sendConfirmed(user);
  return result;
}

/** Counts from a bulk confirmation. */
export interface BulkConfirmResult {
  confirmed: number;
  skipped: number;
  message: string;
}

/**
 * Confirms every pending registration that matches the roll (serving or
 * retired) and whose number nobody holds, each in its own transaction with
 * its audit entry, then records one summary entry and emails each member.
 */
export async function confirmRollMatches(
  actor: string,
  options: CallOptions = {},
): Promise<BulkConfirmResult> {
  const now = resolveNow(options.now);
  const db = getDb();
  const candidates = await db
    .selectFrom('users as u')
    .selectAll()
    .where('u.status', '=', 'pending')
    .where('u.role', '=', 'member')
    .where(rollMatchedSql('u'))
    .orderBy('u.created_at')
    .orderBy('u.id')
    .execute();
  const confirmed: User[] = [];
  for (const user of candidates) {
    const result = await runChange(async (trx) =>
      (await confirmPending(trx, user, 'roll-match', actor, now))
        ? { ok: true as const, message: '' }
        : { ok: false as const, message: '' },
    );
    if (!result.ok) continue;
    confirmed.push(user);
    // Told at once: should a later change fail (the store busy or gone), everyone
    // confirmed so far has had their email, and a rerun no longer finds them pending.
    await sendConfirmed(user);
  }
  const skipped = candidates.length - confirmed.length;
  if (candidates.length > 0) {
    await recordAudit(db, {
      actor,
      action: 'member.bulk-confirm',
      detail: { confirmed: confirmed.length, skipped },
      now,
    });
  }
  const n = confirmed.length;
  const message =
    `Confirmed ${n} roll-matched registration${n === 1 ? '' : 's'}.` +
    (skipped ? ` ${skipped} could not be (already decided or number claimed).` : '');
  return { confirmed: n, skipped, message };
}
