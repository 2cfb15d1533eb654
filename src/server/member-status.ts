/**
 * Changing a member account's status inside the caller's transaction, with its
 * audit entry: the one place that says what confirming or ending a membership
 * writes, for the review commands and the staff console alike.
 */
import { recordAudit } from './audit.ts';
import type { Db } from './store/db.ts';
import type { User } from './store/schema.ts';

/** Who acts, when, and whether the change may only be made to a still-pending account. */
export interface StatusChange {
  actor: string;
  now: number;
  /**
   * Makes the update conditional on `status = 'pending'`, so when two staff
   * decide at once exactly one decision lands; the other gets `false`.
   */
  onlyIfPending?: boolean;
}

/** True when another account already holds the claim on this user's warrant HMAC. */
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

/**
 * Confirms `user`, taking the claim on their warrant number, and audits it as
 * `member.confirm` with `how`. False only when `onlyIfPending` and someone else
 * decided first.
 */
export async function markConfirmed(
  trx: Db,
  user: User,
  how: string,
  change: StatusChange,
): Promise<boolean> {
  const { actor, now } = change;
  let update = trx
    .updateTable('users')
    .set({
      status: 'confirmed',
      warrant_claim: user.warrant_hmac,
      confirmed_at: now,
      reject_reason: null,
      updated_at: now,
    })
    .where('id', '=', user.id);
  if (change.onlyIfPending) update = update.where('status', '=', 'pending');
  const updated = await update.executeTakeFirst();
  if (change.onlyIfPending && Number(updated.numUpdatedRows) !== 1) return false;
  await recordAudit(trx, {
    actor,
    action: 'member.confirm',
    target: user.id,
    detail: { username: user.username, how },
    now,
  });
  return true;
}

/**
 * Rejects or suspends `user` with `reason`: releases their warrant claim, ends
 * their sessions at once (docs/security.md § Sessions) and audits it. False only when
 * `onlyIfPending` and someone else decided first.
 */
export async function markEnded(
  trx: Db,
  user: User,
  status: 'rejected' | 'suspended',
  reason: string,
  change: StatusChange,
): Promise<boolean> {
  const { actor, now } = change;
  let update = trx
    .updateTable('users')
    .set({ status, reject_reason: reason || null, warrant_claim: null, updated_at: now })
    .where('id', '=', user.id);
  if (change.onlyIfPending) update = update.where('status', '=', 'pending');
  const updated = await update.executeTakeFirst();
  if (change.onlyIfPending && Number(updated.numUpdatedRows) !== 1) return false;
  await trx.deleteFrom('sessions').where('user_id', '=', user.id).execute();
  await recordAudit(trx, {
    actor,
    action: status === 'rejected' ? 'member.reject' : 'member.suspend',
    target: user.id,
    detail: { username: user.username, reason },
    now,
  });
  return true;
}
