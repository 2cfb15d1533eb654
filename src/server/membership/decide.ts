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
  /** Roll matches left for another run, once the time budget ran out. */
  remaining: number;
  message: string;
}

/**
 * How long one bulk confirmation from the console keeps starting new confirmations, in
 * milliseconds. Each sends its email over SMTP (a connection per message, a few hundred
 * milliseconds), and a Netlify function answers within 60 seconds or fails
 * (docs.netlify.com/build/functions/configuration): 2,500 matches are several runs.
 */
export const CONSOLE_BULK_CONFIRM_BUDGET_MS = 20_000;

/** Options of a bulk confirmation. */
export interface BulkConfirmOptions extends CallOptions {
  /** Starts no confirmation after this many milliseconds; the rest wait for the next run. Unset: no limit (the CLI). */
  budgetMs?: number;
  /** Monotonic milliseconds for the budget (tests); `performance.now` by default. */
  elapsed?: () => number;
}

/**
 * Confirms every pending registration that matches the roll (serving or
 * retired) and whose number nobody holds, oldest first, each in its own
 * transaction with its audit entry and followed by its email, then records one
 * summary entry. With `budgetMs`, stops starting confirmations once that time
 * has passed and counts the rest as `remaining`.
 */
export async function confirmRollMatches(
  actor: string,
  options: BulkConfirmOptions = {},
): Promise<BulkConfirmResult> {
  const now = resolveNow(options.now);
  const elapsed = options.elapsed ?? (() => performance.now());
  const deadline = elapsed() + (options.budgetMs ?? Infinity);
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
  let tried = 0;
  for (const user of candidates) {
    if (elapsed() >= deadline) break;
    tried++;
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
  const skipped = tried - confirmed.length;
  const remaining = candidates.length - tried;
  if (tried > 0) {
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
    (skipped
      ? ` ${skipped} ${skipped === 1 ? 'was' : 'were'} not: decided by someone else meanwhile, or the number is held by another member.`
      : '') +
    (remaining
      ? ` ${remaining} more ${remaining === 1 ? 'is' : 'are'} still waiting: confirm again to go on (each run stops after ${Math.round((options.budgetMs ?? 0) / 1000)} seconds, so the page never times out).`
      : '');
  return { confirmed: n, skipped, remaining, message };
}
