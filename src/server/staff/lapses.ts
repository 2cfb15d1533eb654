/**
 * Members who left the roll: a confirmed member whose number was on the old
 * roll but is missing from the new one is listed here, never removed silently.
 * Staff keep them (for example a late roll correction) or suspend them.
 */
import { recordAudit } from '../audit.ts';
import { resolveNow } from '../clock.ts';
import { suspendMember } from '../review.ts';
import { getDb } from '../store/db.ts';
import type { CallOptions } from '../users.ts';
import { staffDb } from './store.ts';

/** One member awaiting a decision. */
export interface LapsedMember {
  userId: string;
  name: string;
  username: string;
  email: string;
  warrantEndsIn: string | null;
  lapsedAt: number;
}

/** Members who left the roll and have not been decided on, longest-waiting first. */
export async function listLapsedMembers(): Promise<LapsedMember[]> {
  const rows = await staffDb(getDb())
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
export async function decideLapsedMember(
  userId: string,
  decision: 'keep' | 'suspend',
  actor: string,
  options: CallOptions = {},
): Promise<{ ok: boolean; message: string }> {
  const now = resolveNow(options.now);
  const db = staffDb(getDb());
  const marked = await db
    .updateTable('roll_lapses')
    .set({
      decided_at: now,
      decided_by: actor,
      decision: decision === 'keep' ? 'kept' : 'suspended',
    })
    .where('user_id', '=', userId)
    .where('decided_at', 'is', null)
    .returning('user_id')
    .executeTakeFirst();
  if (!marked) return { ok: false, message: 'That member has already been decided on.' };
  const user = await db
    .selectFrom('users')
    .select(['username', 'first_name', 'surname'])
    .where('id', '=', userId)
    .executeTakeFirst();
  const name = user ? `${user.first_name} ${user.surname} (${user.username})` : 'The member';
  if (decision === 'suspend') {
    const result = await suspendMember(userId, actor, 'No longer on the federation roll', { now });
    if (!result.ok) return { ok: false, message: result.message };
    return { ok: true, message: `${name} is suspended.` };
  }
  await recordAudit(getDb(), {
    actor,
    action: 'roll.lapse-keep',
    target: userId,
    detail: { username: user?.username ?? null },
    now,
  });
  return { ok: true, message: `${name} stays a member.` };
}
