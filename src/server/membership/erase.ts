/**
 * Erasing an account (UK GDPR erasure): the user row, its sessions, tokens,
 * rate-limit keys and newsletter subscription go in one transaction; the audit log keeps only the
 * anonymous id. Members erase themselves from their account page; staff
 * erase a member on request, repeating the username so it is never a slip.
 */
import { recordAudit } from '../audit.ts';
import { loginFailureKey } from '../authentication.ts';
import { resolveNow } from '../clock.ts';
import { rateLimitKey } from '../rate-limit.ts';
import { eraseMemberSubscription } from '../newsletter/subscribers.ts';
import { getDb } from '../store/db.ts';
import type { CallOptions } from '../users.ts';
import { describeMember, findMember, type MembershipResult } from './change.ts';
import { MEMBERSHIP_MESSAGES } from './rules.ts';

/** Erases an account by id; `actor` defaults to `self`. False when it no longer exists. */
export async function eraseAccount(
  userId: string,
  options: CallOptions & { actor?: string } = {},
): Promise<boolean> {
  const now = resolveNow(options.now);
  return getDb()
    .transaction()
    .execute(async (trx) => {
      const user = await trx
        .selectFrom('users')
        .selectAll()
        .where('id', '=', userId)
        .executeTakeFirst();
      if (!user) return false;
      const keys = [
        loginFailureKey(user, user.username),
        rateLimitKey('login-name', user.username),
        rateLimitKey('login-name', user.email),
        rateLimitKey('mail', user.email_lower),
      ];
      await trx.deleteFrom('sessions').where('user_id', '=', userId).execute();
      await trx.deleteFrom('email_tokens').where('user_id', '=', userId).execute();
      await eraseMemberSubscription(trx, user);
      await trx.deleteFrom('rate_limits').where('key', 'in', keys).execute();
      await trx.deleteFrom('users').where('id', '=', userId).execute();
      await recordAudit(trx, {
        actor: options.actor ?? 'self',
        action: 'member.erase',
        target: userId,
        now,
      });
      return true;
    });
}

/** Erases a member (by id or username) for staff; `confirmUsername` must repeat the username. */
export async function eraseMember(
  ref: string,
  confirmUsername: unknown,
  actor: string,
  options: CallOptions = {},
): Promise<MembershipResult> {
  const found = await findMember(ref);
  if (!found.ok) return found;
  const typed = typeof confirmUsername === 'string' ? confirmUsername.trim().toLowerCase() : '';
  if (typed !== found.user.username_lower)
    return {
      ok: false,
      message: `Type the username ${found.user.username} to confirm the erasure.`,
    };
  return (await eraseAccount(found.user.id, { ...options, actor }))
    ? { ok: true, message: `Erased the account ${describeMember(found.user)}.` }
    : { ok: false, message: MEMBERSHIP_MESSAGES.notFound };
}
