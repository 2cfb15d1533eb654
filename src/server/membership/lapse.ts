/**
 * Members who left the roll: a confirmed member whose number was on the old
 * roll but is missing from the new one is recorded as lapsed by the import
 * (CLI or console), never removed silently. Staff keep them (for example a
 * late roll correction) or suspend them; each decision is one transaction
 * with its audit entry.
 */
import { recordAudit } from '../audit.ts';
import { resolveNow } from '../clock.ts';
import { getDb, type Db } from '../store/db.ts';
import type { CallOptions } from '../users.ts';
import { describeMember, findMember, Refusal, runChange, type MembershipResult } from './change.ts';
import { MEMBERSHIP_MESSAGES } from './rules.ts';
import { suspendInTransaction } from './end.ts';

/** A confirmed member who left the roll, as the import found them. */
export interface LapsedMember {
  userId: string;
  name: string;
  username: string;
}

/** One member awaiting a decision, as the console lists them. */
export interface LapsedEntry {
  userId: string;
  name: string;
  username: string;
  email: string;
  warrantEndsIn: string | null;
  lapsedAt: number;
}

/** The reason recorded when staff suspend a member who left the roll. */
export const LAPSE_SUSPEND_REASON = 'No longer on the federation roll';

/** Records members who left the roll with `importId`, awaiting a decision (again, if decided before). */
export async function recordLapses(
  trx: Db,
  members: readonly LapsedMember[],
  importId: string,
  now: number,
): Promise<void> {
  const fresh = {
    import_id: importId,
    lapsed_at: now,
    decided_at: null,
    decided_by: null,
    decision: null,
  };
  for (const member of members) {
    await trx
      .insertInto('roll_lapses')
      .values({ user_id: member.userId, ...fresh })
      .onConflict((oc) => oc.column('user_id').doUpdateSet(fresh))
      .execute();
  }
}

/** Members who left the roll and have not been decided on, longest-waiting first. */
export async function listLapsedMembers(db: Db = getDb()): Promise<LapsedEntry[]> {
  const rows = await db
    .selectFrom('roll_lapses')
    .innerJoin('users', 'users.id', 'roll_lapses.user_id')
    .select([
      'users.id',
      'users.first_name',
      'users.surname',
      'users.username',
      'users.email',
      'users.warrant_last2',
      'roll_lapses.lapsed_at',
    ])
    .where('roll_lapses.decided_at', 'is', null)
    .orderBy('roll_lapses.lapsed_at')
    .orderBy('users.surname')
    .limit(1000)
    .execute();
  return rows.map((r) => ({
    userId: r.id,
    name: `${r.first_name} ${r.surname}`,
    username: r.username,
    email: r.email,
    warrantEndsIn: r.warrant_last2,
    lapsedAt: r.lapsed_at,
  }));
}

/** Records the decision on a lapsed member; `suspend` also ends their access at once. */
export async function decideLapse(
  userId: string,
  decision: 'keep' | 'suspend',
  actor: string,
  options: CallOptions = {},
): Promise<MembershipResult> {
  const now = resolveNow(options.now);
  const found = await findMember(userId);
  if (!found.ok) return found;
  const { user } = found;
  return runChange(async (trx) => {
    const marked = await trx
      .updateTable('roll_lapses')
      .set({
        decided_at: now,
        decided_by: actor,
        decision: decision === 'keep' ? 'kept' : 'suspended',
      })
      .where('user_id', '=', userId)
      .where('decided_at', 'is', null)
      .executeTakeFirst();
    if (Number(marked.numUpdatedRows) !== 1) throw new Refusal(MEMBERSHIP_MESSAGES.lapseDecided);
    if (decision === 'suspend') {
      if (!(await suspendInTransaction(trx, user, LAPSE_SUSPEND_REASON, actor, now)))
        throw new Refusal(MEMBERSHIP_MESSAGES.changedMeanwhile);
      return { ok: true as const, message: `${describeMember(user)} is suspended.` };
    }
    await recordAudit(trx, {
      actor,
      action: 'roll.lapse-keep',
      target: userId,
      detail: { username: user.username },
      now,
    });
    return { ok: true as const, message: `${describeMember(user)} stays a member.` };
  });
}
