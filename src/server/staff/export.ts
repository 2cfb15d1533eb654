/**
 * The members export for the federation's own records: one CSV row per
 * account, no password hashes and no warrant numbers (only their last two
 * digits, which is all the site keeps).
 */
import { recordAudit } from '../audit.ts';
import { resolveNow } from '../clock.ts';
import { getDb } from '../store/db.ts';
import type { CallOptions } from '../users.ts';

const COLUMNS = [
  'username',
  'first_name',
  'surname',
  'email',
  'role',
  'status',
  'warrant_ends_in',
  'registered_at',
  'email_verified_at',
  'confirmed_at',
] as const;

const iso = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString());

/**
 * Quotes a CSV cell; a leading =, +, - or @ is prefixed with ' so a
 * spreadsheet never runs a name as a formula.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Builds the export and records it in the audit log. */
export async function exportMembersCsv(
  actor: string,
  options: CallOptions = {},
): Promise<{ csv: string; rows: number }> {
  const now = resolveNow(options.now);
  const users = await getDb()
    .selectFrom('users')
    .selectAll()
    .orderBy('surname')
    .orderBy('first_name')
    .orderBy('id')
    .execute();
  const lines = [COLUMNS.join(',')];
  for (const u of users) {
    lines.push(
      [
        u.username,
        u.first_name,
        u.surname,
        u.email,
        u.role,
        u.status,
        u.warrant_last2 ?? '',
        iso(u.created_at),
        iso(u.verified_at),
        iso(u.confirmed_at),
      ]
        .map(csvCell)
        .join(','),
    );
  }
  await recordAudit(getDb(), {
    actor,
    action: 'members.export',
    detail: { rows: users.length },
    now,
  });
  return { csv: lines.join('\r\n') + '\r\n', rows: users.length };
}
