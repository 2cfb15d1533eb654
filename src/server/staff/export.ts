/**
 * The members export for the federation's own records: one CSV row per
 * account, no password hashes and no warrant numbers (only their last two
 * digits, which is all the site keeps).
 */
import { recordAudit } from '../audit.ts';
import { resolveNow } from '../clock.ts';
import { getDb, type Db } from '../store/db.ts';
import type { User } from '../store/schema.ts';
import type { CallOptions } from '../users.ts';

const iso = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString());

/**
 * Quotes a CSV cell; a leading =, +, - or @ is prefixed with ' so a
 * spreadsheet never runs a name as a formula.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Accounts read per query while the export streams. */
export const EXPORT_PAGE_ROWS = 1000;

/** The stored columns the export reads. */
const STORED_COLUMNS = [
  'id',
  'username',
  'first_name',
  'surname',
  'email',
  'role',
  'status',
  'warrant_last2',
  'created_at',
  'verified_at',
  'confirmed_at',
] as const;

type ExportedUser = Pick<User, (typeof STORED_COLUMNS)[number]>;

/** The export's columns: each header and how an account fills it. */
const COLUMNS: readonly [header: string, cell: (u: ExportedUser) => string][] = [
  ['username', (u) => u.username],
  ['first_name', (u) => u.first_name],
  ['surname', (u) => u.surname],
  ['email', (u) => u.email],
  ['role', (u) => u.role],
  ['status', (u) => u.status],
  ['warrant_ends_in', (u) => u.warrant_last2 ?? ''],
  ['registered_at', (u) => iso(u.created_at)],
  ['email_verified_at', (u) => iso(u.verified_at)],
  ['confirmed_at', (u) => iso(u.confirmed_at)],
];

const HEADER_LINE = COLUMNS.map(([header]) => header).join(',') + '\r\n';

function csvLine(u: ExportedUser): string {
  return COLUMNS.map(([, cell]) => csvCell(cell(u))).join(',') + '\r\n';
}

/** One page of accounts in (surname, first_name, id) order, after `after` when given. */
function readPage(db: Db, after: ExportedUser | undefined, rows: number) {
  return db
    .selectFrom('users')
    .select(STORED_COLUMNS)
    .$if(after !== undefined, (q) =>
      q.where((eb) =>
        eb(
          eb.refTuple('surname', 'first_name', 'id'),
          '>',
          eb.tuple(after!.surname, after!.first_name, after!.id),
        ),
      ),
    )
    .orderBy('surname')
    .orderBy('first_name')
    .orderBy('id')
    .limit(rows)
    .execute();
}

/**
 * The export as CSV text (UTF-8 bytes): the header line, then one line per account in
 * surname order, read a page of `pageRows` at a time as the reader asks for more, so a
 * large membership neither fills memory nor holds the event loop, and the answer streams
 * (Netlify streams up to 20 MB where a buffered answer stops at 6 MB). The first page is
 * read, and the export audited, before this returns: a store out of reach fails here,
 * as a 503, rather than part-way through a download.
 */
export async function exportMembersCsv(
  actor: string,
  options: CallOptions & { pageRows?: number } = {},
): Promise<ReadableStream<Uint8Array>> {
  const now = resolveNow(options.now);
  const pageRows = options.pageRows ?? EXPORT_PAGE_ROWS;
  const db = getDb();
  let page = await readPage(db, undefined, pageRows);
  const { rows } = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('rows'))
    .executeTakeFirstOrThrow();
  await recordAudit(db, { actor, action: 'members.export', detail: { rows: Number(rows) }, now });
  const encoder = new TextEncoder();
  let headerSent = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(HEADER_LINE));
        return;
      }
      if (page.length === 0) {
        controller.close();
        return;
      }
      controller.enqueue(encoder.encode(page.map(csvLine).join('')));
      page = page.length < pageRows ? [] : await readPage(db, page.at(-1), pageRows);
    },
  });
}
