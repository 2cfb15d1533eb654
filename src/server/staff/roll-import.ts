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
import { hmacWarrantNumber } from '../warrant.ts';
import { recordAudit } from '../audit.ts';
import { HOUR, resolveNow } from '../clock.ts';
import { getConfig } from '../config.ts';
import { generateId } from '../crypto.ts';
import { refreshRollFlags } from '../roll.ts';
import { parseRollCsv } from '../roll-csv.ts';
import { normaliseSurname } from '../rules/person-name.ts';
import { getDb } from '../store/db.ts';
import type { RollStatus } from '../store/schema.ts';
import type { CallOptions } from '../users.ts';
import { staffDb, type StaffDb } from './store.ts';

/** A previewed upload can be applied for this long. */
export const PENDING_IMPORT_LIFETIME_MS = HOUR;

/** Rows of each kind shown on the preview page. */
export const PREVIEW_SAMPLE_SIZE = 10;

type Entry = [hmac: string, surnameNorm: string, status: RollStatus];

/** A sample line of the preview; warrant numbers appear only as their last two digits. */
export interface PreviewSample {
  endsIn: string | null;
  surname: string;
  status: RollStatus;
  previousStatus?: RollStatus;
  member?: string;
}

/** What applying an upload would change. */
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

async function latestImportId(db: StaffDb): Promise<string | null> {
  const row = await db
    .selectFrom('roll_imports')
    .select('id')
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.id ?? null;
}

async function readCurrentRoll(
  db: StaffDb,
): Promise<Map<string, { surname: string; status: RollStatus }>> {
  const rows = await db.selectFrom('roll_entries').selectAll().execute();
  return new Map(rows.map((r) => [r.warrant_hmac, { surname: r.surname_norm, status: r.status }]));
}

/** Confirmed members holding a number, keyed by the number's HMAC. */
async function readClaims(db: StaffDb): Promise<Map<string, { id: string; name: string }>> {
  const rows = await db
    .selectFrom('users')
    .select(['id', 'username', 'first_name', 'surname', 'warrant_claim'])
    .where('status', '=', 'confirmed')
    .where('role', '=', 'member')
    .where('warrant_claim', 'is not', null)
    .execute();
  return new Map(
    rows.map((r) => [
      r.warrant_claim!,
      { id: r.id, name: `${r.first_name} ${r.surname} (${r.username})` },
    ]),
  );
}

function sample<T>(list: T[], item: T): void {
  if (list.length < PREVIEW_SAMPLE_SIZE) list.push(item);
}

/** Parses an uploaded roll, compares it with the current roll and stores it for applying. */
export async function previewRollImport(
  text: string,
  fileName: string,
  actor: { id: string; username: string },
  options: CallOptions = {},
): Promise<PreviewResult> {
  const parsed = parseRollCsv(text);
  if (!parsed.ok) return parsed;
  const now = resolveNow(options.now);
  const db = staffDb(getDb());
  const key = getConfig().warrantKey;
  const current = await readCurrentRoll(db);
  const claims = await readClaims(db);
  const preview: RollPreview = {
    fileName: fileName.slice(0, 200),
    rows: parsed.rows.length,
    serving: 0,
    retired: 0,
    added: 0,
    removed: 0,
    changedStatus: 0,
    unchanged: 0,
    lapsing: 0,
    samples: { added: [], removed: [], changedStatus: [], lapsing: [] },
  };
  const entries: Entry[] = [];
  const incoming = new Set<string>();
  for (const row of parsed.rows) {
    const hmac = hmacWarrantNumber(row.warrantNumber, key);
    const surname = normaliseSurname(row.surname);
    entries.push([hmac, surname, row.status]);
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
    const member = claims.get(hmac);
    const shown: PreviewSample = { endsIn: null, surname: before.surname, status: before.status };
    if (member) {
      preview.lapsing++;
      sample(preview.samples.lapsing, { ...shown, member: member.name });
    }
    sample(preview.samples.removed, member ? { ...shown, member: member.name } : shown);
  }
  const id = generateId();
  await db
    .deleteFrom('roll_pending_imports')
    .where('created_at', '<', now - PENDING_IMPORT_LIFETIME_MS)
    .execute();
  await db
    .insertInto('roll_pending_imports')
    .values({
      id,
      actor_id: actor.id,
      file_sha256: createHash('sha256').update(text).digest('hex'),
      base_import_id: await latestImportId(db),
      created_at: now,
      applied_at: null,
      row_count: entries.length,
      preview: JSON.stringify(preview),
      entries: JSON.stringify(entries),
    })
    .execute();
  await recordAudit(getDb(), {
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
  return { ok: true, id };
}

/** A stored preview uploaded by `actorId`, or null when unknown, expired or someone else's. */
export async function findPendingImport(
  id: string,
  actorId: string,
  options: CallOptions = {},
): Promise<PendingImport | null> {
  const now = resolveNow(options.now);
  const row = await staffDb(getDb())
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
    // eslint-disable-next-line @typescript-eslint/no-unsafe-type-assertion -- JSON this module wrote in the same table
    preview: JSON.parse(row.preview) as RollPreview,
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
  return staffDb(getDb())
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
      // eslint-disable-next-line @typescript-eslint/no-unsafe-type-assertion -- JSON this module wrote in the same table
      const preview = JSON.parse(claimed.preview) as RollPreview;
      // eslint-disable-next-line @typescript-eslint/no-unsafe-type-assertion -- JSON this module wrote in the same table
      const entries = JSON.parse(claimed.entries) as Entry[];
      const importId = generateId();
      await replaceRoll(trx, entries, importId, actor.username, preview, now);
      return { ok: true, preview, importId };
    })
    .catch((error: unknown) => {
      if (error instanceof Refusal) return { ok: false, message: error.message };
      throw error;
    });
}

/** Thrown inside the apply transaction to roll it back with a message. */
class Refusal extends Error {}

async function replaceRoll(
  trx: StaffDb,
  entries: Entry[],
  importId: string,
  actor: string,
  preview: RollPreview,
  now: number,
): Promise<void> {
  // Confirmed members on the old roll, read before it is replaced.
  const onOldRoll = await trx
    .selectFrom('users')
    .innerJoin('roll_entries', 'roll_entries.warrant_hmac', 'users.warrant_claim')
    .select(['users.id', 'users.warrant_claim'])
    .where('users.status', '=', 'confirmed')
    .where('users.role', '=', 'member')
    .execute();
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
  const incoming = new Set(entries.map((e) => e[0]));
  const lapsed = onOldRoll.filter((u) => !incoming.has(u.warrant_claim!));
  for (const user of lapsed) {
    await trx
      .insertInto('roll_lapses')
      .values({
        user_id: user.id,
        import_id: importId,
        lapsed_at: now,
        decided_at: null,
        decided_by: null,
        decision: null,
      })
      .onConflict((oc) =>
        oc.column('user_id').doUpdateSet({
          import_id: importId,
          lapsed_at: now,
          decided_at: null,
          decided_by: null,
          decision: null,
        }),
      )
      .execute();
  }
  // eslint-disable-next-line @typescript-eslint/no-unsafe-type-assertion -- the staff handle and the main handle are one connection typed twice
  await recordAudit(trx as never, {
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
      lapsed: lapsed.length,
    },
    now,
  });
  // eslint-disable-next-line @typescript-eslint/no-unsafe-type-assertion -- the staff handle and the main handle are one connection typed twice
  await refreshRollFlags(trx as never);
}
