/**
 * Replacing the roll, after `readRollFile`: compare the new rows with the
 * current roll (what is added, removed, changes status, and which confirmed
 * members would leave it), stage the new entries in `roll_pending_entries`
 * in short batches, then copy them into the roll in one transaction with the
 * import record, its audit entry, the lapsed members and fresh roll flags.
 * The CLI does it all at once; the staff console keeps the staged comparison
 * as a preview and applies it when staff press the button.
 *
 * Every loop steps a `Pace`, so a 150,000-row roll never holds the event loop
 * for more than a few milliseconds at a time; the one transaction keeps the
 * roll either old or new whatever fails.
 */
import { sql } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../audit.ts';
import { resolveNow } from '../clock.ts';
import { getConfig } from '../config.ts';
import { generateId } from '../crypto.ts';
import { recordLapses, type LapsedMember } from '../membership/lapse.ts';
import { normaliseSurname } from '../rules/person-name.ts';
import { engineOf, getDb, runLargeTransaction, type Db } from '../store/db.ts';
import { classifyStoreError } from '../store/unavailable.ts';
import type { RollStatus } from '../store/schema.ts';
import { hmacWarrantNumber } from '../warrant.ts';
import {
  deleteOldRollJobs,
  finishRollJob,
  jobProgress,
  ROLL_JOB_STALE_MS,
  startRollJob,
} from './jobs.ts';
import { refreshRollFlags } from './match.ts';
import { combineListeners, createPace, type Pace, type ProgressListener } from './pace.ts';
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

/** The preview of a stored comparison, from its JSON text; throws if the text is not that shape. */
export function parseStoredPreview(json: string): RollPreview {
  return rollPreviewSchema.parse(JSON.parse(json));
}

/** A comparison: the entries to store (in HMAC order) and what they change. */
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

/** Rows read from the current roll per query (a few milliseconds each). */
const READ_PAGE_ROWS = 5000;

/** Rows written per insert of a staged roll (a few milliseconds each on SQLite). */
const STAGE_BATCH_ROWS = 500;

/** Claims looked up per query when finding who leaves the roll. */
const CLAIM_BATCH = 500;

/**
 * Bounds splitting HMACs (lower-case hex) into 256 ranges of about the same
 * size (by their first two digits), so a 150,000-row roll is copied or
 * deleted in statements of about 600 rows rather than one long one.
 */
const HEX_RANGES = Array.from({ length: 256 }, (_, i) => {
  const low = i.toString(16).padStart(2, '0');
  const high = i === 255 ? 'g' : (i + 1).toString(16).padStart(2, '0');
  return [low, high] as const;
});

/**
 * The current roll by HMAC, read in pages by key so no single query runs long; progress
 * says the comparison of `incoming` rows has begun.
 */
async function readCurrentRoll(
  db: Db,
  incoming: number,
  pace: Pace,
): Promise<Map<string, { surname_norm: string; status: RollStatus }>> {
  const current = new Map<string, { surname_norm: string; status: RollStatus }>();
  let after = '';
  for (;;) {
    const page = await db
      .selectFrom('roll_entries')
      .selectAll()
      .where('warrant_hmac', '>', after)
      .orderBy('warrant_hmac')
      .limit(READ_PAGE_ROWS)
      .execute();
    for (const r of page) current.set(r.warrant_hmac, r);
    if (page.length < READ_PAGE_ROWS) return current;
    after = page[page.length - 1].warrant_hmac;
    await pace.step('comparing', 0, incoming);
  }
}

