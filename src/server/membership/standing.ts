/**
 * A member's standing after their registration is decided: suspend (with a
 * reason; they cannot sign in and their sessions end at once) and reinstate
 * (a suspended or rejected member becomes confirmed again, unless another
 * confirmed member now holds their warrant number).
 */
import { resolveNow } from '../clock.ts';
import type { Db } from '../store/db.ts';
import type { User } from '../store/schema.ts';
import type { CallOptions } from '../users.ts';
import {
  describeMember,
  findMember,
  runChange,
  writeConfirmed,
  writeEnded,
  type MembershipResult,
} from './change.ts';
import { checkReason, MEMBERSHIP_MESSAGES } from './rules.ts';

/** Suspends `user` inside `trx` with a reason already checked. False when already suspended or changed meanwhile. */
export function suspendInTransaction(
  trx: Db,
  user: User,
  reason: string,
  actor: string,
  now: number,
): Promise<boolean> {
  if (user.status === 'suspended') return Promise.resolve(false);
  return writeEnded(trx, user, user.status, 'suspended', reason, { actor, now });
}

/** Suspends a member (by id or username) with a reason (required, without warrant numbers). */
export async function suspendMember(
  ref: string,
  actor: string,
  reason: unknown,
  options: CallOptions = {},
): Promise<MembershipResult> {
  const checked = checkReason(reason);
  if (!checked.ok) return checked;
  const found = await findMember(ref);
  if (!found.ok) return found;
  const { user } = found;
  if (user.status === 'suspended')
    return { ok: false, message: `${describeMember(user)} is already suspended.` };
  const now = resolveNow(options.now);
  return runChange(async (trx) =>
    (await suspendInTransaction(trx, user, checked.reason, actor, now))
      ? { ok: true as const, message: `Suspended ${describeMember(user)}.` }
      : { ok: false as const, message: MEMBERSHIP_MESSAGES.changedMeanwhile },
  );
}

/** Gives a suspended or rejected member (by id or username) their membership back. */
export async function reinstateMember(
  ref: string,
  actor: string,
  options: CallOptions = {},
): Promise<MembershipResult> {
  const found = await findMember(ref);
  if (!found.ok) return found;
  const { user } = found;
  if (user.status !== 'suspended' && user.status !== 'rejected') {
    return {
      ok: false,
      message: `${describeMember(user)} is ${user.status}, so there is nothing to reinstate.`,
    };
  }
  const now = resolveNow(options.now);
  return runChange(async (trx) =>
    (await writeConfirmed(
      trx,
      user,
      user.status,
      { action: 'member.reinstate', detail: { from: user.status } },
      { actor, now },
    ))
      ? { ok: true as const, message: `Reinstated ${describeMember(user)}.` }
      : { ok: false as const, message: MEMBERSHIP_MESSAGES.changedMeanwhile },
  );
}
