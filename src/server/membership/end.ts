/**
 * Ending a membership with a reason: rejecting a pending registration, or
 * suspending a member. One rule for both: the reason is required, at most
 * 500 characters and without warrant numbers (it is emailed and audited);
 * the warrant claim is released and every session ends at once.
 */
import { resolveNow } from '../clock.ts';
import { getConfig } from '../config.ts';
import { deliverMail } from '../mail.ts';
import { rejectedMessage } from '../mail-templates.ts';
import type { Db } from '../store/db.ts';
import type { User } from '../store/schema.ts';
import type { CallOptions } from '../users.ts';
import {
  describeEarlierDecision,
  describeMember,
  findMember,
  findPending,
  runChange,
  writeEnded,
  type MembershipResult,
} from './change.ts';
import { checkReason, MEMBERSHIP_MESSAGES } from './rules.ts';

/** Suspends a confirmed `user` inside `trx` with a checked reason. False when not confirmed (any more). */
export function suspendInTransaction(
  trx: Db,
  user: User,
  reason: string,
  actor: string,
  now: number,
): Promise<boolean> {
  if (user.status !== 'confirmed') return Promise.resolve(false);
  return writeEnded(trx, user, 'confirmed', 'suspended', reason, { actor, now });
}

const ENDINGS = {
  rejected: {
    find: findPending,
    refuse: () => null,
    done: (user: User) => `Rejected ${describeMember(user)}; they have been emailed the reason.`,
  },
  suspended: {
    find: (ref: string) => findMember(ref),
    // Only a membership can be suspended: a registration is rejected, or left to expire.
    refuse: (user: User) =>
      user.status === 'suspended'
        ? `${describeMember(user)} is already suspended.`
        : user.status !== 'confirmed'
          ? `${describeMember(user)} is ${user.status}, not a confirmed member: ${user.status === 'pending' ? 'reject the registration instead' : 'there is no membership to suspend'}.`
          : null,
    done: (user: User) => `Suspended ${describeMember(user)}.`,
  },
} as const;

async function endMembership(
  to: 'rejected' | 'suspended',
  ref: string,
  actor: string,
  reason: unknown,
  options: CallOptions,
): Promise<{ result: MembershipResult; user?: User; reason?: string }> {
  const checked = checkReason(reason);
  if (!checked.ok) return { result: { ...checked, field: 'reason' } };
  const ending = ENDINGS[to];
  const found = await ending.find(ref);
  if (!found.ok) return { result: found };
  const { user } = found;
  const refusal = ending.refuse(user);
  if (refusal) return { result: { ok: false, message: refusal } };
  const now = resolveNow(options.now);
  const from = user.status;
  const result = await runChange(async (trx) => {
    if (await writeEnded(trx, user, from, to, checked.reason, { actor, now }))
      return { ok: true as const, message: ending.done(user) };
    const message =
      to === 'rejected'
        ? await describeEarlierDecision(trx, user.id)
        : MEMBERSHIP_MESSAGES.changedMeanwhile;
    return { ok: false as const, message };
  });
  return { result, user, reason: checked.reason };
}

/** Rejects a pending registration (by id or username) with a reason, and emails it to them. */
export async function rejectMember(
  ref: string,
  actor: string,
  reason: unknown,
  options: CallOptions = {},
): Promise<MembershipResult> {
  const ended = await endMembership('rejected', ref, actor, reason, options);
  if (ended.result.ok && ended.user)
    await deliverMail(
      rejectedMessage(getConfig(), ended.user.email, ended.user.first_name, ended.reason ?? ''),
    );
  return ended.result;
}

/** Suspends a member (by id or username) with a reason: they cannot sign in from now on. */
export async function suspendMember(
  ref: string,
  actor: string,
  reason: unknown,
  options: CallOptions = {},
): Promise<MembershipResult> {
  return (await endMembership('suspended', ref, actor, reason, options)).result;
}
