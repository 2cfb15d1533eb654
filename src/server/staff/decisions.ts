/**
 * Deciding registrations from the review queue. Each decision is a conditional
 * update (`where status = 'pending'`) inside a transaction, so when two staff
 * act on the same registration at once exactly one decision is made and the
 * other learns who made it.
 */
import { recordAudit } from '../audit.ts';
import { resolveNow } from '../clock.ts';
import { getConfig } from '../config.ts';
import { deliverMail } from '../mail.ts';
import { confirmedMessage, rejectedMessage } from '../mail-templates.ts';
import { isClaimedByOther, markConfirmed, markEnded } from '../member-status.ts';
import { getDb, isUniqueViolation, type Db } from '../store/db.ts';
import type { User } from '../store/schema.ts';
import { findUserById, type CallOptions } from '../users.ts';

/** A decision's outcome; `message` is for the staff member who asked. */
export type DecisionResult = { ok: true; message: string } | { ok: false; message: string };

/** Longest reason a rejection may carry (it is emailed to the member). */
export const MAX_REASON_LENGTH = 500;

const MESSAGES = {
  notFound: 'That registration no longer exists.',
  notPending: 'That account is not waiting for review.',
  claimed: 'Another confirmed member already holds this warrant number, so it was not confirmed.',
  reasonMissing: 'Give a reason: it is emailed to the member.',
  reasonTooLong: `Keep the reason under ${MAX_REASON_LENGTH} characters.`,
  reasonHasNumber:
    'Leave warrant numbers out of the reason: it is emailed and kept in the audit log. Say "the warrant number ending 12" instead.',
} as const;

/** Who decided a registration that is no longer pending, for the losing staff member. */
export async function describeEarlierDecision(db: Db, user: User): Promise<string> {
  const entry = await db
    .selectFrom('audit_log')
    .select(['actor', 'action'])
    .where('target', '=', user.id)
    .where('action', 'in', ['member.confirm', 'member.reject'])
    .orderBy('at', 'desc')
    .limit(1)
    .executeTakeFirst();
  const name = `${user.first_name} ${user.surname}`.trim();
  if (!entry)
    return `${name}'s registration was already decided: the account is now ${user.status}.`;
  const verb = entry.action === 'member.confirm' ? 'confirmed' : 'rejected';
  return `${name}'s registration was already decided: ${verb} by ${entry.actor}.`;
}

/** The pending member to decide on, or why there is none: gone, or decided already and by whom. */
async function findPendingMember(
  db: Db,
  userId: string,
): Promise<{ ok: true; user: User } | { ok: false; message: string }> {
  const user = await findUserById(userId, db);
  if (!user || user.role !== 'member') return { ok: false, message: MESSAGES.notFound };
  if (user.status !== 'pending')
    return { ok: false, message: await describeEarlierDecision(db, user) };
  return { ok: true, user };
}

/** The answer when another staff member's decision landed between our read and our update. */
async function lostRace(db: Db, user: User): Promise<DecisionResult> {
  const latest = (await findUserById(user.id, db)) ?? user;
  return { ok: false, message: await describeEarlierDecision(db, latest) };
}

/** Confirms a pending registration and emails the member. */
export async function confirmRegistration(
  userId: string,
  actor: string,
  options: CallOptions = {},
): Promise<DecisionResult> {
  const now = resolveNow(options.now);
  const db = getDb();
  const found = await findPendingMember(db, userId);
  if (!found.ok) return found;
  const { user } = found;
  let won: boolean | 'claimed';
  try {
    won = await db.transaction().execute(async (trx) => {
      if (await isClaimedByOther(trx, user)) return 'claimed' as const;
      return markConfirmed(trx, user, 'review', { actor, now, onlyIfPending: true });
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    won = 'claimed';
  }
  if (won === 'claimed') return { ok: false, message: MESSAGES.claimed };
  if (!won) return lostRace(db, user);
  await deliverMail(confirmedMessage(getConfig(), user.email, user.first_name));
  return { ok: true, message: `Confirmed ${user.first_name} ${user.surname} (${user.username}).` };
}

/** Checks a rejection reason; returns the trimmed reason or a message. */
export function checkReason(
  reason: string,
): { ok: true; reason: string } | { ok: false; message: string } {
  const trimmed = reason.trim();
  if (!trimmed) return { ok: false, message: MESSAGES.reasonMissing };
  if ([...trimmed].length > MAX_REASON_LENGTH)
    return { ok: false, message: MESSAGES.reasonTooLong };
  if (/(^|\D)\d{6}(\D|$)/.test(trimmed)) return { ok: false, message: MESSAGES.reasonHasNumber };
  return { ok: true, reason: trimmed };
}

/** Rejects a pending registration with a reason, ends its sessions and emails the member. */
export async function rejectRegistration(
  userId: string,
  actor: string,
  reasonInput: string,
  options: CallOptions = {},
): Promise<DecisionResult> {
  const checked = checkReason(reasonInput);
  if (!checked.ok) return checked;
  const now = resolveNow(options.now);
  const db = getDb();
  const found = await findPendingMember(db, userId);
  if (!found.ok) return found;
  const { user } = found;
  const won = await db
    .transaction()
    .execute((trx) =>
      markEnded(trx, user, 'rejected', checked.reason, { actor, now, onlyIfPending: true }),
    );
  if (!won) return lostRace(db, user);
  await deliverMail(rejectedMessage(getConfig(), user.email, user.first_name, checked.reason));
  return {
    ok: true,
    message: `Rejected ${user.first_name} ${user.surname} (${user.username}); they have been emailed the reason.`,
  };
}

/**
 * Confirms, in one transaction, every pending registration whose number and
 * surname match a serving roll entry and whose number nobody holds yet.
 */
export async function confirmAllRollMatched(
  actor: string,
  options: CallOptions = {},
): Promise<{ confirmed: number; skipped: number }> {
  const now = resolveNow(options.now);
  const db = getDb();
  const candidates = await db
    .selectFrom('users')
    .selectAll()
    .where('status', '=', 'pending')
    .where('role', '=', 'member')
    .where('roll_on_roll', '=', 1)
    .where('roll_surname_match', '=', 1)
    .where('roll_status', '=', 'serving')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const confirmed = await db.transaction().execute(async (trx) => {
    const done: User[] = [];
    for (const user of candidates) {
      if (await isClaimedByOther(trx, user)) continue;
      if (await markConfirmed(trx, user, 'bulk', { actor, now, onlyIfPending: true }))
        done.push(user);
    }
    if (done.length > 0) {
      await recordAudit(trx, {
        actor,
        action: 'member.bulk-confirm',
        detail: { confirmed: done.length, skipped: candidates.length - done.length },
        now,
      });
    }
    return done;
  });
  for (const user of confirmed)
    await deliverMail(confirmedMessage(getConfig(), user.email, user.first_name));
  return { confirmed: confirmed.length, skipped: candidates.length - confirmed.length };
}
