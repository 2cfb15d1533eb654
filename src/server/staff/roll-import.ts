/**
 * Roll imports from the browser in two steps. `previewRollImport` parses the
 * file (all or nothing, bad lines named), compares it with the current roll
 * and keeps the parsed rows, as HMACs only, under a random id; the preview
 * page's button then applies exactly that stored upload with
 * `applyRollImport`. Keeping the parsed rows (rather than asking for the file
 * again) is what lets the button work without JavaScript, and guarantees the
 * applied roll is the previewed one.
 */
import { createHash } from 'node:crypto';
import { recordAudit } from '../audit.ts';
import { HOUR, resolveNow } from '../clock.ts';
import { generateId } from '../crypto.ts';
import { Refusal } from '../membership/change.ts';
import { readRollFile } from '../roll/read.ts';
import { finishRollJob, jobProgress, startRollJob } from '../roll/jobs.ts';
import { createPace, type RollProgress } from '../roll/pace.ts';
import {
  applyStagedRoll,
  compareWithRoll,
  deleteStaged,
  latestImportId,
  parseStoredPreview,
  RollReplacementRefusal,
  runRollReplacement,
  stageEntries,
  StagedRollIncompleteError,
  sweepRollLeftovers,
  type RollPreview,
} from '../roll/replace.ts';
import { getDb } from '../store/db.ts';
import type { CallOptions } from '../users.ts';

export type { PreviewSample, RollPreview } from '../roll/replace.ts';

/** A previewed upload can be applied for this long. */
export const PENDING_IMPORT_LIFETIME_MS = HOUR;

/** A stored preview as the page shows it. */
export interface PendingImport {
  id: string;
  fileSha256: string;
  createdAt: number;
  appliedAt: number | null;
  preview: RollPreview;
}

/** Outcome of an upload. */
export type PreviewResult = { ok: true; id: string } | { ok: false; errors: string[] };

/** Outcome of applying a preview. */
export type ApplyResult =
  { ok: true; preview: RollPreview; importId: string } | { ok: false; message: string };

const APPLY_MESSAGES = {
  unknown: 'That preview no longer exists (previews last an hour). Upload the file again.',
  applied: 'That file has already been applied.',
  changed:
    'The roll has been imported by someone else since this preview. Upload the file again to see what it would change now.',
  hash: 'The file does not match the one previewed. Upload it again.',
  incomplete:
    'That preview was not stored completely (its upload stopped part-way). Nothing has changed: upload the file again.',
} as const;

/**
 * Reads an uploaded roll file (all or nothing, bad lines named), compares it
 * with the current roll and stages its entries, then stores the preview and
 * its audit entry in one short transaction, for the uploader to apply. The
 * work runs as a roll job whose progress the roll page shows; every stage
 * yields to the event loop. A failure deletes what was staged, and the
 * preview row (written last) never points at half-written entries.
 */
export async function previewRollImport(
  bytes: Uint8Array,
  fileName: string,
  actor: { id: string; username: string },
  options: CallOptions = {},
): Promise<PreviewResult> {
  const now = resolveNow(options.now);
  const db = getDb();
  const id = generateId();
  await db
    .deleteFrom('roll_pending_imports')
    .where('created_at', '<', now - PENDING_IMPORT_LIFETIME_MS)
    .execute();
  await sweepRollLeftovers(db);
  await startRollJob(db, { id, kind: 'upload', actor: actor.username });
  const pace = createPace(jobProgress(db, id));
  let outcome: 'ok' | 'failed' = 'failed';
  let final: RollProgress | undefined;
  try {
    const read = await readRollFile(bytes, pace);
    if (!read.ok) return read;
    // Read before comparing: an import landing meanwhile makes this preview stale, never wrong.
    const baseImportId = await latestImportId(db);
    const { entries, preview } = await compareWithRoll(db, read.rows, fileName, { pace });
    await stageEntries(db, id, entries, pace);
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('roll_pending_imports')
        .values({
          id,
          actor_id: actor.id,
          file_sha256: createHash('sha256').update(bytes).digest('hex'),
          base_import_id: baseImportId,
          created_at: now,
          applied_at: null,
          row_count: entries.length,
          preview: JSON.stringify(preview),
          entries: '[]',
        })
        .execute();
      await recordAudit(trx, {
        actor: actor.username,
        action: 'roll.preview',
        detail: {
          rows: preview.rows,
          added: preview.added,
          removed: preview.removed,
          changedStatus: preview.changedStatus,
        },
        now,
      });
    });
    outcome = 'ok';
    final = { phase: 'storing', done: entries.length, total: entries.length };
    return { ok: true, id };
  } finally {
    if (outcome === 'failed') await deleteStaged(db, id).catch(() => {});
    await finishRollJob(db, id, outcome, final);
  }
}

