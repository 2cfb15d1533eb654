/**
 * How a registration compares with the roll: the one rule for "matches the
 * roll" used by registration under CONFIRM_POLICY=auto, the review queue and
 * bulk confirmation. A match is the warrant number on the roll under the same
 * surname (compared through `normaliseSurname`); serving and retired members
 * are both entitled to the members area, so either status matches.
 */
import { sql, type RawBuilder } from 'kysely';
import { normaliseSurname } from '../rules/person-name.ts';
import type { Db } from '../store/db.ts';
import { createPace, type Pace } from './pace.ts';
import type { RollStatus } from '../store/schema.ts';

/** How a registration compares with the roll. Never shown to the registrant. */
export interface RollMatch {
  onRoll: boolean;
  surnameMatch: boolean;
  status: RollStatus | null;
}

const NO_MATCH: RollMatch = { onRoll: false, surnameMatch: false, status: null };

/** Compares a warrant HMAC and surname with the roll. */
export async function lookupRoll(
  db: Db,
  warrantHmac: string | null,
  surname: string,
): Promise<RollMatch> {
  if (!warrantHmac) return NO_MATCH;
  const entry = await db
    .selectFrom('roll_entries')
    .selectAll()
    .where('warrant_hmac', '=', warrantHmac)
    .executeTakeFirst();
  if (!entry) return NO_MATCH;
  return {
    onRoll: true,
    surnameMatch: entry.surname_norm === normaliseSurname(surname),
    status: entry.status,
  };
}

/** True when the number is on the roll under the same surname (serving or retired). */
export function isFullRollMatch(match: RollMatch): boolean {
  return match.onRoll && match.surnameMatch;
}

/**
 * The same rule over the roll flags stored on `users` (kept fresh at
 * registration, at verification and at each import), for queries on the
 * table under the alias `table`.
 */
export function rollMatchedSql(table: 'u' | 'users'): RawBuilder<boolean> {
  return sql<boolean>`(${sql.ref(`${table}.roll_on_roll`)} = 1 and ${sql.ref(`${table}.roll_surname_match`)} = 1)`;
}

/** The roll flags stored on a registration. */
export function rollFlags(match: RollMatch) {
  return {
    roll_on_roll: match.onRoll ? 1 : 0,
    roll_surname_match: match.surnameMatch ? 1 : 0,
    roll_status: match.status,
  };
}

/** Re-checks every registration that is not yet confirmed against the current roll. */
export async function refreshRollFlags(db: Db, pace: Pace = createPace()): Promise<void> {
  const users = await db
    .selectFrom('users')
    .select(['id', 'warrant_hmac', 'surname'])
    .where('role', '=', 'member')
    .where('status', 'in', ['unverified', 'pending'])
    .execute();
  for (const user of users) {
    // No count of its own: the stage's bar (rows copied) stays where it is.
    await pace.step('applying', 0, 0);
    const match = await lookupRoll(db, user.warrant_hmac, user.surname);
    await db.updateTable('users').set(rollFlags(match)).where('id', '=', user.id).execute();
  }
}
