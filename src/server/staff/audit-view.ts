/** Reading the audit log in the console: filtered by who, what and when, newest first. */
import { parseAuditDetail, type AuditRecord } from '../audit.ts';
import { DAY } from '../clock.ts';
import { readPageNumber } from '../http/page-number.ts';
import { getDb } from '../store/db.ts';

/** Filters from the audit page's GET form; empty strings mean "any". */
export interface AuditFilter {
  actor: string;
  action: string;
  /** `YYYY-MM-DD`, inclusive, in UTC. */
  from: string;
  to: string;
}

/** One page of entries. */
export interface AuditPage {
  entries: AuditRecord[];
  page: number;
  hasNext: boolean;
}

/** Entries per page. */
export const AUDIT_PAGE_SIZE = 100;

/** A calendar day `YYYY-MM-DD` (UTC midnight, ms), or null for anything else, 30 February included. */
function parseDay(value: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  const ms = Date.parse(`${value}T00:00:00Z`);
  // Date.parse rolls 2026-02-30 over to 2 March: only a day that reads back the same is one.
  return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value ? null : ms;
}

/** The date filters' problems, beside their fields: a value that is not a day, or an end before the start. */
export function auditFilterErrors(filter: AuditFilter): Partial<Record<'from' | 'to', string>> {
  const errors: Partial<Record<'from' | 'to', string>> = {};
  const from = parseDay(filter.from);
  const to = parseDay(filter.to);
  if (filter.from && from === null)
    errors.from = 'Enter the start date as a real day, like 2026-03-31';
  if (filter.to && to === null) errors.to = 'Enter the end date as a real day, like 2026-03-31';
  if (from !== null && to !== null && to < from)
    errors.to = 'The end date is before the start date';
  return errors;
}

/** The distinct actions in the log, for the filter's choices. */
export async function listAuditActions(): Promise<string[]> {
  const rows = await getDb()
    .selectFrom('audit_log')
    .select('action')
    .distinct()
    .orderBy('action')
    .execute();
  return rows.map((r) => r.action);
}

/** A page of entries matching the filter. */
export async function listAuditEntries(filter: AuditFilter, page = 1): Promise<AuditPage> {
  let q = getDb().selectFrom('audit_log').selectAll();
  if (filter.actor.trim()) q = q.where('actor', '=', filter.actor.trim());
  if (filter.action.trim()) q = q.where('action', '=', filter.action.trim());
  const from = parseDay(filter.from);
  if (from !== null) q = q.where('at', '>=', from);
  const to = parseDay(filter.to);
  if (to !== null) q = q.where('at', '<', to + DAY);
  const current = readPageNumber(page);
  const rows = await q
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(AUDIT_PAGE_SIZE + 1)
    .offset((current - 1) * AUDIT_PAGE_SIZE)
    .execute();
  return {
    entries: rows.slice(0, AUDIT_PAGE_SIZE).map((r) => ({
      actor: r.actor,
      action: r.action,
      target: r.target,
      detail: parseAuditDetail(r.detail),
      at: r.at,
    })),
    page: current,
    hasNext: rows.length > AUDIT_PAGE_SIZE,
  };
}
