/**
 * The review queue: registrations waiting for staff, with what the roll says
 * about each (read from the flags kept fresh at registration and at each import)
 * and whether another account already holds the number.
 */
import { isFullRollMatch, rollMatchedSql } from '../roll/match.ts';
import { getDb } from '../store/db.ts';
import { readPageNumber } from '../http/page-number.ts';
import type { RollStatus } from '../store/schema.ts';

/** Which registrations a queue page shows. */
export type QueueFilter = 'all' | 'matched' | 'unmatched';

/** One pending registration as staff see it. */
export interface QueueEntry {
  id: string;
  firstName: string;
  surname: string;
  email: string;
  username: string;
  warrantEndsIn: string | null;
  onRoll: boolean;
  surnameMatch: boolean;
  rollStatus: RollStatus | null;
  /** Another account holds the confirmed claim on this number. */
  claimedBy: string | null;
  /** Another account registered the same number first. */
  duplicate: boolean;
  registeredAt: number;
  /** Everything matches and nobody holds the number: bulk confirmation takes it. */
  matched: boolean;
}

/** One page of the queue with the totals for the filter links. */
export interface QueuePage {
  entries: QueueEntry[];
  page: number;
  pageCount: number;
  total: number;
  matchedTotal: number;
  filter: QueueFilter;
}

/** Rows per queue page: enough to work through, small enough for a tablet. */
export const QUEUE_PAGE_SIZE = 50;

function baseQuery(filter: QueueFilter) {
  let query = getDb()
    .selectFrom('users as u')
    .leftJoin('users as holder', (join) =>
      join.onRef('holder.warrant_claim', '=', 'u.warrant_hmac').onRef('holder.id', '<>', 'u.id'),
    )
    .where('u.status', '=', 'pending')
    .where('u.role', '=', 'member');
  // The roll rule bulk confirmation uses, and nobody holds the number yet.
  if (filter === 'matched') query = query.where(rollMatchedSql('u')).where('holder.id', 'is', null);
  if (filter === 'unmatched')
    query = query.where((eb) =>
      eb.or([eb.not(rollMatchedSql('u')), eb('holder.id', 'is not', null)]),
    );
  return query;
}

async function countOf(filter: QueueFilter): Promise<number> {
  const row = await baseQuery(filter)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A page of pending registrations, oldest first. */
export async function listReviewQueue(
  options: { filter?: QueueFilter; page?: number } = {},
): Promise<QueuePage> {
  const filter = options.filter ?? 'all';
  const [total, matchedTotal] = await Promise.all([countOf(filter), countOf('matched')]);
  const pageCount = Math.max(1, Math.ceil(total / QUEUE_PAGE_SIZE));
  const page = Math.min(readPageNumber(options.page), pageCount);
  const rows = await baseQuery(filter)
    .select([
      'u.id',
      'u.first_name',
      'u.surname',
      'u.email',
      'u.username',
      'u.warrant_last2',
      'u.roll_on_roll',
      'u.roll_surname_match',
      'u.roll_status',
      'u.roll_duplicate',
      'u.created_at',
      'holder.username as holder_username',
    ])
    .orderBy('u.created_at')
    .orderBy('u.id')
    .limit(QUEUE_PAGE_SIZE)
    .offset((page - 1) * QUEUE_PAGE_SIZE)
    .execute();
  const entries = rows.map((r): QueueEntry => {
    const onRoll = r.roll_on_roll === 1;
    const surnameMatch = r.roll_surname_match === 1;
    const claimedBy = r.holder_username ?? null;
    return {
      id: r.id,
      firstName: r.first_name,
      surname: r.surname,
      email: r.email,
      username: r.username,
      warrantEndsIn: r.warrant_last2,
      onRoll,
      surnameMatch,
      rollStatus: r.roll_status,
      claimedBy,
      duplicate: r.roll_duplicate === 1,
      registeredAt: r.created_at,
      matched:
        isFullRollMatch({ onRoll, surnameMatch, status: r.roll_status }) && claimedBy === null,
    };
  });
  return { entries, page, pageCount, total, matchedTotal, filter };
}
