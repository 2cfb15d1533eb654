/**
 * The federation's roll: warrant-number HMACs with normalised surnames and a
 * serving/retired status. An import replaces the whole roll in one transaction.
 */
import { recordAudit } from './audit.ts';
import { resolveNow } from './clock.ts';
import { getConfig } from './config.ts';
import { generateId } from './crypto.ts';
import { parseRollCsv, type RollRow } from './roll-csv.ts';
import { normaliseSurname } from './rules/person-name.ts';
import { getDb, type Db } from './store/db.ts';
import type { RollStatus } from './store/schema.ts';
import { hmacWarrantNumber } from './warrant.ts';

/** How a registration compares with the roll. Never shown to the registrant. */
export interface RollMatch {
  onRoll: boolean;
  surnameMatch: boolean;
  status: RollStatus | null;
}

/** Counts from one import. */
export interface RollImportSummary {
  rows: number;
  serving: number;
  retired: number;
}

/** Compares a warrant HMAC and surname with the roll. */
export async function lookupRoll(
  db: Db,
  warrantHmac: string | null,
  surname: string,
): Promise<RollMatch> {
  if (!warrantHmac) return { onRoll: false, surnameMatch: false, status: null };
  const entry = await db
    .selectFrom('roll_entries')
    .selectAll()
    .where('warrant_hmac', '=', warrantHmac)
    .executeTakeFirst();
  if (!entry) return { onRoll: false, surnameMatch: false, status: null };
  return {
    onRoll: true,
    surnameMatch: entry.surname_norm === normaliseSurname(surname),
    status: entry.status,
  };
}

/**
 * True when the number is on the roll under the same surname. Serving and retired
 * members are both entitled to the members area, so either status matches.
 */
export function isFullRollMatch(match: RollMatch): boolean {
  return match.onRoll && match.surnameMatch;
}

/** Re-checks every registration that is not yet confirmed against the current roll. */
export async function refreshRollFlags(db: Db): Promise<void> {
  const users = await db
    .selectFrom('users')
    .select(['id', 'warrant_hmac', 'surname'])
    .where('role', '=', 'member')
    .where('status', 'in', ['unverified', 'pending'])
    .execute();
  for (const user of users) {
    const match = await lookupRoll(db, user.warrant_hmac, user.surname);
    await db
      .updateTable('users')
      .set({
        roll_on_roll: match.onRoll ? 1 : 0,
        roll_surname_match: match.surnameMatch ? 1 : 0,
        roll_status: match.status,
      })
      .where('id', '=', user.id)
      .execute();
  }
}

/**
 * Replaces the roll with `rows` (all or nothing), records the import and the
 * audit entry, and re-checks registrations awaiting review.
 */
export async function importRoll(
  rows: readonly RollRow[],
  actor: string,
  options: { now?: number | Date; db?: Db; warrantKey?: string } = {},
): Promise<RollImportSummary> {
  const now = resolveNow(options.now);
  const key = options.warrantKey ?? getConfig().warrantKey;
  const entries = rows.map((r) => ({
    warrant_hmac: hmacWarrantNumber(r.warrantNumber, key),
    surname_norm: normaliseSurname(r.surname),
    status: r.status,
  }));
  const summary: RollImportSummary = {
    rows: rows.length,
    serving: rows.filter((r) => r.status === 'serving').length,
    retired: rows.filter((r) => r.status === 'retired').length,
  };
  await (options.db ?? getDb()).transaction().execute(async (trx) => {
    await trx.deleteFrom('roll_entries').execute();
    for (let i = 0; i < entries.length; i += 500) {
      await trx
        .insertInto('roll_entries')
        .values(entries.slice(i, i + 500))
        .execute();
    }
    await trx
      .insertInto('roll_imports')
      .values({
        id: generateId(),
        actor,
        at: now,
        row_count: summary.rows,
        serving_count: summary.serving,
        retired_count: summary.retired,
      })
      .execute();
    await recordAudit(trx, { actor, action: 'roll.import', detail: { ...summary }, now });
    await refreshRollFlags(trx);
  });
  return summary;
}

/** Parses and imports a roll file; a file with any bad line changes nothing. */
export async function importRollCsv(
  text: string,
  actor: string,
  options: { now?: number | Date; db?: Db } = {},
): Promise<{ ok: true; summary: RollImportSummary } | { ok: false; errors: string[] }> {
  const parsed = parseRollCsv(text);
  if (!parsed.ok) return parsed;
  return { ok: true, summary: await importRoll(parsed.rows, actor, options) };
}

/** The latest imports, newest first. */
export async function listRollImports(options: { limit?: number; db?: Db } = {}) {
  return (options.db ?? getDb())
    .selectFrom('roll_imports')
    .selectAll()
    .orderBy('at', 'desc')
    .limit(options.limit ?? 20)
    .execute();
}
