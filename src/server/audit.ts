/** The audit log of staff and operator actions (SECURITY.md 24). Detail never holds secrets. */
import { resolveNow } from './clock.ts';
import { isRecord } from '../lib/is-record.ts';
import { generateId } from './crypto.ts';
import { getDb, type Db } from './store/db.ts';

/** One audit entry as read back. */
export interface AuditRecord {
  actor: string;
  action: string;
  target: string | null;
  detail: Record<string, unknown>;
  at: number;
}

let sequence = 0;

/** Ids sort by time, then by order within this process, so "newest first" is stable. */
function auditId(at: number): string {
  sequence = (sequence + 1) % 1_000_000;
  return `${String(at).padStart(15, '0')}-${String(sequence).padStart(6, '0')}-${generateId().slice(0, 10)}`;
}

/** Appends an entry. `actor` is a username or `cli:<name>`. */
export async function recordAudit(
  db: Db,
  entry: {
    actor: string;
    action: string;
    target?: string | null;
    detail?: Record<string, unknown>;
    now?: number;
  },
): Promise<void> {
  const at = resolveNow(entry.now);
  await db
    .insertInto('audit_log')
    .values({
      id: auditId(at),
      actor: entry.actor,
      action: entry.action,
      target: entry.target ?? null,
      detail: JSON.stringify(entry.detail ?? {}),
      at,
    })
    .execute();
}

/** An entry's stored detail (JSON written by `recordAudit`) as an object. */
export function parseAuditDetail(stored: string): Record<string, unknown> {
  const detail: unknown = JSON.parse(stored);
  return isRecord(detail) ? detail : {};
}

/** The most recent entries, newest first. */
export async function listAudit(options: { limit?: number; db?: Db } = {}): Promise<AuditRecord[]> {
  const rows = await (options.db ?? getDb())
    .selectFrom('audit_log')
    .selectAll()
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit ?? 100)
    .execute();
  return rows.map((r) => ({
    actor: r.actor,
    action: r.action,
    target: r.target,
    detail: parseAuditDetail(r.detail),
    at: r.at,
  }));
}
