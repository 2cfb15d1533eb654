/**
 * Replacing the roll, after `readRollFile`: compare the new rows with the
 * current roll (what is added, removed, changes status, and which confirmed
 * members would leave it), then apply them in one transaction with the import
 * record, its audit entry, the lapsed members and fresh roll flags. The CLI
 * does both steps at once; the staff console keeps the comparison as a
 * preview and applies it when staff press the button.
 */
import { z } from 'zod';
import { recordAudit } from '../audit.ts';
import { resolveNow } from '../clock.ts';
import { getConfig } from '../config.ts';
import { generateId } from '../crypto.ts';
import { recordLapses, type LapsedMember } from '../membership/lapse.ts';
import { normaliseSurname } from '../rules/person-name.ts';
import { getDb, type Db } from '../store/db.ts';
import type { RollStatus } from '../store/schema.ts';
import { hmacWarrantNumber } from '../warrant.ts';
import { refreshRollFlags } from './match.ts';
import type { RollRow } from './read.ts';

/** A roll entry as stored: the number's HMAC, the normalised surname, the status. */
export type RollEntry = [hmac: string, surnameNorm: string, status: RollStatus];

/** Rows of each kind kept as samples in a comparison. */
export const PREVIEW_SAMPLE_SIZE = 10;

/** A sample line of a comparison; warrant numbers appear only as their last two digits. */
export interface PreviewSample {
  endsIn: string | null;
  surname: string;
  status: RollStatus;
  previousStatus?: RollStatus;
  member?: string;
}

/** What applying a roll file would change. */
export interface RollPreview {
  fileName: string;
  rows: number;
  serving: number;
  retired: number;
  added: number;
  removed: number;
  changedStatus: number;
  unchanged: number;
  /** Confirmed members whose number would leave the roll: staff decide on each. */
  lapsing: number;
  samples: {
    added: PreviewSample[];
    removed: PreviewSample[];
    changedStatus: PreviewSample[];
    lapsing: PreviewSample[];
  };
}

const rollStatusSchema = z.enum(['serving', 'retired']);

const rollEntriesSchema = z.array(z.tuple([z.string(), z.string(), rollStatusSchema]));

const previewSampleSchema = z.object({
  endsIn: z.string().nullable(),
  surname: z.string(),
  status: rollStatusSchema,
  previousStatus: rollStatusSchema.optional(),
  member: z.string().optional(),
});

const rollPreviewSchema = z.object({
  fileName: z.string(),
  rows: z.number(),
  serving: z.number(),
  retired: z.number(),
  added: z.number(),
  removed: z.number(),
  changedStatus: z.number(),
  unchanged: z.number(),
  lapsing: z.number(),
  samples: z.object({
    added: z.array(previewSampleSchema),
    removed: z.array(previewSampleSchema),
    changedStatus: z.array(previewSampleSchema),
    lapsing: z.array(previewSampleSchema),
  }),
});

/** The entries of a stored comparison, from their JSON text; throws if the text is not that shape. */
export function parseStoredEntries(json: string): RollEntry[] {
  return rollEntriesSchema.parse(JSON.parse(json));
}

/** The preview of a stored comparison, from its JSON text; throws if the text is not that shape. */
export function parseStoredPreview(json: string): RollPreview {
  return rollPreviewSchema.parse(JSON.parse(json));
}

/** A comparison: the entries to store and what they change. */
export interface RollComparison {
  entries: RollEntry[];
  preview: RollPreview;
}

/** The outcome of applying a comparison. */
export interface AppliedRoll {
  importId: string;
  lapsed: LapsedMember[];
}

/** Confirmed members holding a number, keyed by the number's HMAC. */
async function readClaims(db: Db): Promise<Map<string, LapsedMember>> {
  const rows = await db
    .selectFrom('users')
    .select(['id', 'username', 'first_name', 'surname', 'warrant_claim'])
    .where('status', '=', 'confirmed')
    .where('role', '=', 'member')
    .where('warrant_claim', 'is not', null)
    .execute();
  return new Map(
    rows.map((r) => [
      r.warrant_claim ?? '',
      { userId: r.id, name: `${r.first_name} ${r.surname}`.trim(), username: r.username },
    ]),
  );
}

function sample<T>(list: T[], item: T): void {
  if (list.length < PREVIEW_SAMPLE_SIZE) list.push(item);
}

