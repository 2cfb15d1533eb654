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
import {
  applyRollComparison,
  compareWithRoll,
  latestImportId,
  parseStoredEntries,
  parseStoredPreview,
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
} as const;

/**
 * Reads an uploaded roll file (all or nothing, bad lines named), compares it
 * with the current roll and stores the comparison with its audit entry, in
 * one transaction, for the uploader to apply.
 */
export async function previewRollImport(
  bytes: Uint8Array,
  fileName: string,
  actor: { id: string; username: string },
  options: CallOptions = {},
): Promise<PreviewResult> {
  const read = readRollFile(bytes);
  if (!read.ok) return read;
  const now = resolveNow(options.now);
  const id = generateId();
  await getDb()
    .transaction()
    .execute(async (trx) => {
      const { entries, preview } = await compareWithRoll(trx, read.rows, fileName);
      await trx
        .deleteFrom('roll_pending_imports')
        .where('created_at', '<', now - PENDING_IMPORT_LIFETIME_MS)
        .execute();
      await trx
        .insertInto('roll_pending_imports')
        .values({
          id,
          actor_id: actor.id,
          file_sha256: createHash('sha256').update(bytes).digest('hex'),
          base_import_id: await latestImportId(trx),
          created_at: now,
          applied_at: null,
          row_count: entries.length,
          preview: JSON.stringify(preview),
          entries: JSON.stringify(entries),
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
  return { ok: true, id };
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
 * Applies a stored preview: replaces the roll in one transaction, records the
 * import and its audit entry, re-checks registrations awaiting review, and
 * lists confirmed members who left the roll for staff to decide on.
 */
export async function applyRollImport(
  id: string,
  fileSha256: string,
  actor: { id: string; username: string },
  options: CallOptions = {},
): Promise<ApplyResult> {
  const now = resolveNow(options.now);
  return getDb()
    .transaction()
    .execute(async (trx): Promise<ApplyResult> => {
      const claimed = await trx
        .updateTable('roll_pending_imports')
        .set({ applied_at: now })
        .where('id', '=', id)
        .where('actor_id', '=', actor.id)
        .where('applied_at', 'is', null)
        .where('created_at', '>', now - PENDING_IMPORT_LIFETIME_MS)
        .returning(['file_sha256', 'base_import_id', 'preview', 'entries'])
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
      const entries = parseStoredEntries(claimed.entries);
      const { importId } = await applyRollComparison(
        trx,
        { entries, preview },
        actor.username,
        now,
      );
      return { ok: true, preview, importId };
    })
    .catch((error: unknown) => {
      if (error instanceof Refusal) return { ok: false, message: error.message };
      throw error;
    });
}
