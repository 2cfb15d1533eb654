/**
 * Reinstating a member: a suspended or rejected member becomes confirmed
 * again, unless another confirmed member now holds their warrant number.
 */
import { resolveNow } from '../clock.ts';
import type { CallOptions } from '../users.ts';
import {
  describeMember,
  findMember,
  runChange,
  writeConfirmed,
  type MembershipResult,
} from './change.ts';
import { MEMBERSHIP_MESSAGES } from './rules.ts';

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
  // Reinstating gives a membership back; it never stands in for confirming an email address.
  if (user.verified_at === null) {
    return {
      ok: false,
      message: `${describeMember(user)} never confirmed their email address, so there is no membership to give back.`,
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