/** A stored preview uploaded by `actorId`, or null when unknown, expired or someone else's. */
export async function findPendingImport(
  id: string,
  actorId: string,
  options: CallOptions = {},
): Promise<PendingImport | null> {
  const now = resolveNow(options.now);
  const row = await getDb()
    .selectFrom('roll_pending_imports')
    .select(['id', 'file_sha256', 'created_at', 'applied_at', 'preview'])
    .where('id', '=', id)
    .where('actor_id', '=', actorId)
    .where('created_at', '>', now - PENDING_IMPORT_LIFETIME_MS)
    .executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    fileSha256: row.file_sha256,
    createdAt: row.created_at,
    appliedAt: row.applied_at,
    preview: parseStoredPreview(row.preview),
  };
}

/**
 * Applies a stored preview: replaces the roll in one transaction (copying
 * the staged entries in steps that yield to the event loop), records the
 * import and its audit entry, re-checks registrations awaiting review, and
 * lists confirmed members who left the roll for staff to decide on. The
 * staged entries are deleted once the roll is replaced.
 */
export async function applyRollImport(
  id: string,
  fileSha256: string,
  actor: { id: string; username: string },
  options: CallOptions = {},
): Promise<ApplyResult> {
  const now = resolveNow(options.now);
  const db = getDb();
  const jobId = generateId();
  await startRollJob(db, { id: jobId, kind: 'apply', actor: actor.username });
  // Progress is not written inside the transaction: on SQLite it holds the one connection.
  const pace = createPace();
  let applied = false;
  try {
    const result = await runRollReplacement(db, async (trx): Promise<ApplyResult> => {
      const claimed = await trx
        .updateTable('roll_pending_imports')
        .set({ applied_at: now })
        .where('id', '=', id)
        .where('actor_id', '=', actor.id)
        .where('applied_at', 'is', null)
        .where('created_at', '>', now - PENDING_IMPORT_LIFETIME_MS)
        .returning(['file_sha256', 'base_import_id', 'preview'])
        .executeTakeFirst();
      if (!claimed) {
        const exists = await trx
          .selectFrom('roll_pending_imports')
          .select('applied_at')
          .where('id', '=', id)
          .executeTakeFirst();
        return {
          ok: false,
          message: exists?.applied_at ? APPLY_MESSAGES.applied : APPLY_MESSAGES.unknown,
        };
      }
      if (claimed.file_sha256 !== fileSha256) throw new Refusal(APPLY_MESSAGES.hash);
      if (claimed.base_import_id !== (await latestImportId(trx)))
        throw new Refusal(APPLY_MESSAGES.changed);
      const preview = parseStoredPreview(claimed.preview);
      const { importId } = await applyStagedRoll(trx, id, preview, actor.username, now, pace);
      // Committed with the roll, so the job never reads as failed once the roll is replaced.
      const done = { phase: 'applying' as const, done: preview.rows, total: preview.rows };
      await finishRollJob(trx, jobId, 'ok', done);
      return { ok: true, preview, importId };
    }).catch((error: unknown) => {
      if (error instanceof Refusal || error instanceof RollReplacementRefusal)
        return { ok: false as const, message: error.message };
      if (error instanceof StagedRollIncompleteError)
        return { ok: false as const, message: APPLY_MESSAGES.incomplete };
      throw error;
    });
    applied = result.ok;
    // The roll is replaced: a busy or lost store now only leaves staged rows, which the next
    // upload or the hourly maintenance sweeps (the preview is applied).
    if (result.ok) await deleteStaged(db, id, pace).catch(() => {});
    return result;
  } finally {
    // Best effort: a row left unfinished reads as stopped, which a failed apply is.
    if (!applied) await finishRollJob(db, jobId, 'failed').catch(() => {});
  }
}
