/**
 * The writes behind every membership change, each inside the caller's
 * transaction with its audit entry, and the one place where a lost race is
 * turned into an answer: a conditional update that finds the account already
 * changed, or the unique key on `warrant_claim` refusing a second holder.
 * "Confirmed" is written here and nowhere else.
 */
import { recordAudit } from '../audit.ts';
import { getDb, isUniqueViolation, type Db } from '../store/db.ts';
import type { User, UserStatus } from '../store/schema.ts';
import { findUserById, findUserByRef } from '../users.ts';
import { MEMBERSHIP_MESSAGES } from './rules.ts';

/** A membership change's outcome; `message` is for the staff member or operator who asked. */
export type MembershipResult =
  | { ok: true; message: string }
  /** `field` names the input at fault when one is (the reason), for a page that shows it there. */
  | { ok: false; message: string; field?: 'reason' };

/** Who acts and when. `actor` is a staff username, `cli:<name>` or `auto`. */
export interface Actor {
  actor: string;
  now: number;
}

/** How a person is named in answers: "First Surname (username)". */
export function describeMember(user: Pick<User, 'first_name' | 'surname' | 'username'>): string {
  return `${`${user.first_name} ${user.surname}`.trim()} (${user.username})`;
}

/** Thrown inside a change's transaction to roll it back with an answer. */
export class Refusal extends Error {}

/** True when an error is the store refusing a second holder of a warrant number. */
export function isClaimRace(error: unknown): boolean {
  // warrant_claim is the only unique key a membership change writes.
  return isUniqueViolation(error);
}

/**
 * Runs one change in a transaction. A `Refusal` thrown inside, or the store
 * refusing a second holder of a warrant number (a confirmation that raced
 * another one), rolls it back and becomes `{ ok: false }` with its message.
 * Changes from other processes wait for one another at the transaction's
 * start (see `SQLITE_BEGIN` in store/db.ts), so each reads the other's result.
 */
export async function runChange<T extends MembershipResult>(
  work: (trx: Db) => Promise<T>,
  db: Db = getDb(),
): Promise<T | { ok: false; message: string }> {
  try {
    return await db.transaction().execute(work);
  } catch (error) {
    if (error instanceof Refusal) return { ok: false, message: error.message };
    if (isClaimRace(error)) return { ok: false, message: MEMBERSHIP_MESSAGES.claimed };
    throw error;
  }
}

/** The member account `ref` (id or username) names, or why it cannot be changed. */
export async function findMember(
  ref: string,
  db: Db = getDb(),
): Promise<{ ok: true; user: User } | { ok: false; message: string }> {
  const user = await findUserByRef(ref, db);
  if (!user) return { ok: false, message: MEMBERSHIP_MESSAGES.notFound };
  if (user.role !== 'member') return { ok: false, message: MEMBERSHIP_MESSAGES.staffAccount };
  return { ok: true, user };
}

/** The pending registration `ref` names, or why there is none (gone, or decided and by whom). */
export async function findPending(
  ref: string,
  db: Db = getDb(),
): Promise<{ ok: true; user: User } | { ok: false; message: string }> {
  const found = await findMember(ref, db);
  if (!found.ok || found.user.status === 'pending') return found;
  return { ok: false, message: await describeEarlierDecision(db, found.user.id) };
}

/** True when another account already holds the claim on this user's warrant number. */
export async function isClaimedByOther(db: Db, user: User): Promise<boolean> {
  if (!user.warrant_hmac) return false;
  const holder = await db
    .selectFrom('users')
    .select('id')
    .where('warrant_claim', '=', user.warrant_hmac)
    .where('id', '<>', user.id)
    .executeTakeFirst();
  return holder !== undefined;
}

/** Who decided a registration that is no longer pending, for the one who lost the race. */
export async function describeEarlierDecision(db: Db, userId: string): Promise<string> {
  const user = await findUserById(userId, db);
  if (!user) return MEMBERSHIP_MESSAGES.notFound;
  if (user.status === 'unverified')
    return `${describeMember(user)} has not verified their email yet, so there is nothing to decide.`;
  const entry = await db
    .selectFrom('audit_log')
    .select(['actor', 'action'])
    .where('target', '=', userId)
    .where('action', 'in', ['member.confirm', 'member.reject'])
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!entry)
    return `The registration of ${describeMember(user)} was already decided: the account is now ${user.status}.`;
  const verb = entry.action === 'member.confirm' ? 'confirmed' : 'rejected';
  return `The registration of ${describeMember(user)} was already decided: ${verb} by ${entry.actor}.`;
}

/**
 * Makes `user` a confirmed member, taking the claim on their warrant number,
 * if their status is still `from`; audits it as `action` with `detail`.
 * Refuses (rolling back) when another member holds the number. Returns false
 * when the status had changed meanwhile.
 */
export async function writeConfirmed(
  trx: Db,
  user: User,
  from: UserStatus,
  audit: { action: 'member.confirm' | 'member.reinstate'; detail: Record<string, unknown> },
  { actor, now }: Actor,
): Promise<boolean> {
  // Checked first for a clear answer; the unique key still decides a race (see runChange).
  if (await isClaimedByOther(trx, user))
    throw new Refusal(
      audit.action === 'member.confirm'
        ? MEMBERSHIP_MESSAGES.claimed
        : MEMBERSHIP_MESSAGES.claimedOnReinstate,
    );
  const updated = await trx
    .updateTable('users')
    .set({
      status: 'confirmed',
      warrant_claim: user.warrant_hmac,
      confirmed_at: user.confirmed_at ?? now,
      reject_reason: null,
      updated_at: now,
    })
    .where('id', '=', user.id)
    .where('status', '=', from)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) return false;
  await recordAudit(trx, {
    actor,
    action: audit.action,
    target: user.id,
    detail: { username: user.username, ...audit.detail },
    now,
  });
  return true;
}

/**
 * Rejects or suspends `user` with `reason` if their status is still `from`:
 * releases their warrant claim, ends their sessions at once and audits it.
 * Returns false when the status had changed meanwhile.
 */
export async function writeEnded(
  trx: Db,
  user: User,
  from: UserStatus,
  to: 'rejected' | 'suspended',
  reason: string,
  { actor, now }: Actor,
): Promise<boolean> {
  const updated = await trx
    .updateTable('users')
    .set({ status: to, reject_reason: reason, warrant_claim: null, updated_at: now })
    .where('id', '=', user.id)
    .where('status', '=', from)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) return false;
  await trx.deleteFrom('sessions').where('user_id', '=', user.id).execute();
  await recordAudit(trx, {
    actor,
    action: to === 'rejected' ? 'member.reject' : 'member.suspend',
    target: user.id,
    detail: { username: user.username, reason, from },
    now,
  });
  return true;
}