/** Compares checked rows with the current roll; changes nothing. */
export async function compareWithRoll(
  db: Db,
  rows: readonly RollRow[],
  fileName: string,
  options: { warrantKey?: string; pace?: Pace } = {},
): Promise<RollComparison> {
  const warrantKey = options.warrantKey ?? getConfig().warrantKey;
  const pace = options.pace ?? createPace();
  const current = await readCurrentRoll(db, rows.length, pace);
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
  // Entries go out in HMAC order (a bucket per first two hex digits, each sorted
  // small): written in key order, the staging table's index grows at its end,
  // about eight times cheaper on SQLite than in random order.
  const buckets: RollEntry[][] = HEX_RANGES.map(() => []);
  const incoming = new Set<string>();
  // A roll repeats common surnames thousands of times; transliterate each once.
  const normalised = new Map<string, string>();
  const normalise = (surname: string) => {
    let norm = normalised.get(surname);
    if (norm === undefined) normalised.set(surname, (norm = normaliseSurname(surname)));
    return norm;
  };
  for (const [index, row] of rows.entries()) {
    await pace.step('comparing', index, rows.length);
    const hmac = hmacWarrantNumber(row.warrantNumber, warrantKey);
    buckets[parseInt(hmac.slice(0, 2), 16)].push([hmac, normalise(row.surname), row.status]);
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
    await pace.step('comparing', rows.length, rows.length);
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
  const entries: RollEntry[] = [];
  for (const bucket of buckets) {
    entries.push(...bucket.sort((a, b) => (a[0] < b[0] ? -1 : 1)));
    await pace.step('comparing', rows.length, rows.length);
  }
  await pace.report('comparing', rows.length, rows.length);
  return { entries, preview };
}

/**
 * Writes a comparison's entries to `roll_pending_entries` under `stagedId`,
 * in batches that each commit on their own: the roll itself is untouched, and
 * other requests reach the store between batches. Undo with `deleteStaged`.
 */
export async function stageEntries(
  db: Db,
  stagedId: string,
  entries: readonly RollEntry[],
  pace: Pace = createPace(),
): Promise<void> {
  for (let i = 0; i < entries.length; i += STAGE_BATCH_ROWS) {
    await db
      .insertInto('roll_pending_entries')
      .values(
        entries.slice(i, i + STAGE_BATCH_ROWS).map(([warrant_hmac, surname_norm, status]) => ({
          pending_id: stagedId,
          warrant_hmac,
          surname_norm,
          status,
        })),
      )
      .execute();
    await pace.step('storing', Math.min(i + STAGE_BATCH_ROWS, entries.length), entries.length);
  }
  await pace.report('storing', entries.length, entries.length);
}

/** Deletes the staged entries of `stagedId`, one HMAC range at a time. */
export async function deleteStaged(
  db: Db,
  stagedId: string,
  pace: Pace = createPace(),
): Promise<void> {
  for (const [low, high] of HEX_RANGES) {
    await db
      .deleteFrom('roll_pending_entries')
      .where('pending_id', '=', stagedId)
      .where('warrant_hmac', '>=', low)
      .where('warrant_hmac', '<', high)
      .execute();
    await pace.step('applying', 0, 0);
  }
  // Anything outside the hex ranges (never written by this code) goes too.
  await db.deleteFrom('roll_pending_entries').where('pending_id', '=', stagedId).execute();
}

/**
 * Deletes what imports leave behind: staged entries that belong neither to
 * a preview waiting to be applied nor to a running job (an applied or
 * expired preview's, a job's that died), and job rows past their keeping.
 */
export async function sweepRollLeftovers(db: Db): Promise<void> {
  const running = db
    .selectFrom('roll_jobs')
    .select('id')
    .where('finished_at', 'is', null)
    .where('updated_at', '>=', Date.now() - ROLL_JOB_STALE_MS);
  const waiting = db
    .selectFrom('roll_pending_imports')
    .select('id')
    .where('applied_at', 'is', null);
  const leftovers = await db
    .selectFrom('roll_pending_entries')
    .select('pending_id')
    .distinct()
    .where('pending_id', 'not in', running)
    .where('pending_id', 'not in', waiting)
    .execute();
  for (const { pending_id } of leftovers) await deleteStaged(db, pending_id);
  await deleteOldRollJobs(db);
}

/** Confirmed members whose number is on the current roll but not among the staged entries. */
async function findLeaving(trx: Db, stagedId: string, pace: Pace): Promise<LapsedMember[]> {
  const claims = await readClaims(trx);
  const claimed = [...claims.keys()];
  const leaving: LapsedMember[] = [];
  for (let i = 0; i < claimed.length; i += CLAIM_BATCH) {
    const batch = claimed.slice(i, i + CLAIM_BATCH);
    const onOldRoll = (
      await trx
        .selectFrom('roll_entries')
        .select('warrant_hmac')
        .where('warrant_hmac', 'in', batch)
        .execute()
    ).map((r) => r.warrant_hmac);
    if (onOldRoll.length === 0) continue;
    const staying = new Set(
      (
        await trx
          .selectFrom('roll_pending_entries')
          .select('warrant_hmac')
          .where('pending_id', '=', stagedId)
          .where('warrant_hmac', 'in', onOldRoll)
          .execute()
      ).map((r) => r.warrant_hmac),
    );
    for (const hmac of onOldRoll) if (!staying.has(hmac)) leaving.push(claims.get(hmac)!);
    // No count of its own: the stage's bar (rows copied) stays where it is.
    await pace.step('applying', 0, 0);
  }
  return leaving;
}

/** Why a replacement did not happen, in words for staff; nothing has changed. */
export const ROLL_REPLACEMENT_REFUSALS = {
  busy: 'Another roll import was being applied and did not finish in time. Nothing has changed: try again in a minute.',
  changed:
    'The roll was imported by someone else while this file was being compared. Nothing has changed: import the file again to compare it with the new roll.',
} as const;

/** Thrown when the roll is not replaced for one of `ROLL_REPLACEMENT_REFUSALS`; its message is for people. */
export class RollReplacementRefusal extends Error {
  constructor(readonly reason: keyof typeof ROLL_REPLACEMENT_REFUSALS) {
    super(ROLL_REPLACEMENT_REFUSALS[reason]);
    this.name = 'RollReplacementRefusal';
  }
}

/**
 * Runs `fn` as the one transaction that replaces the roll, taking turns with any other
 * replacement. On PostgreSQL its first statement locks `roll_entries` against other writers
 * (EXCLUSIVE mode: plain reads go on), so a second replacement waits until the first commits
 * and then reads its import, instead of colliding with the rows it wrote; a wait longer than
 * the lock timeout (55P03) is refused as `busy`. On SQLite the transaction holds the store's
 * write lock from its `begin immediate`.
 */
export function runRollReplacement<T>(db: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
  return runLargeTransaction(db, async (trx) => {
    if (engineOf(db) === 'postgres') {
      await sql`lock table roll_entries in exclusive mode`.execute(trx).catch((error: unknown) => {
        if (classifyStoreError(error)?.reason === 'timeout')
          throw new RollReplacementRefusal('busy');
        throw error;
      });
    }
    return fn(trx);
  });
}

/** Thrown inside the apply transaction when staged rows are missing (swept after their job stalled). */
export class StagedRollIncompleteError extends Error {
  constructor(expected: number, found: number) {
    super(`staged roll has ${found} of its ${expected} rows`);
    this.name = 'StagedRollIncompleteError';
  }
}

/**
 * Replaces the roll with the entries staged under `stagedId` inside `trx`
 * (a transaction begun by `runRollReplacement`):
 * deletes the old entries and copies the new ones one HMAC range at a time
 * (yielding between ranges: deleting 150,000 rows in one statement holds the
 * event loop for about 20 ms), records the import and its audit entry, lists
 * the confirmed members who left the roll as lapsed (read at apply time, so a
 * member confirmed since the comparison counts) and re-checks registrations
 * awaiting review. All of it commits or none of it does, as `trx` does.
 */
export async function applyStagedRoll(
  trx: Db,
  stagedId: string,
  preview: RollPreview,
  actor: string,
  now: number,
  pace: Pace = createPace(),
): Promise<AppliedRoll> {
  const leaving = await findLeaving(trx, stagedId, pace);
  let copied = 0;
  for (const [index, [low, high]] of HEX_RANGES.entries()) {
    await trx
      .deleteFrom('roll_entries')
      .where('warrant_hmac', '>=', low)
      .where('warrant_hmac', '<', high)
      .execute();
    const { numInsertedOrUpdatedRows } = await trx
      .insertInto('roll_entries')
      .columns(['warrant_hmac', 'surname_norm', 'status'])
      .expression(
        trx
          .selectFrom('roll_pending_entries')
          .select(['warrant_hmac', 'surname_norm', 'status'])
          .where('pending_id', '=', stagedId)
          .where('warrant_hmac', '>=', low)
          .where('warrant_hmac', '<', high),
      )
      .executeTakeFirstOrThrow();
    copied += Number(numInsertedOrUpdatedRows ?? 0);
    await pace.step(
      'applying',
      Math.round(((index + 1) / HEX_RANGES.length) * preview.rows),
      preview.rows,
    );
  }
  // Anything outside the hex ranges (never written by this code) goes too.
  await trx
    .deleteFrom('roll_entries')
    .where((eb) => eb.or([eb('warrant_hmac', '<', '00'), eb('warrant_hmac', '>=', 'g')]))
    .execute();
  if (copied !== preview.rows) throw new StagedRollIncompleteError(preview.rows, copied);
  const importId = generateId();
  // After the one before it, whatever clock this replacement started with: the latest import
  // (by time) is always the roll in place, which the stale-preview check relies on.
  const previous = await trx
    .selectFrom('roll_imports')
    .select((eb) => eb.fn.max('at').as('at'))
    .executeTakeFirst();
  const at = Math.max(now, Number(previous?.at ?? -Infinity) + 1);
  await trx
    .insertInto('roll_imports')
    .values({
      id: importId,
      actor,
      at,
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
  await refreshRollFlags(trx, pace);
  return { importId, lapsed: leaving };
}

/**
 * Compares and applies checked rows (the CLI, and demo data): the rows are
 * staged in batches, then copied into the roll in one transaction, so a
 * failure at any point leaves the old roll. `onProgress` hears each stage.
 */
export async function importRoll(
  rows: readonly RollRow[],
  actor: string,
  options: {
    now?: number | Date;
    db?: Db;
    fileName?: string;
    onProgress?: ProgressListener;
    /** Paces the work instead of one made from `onProgress` (tests). */
    pace?: Pace;
  } = {},
): Promise<RollComparison & AppliedRoll> {
  const now = resolveNow(options.now);
  const db = options.db ?? getDb();
  const stagedId = generateId();
  // The job's row hears progress while rows are compared and staged, so the console shows the
  // job running and a console upload meanwhile never sweeps its staged rows as a dead job's.
  const pace =
    options.pace ?? createPace(combineListeners(jobProgress(db, stagedId), options.onProgress));
  // Not inside the transaction: on SQLite it holds the one connection the row is written by.
  const applyPace = options.pace ?? createPace(options.onProgress);
  await startRollJob(db, { id: stagedId, kind: 'apply', actor });
  const done = { phase: 'applying' as const, done: rows.length, total: rows.length };
  let comparison: RollComparison;
  let applied: AppliedRoll;
  try {
    // Read before comparing: an import landing meanwhile makes the comparison stale, and refused.
    const baseImportId = await latestImportId(db);
    comparison = await compareWithRoll(db, rows, options.fileName ?? 'roll.csv', { pace });
    await stageEntries(db, stagedId, comparison.entries, pace);
    await pace.report('applying', 0, rows.length);
    applied = await runRollReplacement(db, async (trx) => {
      if ((await latestImportId(trx)) !== baseImportId) throw new RollReplacementRefusal('changed');
      const result = await applyStagedRoll(
        trx,
        stagedId,
        comparison.preview,
        actor,
        now,
        applyPace,
      );
      // Committed with the roll, so the job never reads as failed once the roll is replaced.
      await finishRollJob(trx, stagedId, 'ok', done);
      return result;
    });
  } catch (error) {
    await deleteStaged(db, stagedId).catch(() => {});
    await finishRollJob(db, stagedId, 'failed').catch(() => {});
    throw error;
  }
  // The roll is replaced: a busy or lost store now only leaves staged rows, which the next
  // upload or the hourly maintenance sweeps (their job has finished).
  await deleteStaged(db, stagedId, applyPace).catch(() => {});
  await applyPace.report(done.phase, done.done, done.total);
  return { ...comparison, ...applied };
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