/** Compares checked rows with the current roll; changes nothing. */
export async function compareWithRoll(
  db: Db,
  rows: readonly RollRow[],
  fileName: string,
  warrantKey: string = getConfig().warrantKey,
): Promise<RollComparison> {
  const stored = await db.selectFrom('roll_entries').selectAll().execute();
  const current = new Map(stored.map((r) => [r.warrant_hmac, r]));
  const claims = await readClaims(db);
  const preview: RollPreview = {
    fileName: fileName.slice(0, 200),
    rows: rows.length,
    serving: 0,
    retired: 0,
    added: 0,
    removed: 0,
    changedStatus: 0,
    unchanged: 0,
    lapsing: 0,
    samples: { added: [], removed: [], changedStatus: [], lapsing: [] },
  };
  const entries: RollEntry[] = [];
  const incoming = new Set<string>();
  for (const row of rows) {
    const hmac = hmacWarrantNumber(row.warrantNumber, warrantKey);
    entries.push([hmac, normaliseSurname(row.surname), row.status]);
    incoming.add(hmac);
    preview[row.status]++;
    const before = current.get(hmac);
    const shown = { endsIn: row.warrantNumber.slice(-2), surname: row.surname, status: row.status };
    if (!before) {
      preview.added++;
      sample(preview.samples.added, shown);
    } else if (before.status !== row.status) {
      preview.changedStatus++;
      sample(preview.samples.changedStatus, { ...shown, previousStatus: before.status });
    } else preview.unchanged++;
  }
  for (const [hmac, before] of current) {
    if (incoming.has(hmac)) continue;
    preview.removed++;
    const holder = claims.get(hmac);
    const shown: PreviewSample = {
      endsIn: null,
      surname: before.surname_norm,
      status: before.status,
    };
    const member = holder && `${holder.name} (${holder.username})`;
    if (member) {
      preview.lapsing++;
      sample(preview.samples.lapsing, { ...shown, member });
    }
    sample(preview.samples.removed, member ? { ...shown, member } : shown);
  }
  return { entries, preview };
}

/**
 * Replaces the roll with a comparison's entries inside `trx`: records the
 * import and its audit entry, lists the confirmed members who left the roll
 * as lapsed (read at apply time, so a member confirmed since the comparison
 * counts) and re-checks registrations awaiting review.
 */
export async function applyRollComparison(
  trx: Db,
  comparison: RollComparison,
  actor: string,
  now: number,
): Promise<AppliedRoll> {
  const { entries, preview } = comparison;
  const claims = await readClaims(trx);
  const onOldRoll = await trx.selectFrom('roll_entries').select('warrant_hmac').execute();
  const incoming = new Set(entries.map((e) => e[0]));
  const leaving = onOldRoll
    .filter((r) => !incoming.has(r.warrant_hmac))
    .flatMap((r) => claims.get(r.warrant_hmac) ?? []);
  await trx.deleteFrom('roll_entries').execute();
  for (let i = 0; i < entries.length; i += 2000) {
    await trx
      .insertInto('roll_entries')
      .values(
        entries
          .slice(i, i + 2000)
          .map(([warrant_hmac, surname_norm, status]) => ({ warrant_hmac, surname_norm, status })),
      )
      .execute();
  }
  const importId = generateId();
  await trx
    .insertInto('roll_imports')
    .values({
      id: importId,
      actor,
      at: now,
      row_count: preview.rows,
      serving_count: preview.serving,
      retired_count: preview.retired,
    })
    .execute();
  await recordLapses(trx, leaving, importId, now);
  await recordAudit(trx, {
    actor,
    action: 'roll.import',
    target: importId,
    detail: {
      rows: preview.rows,
      serving: preview.serving,
      retired: preview.retired,
      added: preview.added,
      removed: preview.removed,
      changedStatus: preview.changedStatus,
      lapsed: leaving.length,
    },
    now,
  });
  await refreshRollFlags(trx);
  return { importId, lapsed: leaving };
}

/** Compares and applies checked rows in one transaction (the CLI, and demo data). */
export async function importRoll(
  rows: readonly RollRow[],
  actor: string,
  options: { now?: number | Date; db?: Db; fileName?: string } = {},
): Promise<RollComparison & AppliedRoll> {
  const now = resolveNow(options.now);
  return (options.db ?? getDb()).transaction().execute(async (trx) => {
    const comparison = await compareWithRoll(trx, rows, options.fileName ?? 'roll.csv');
    return { ...comparison, ...(await applyRollComparison(trx, comparison, actor, now)) };
  });
}

/** The id of the latest import, or null when the roll was never imported. */
export async function latestImportId(db: Db): Promise<string | null> {
  const row = await db
    .selectFrom('roll_imports')
    .select('id')
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.id ?? null;
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
