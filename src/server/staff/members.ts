/**
 * Finding and managing member accounts from the console: search by name,
 * username, email or a full warrant number (matched through its HMAC, never
 * stored), and signing an account out everywhere. Membership changes
 * (suspend, reinstate, erase) belong to `../membership/`.
 */
import { sql } from 'kysely';
import { parseAuditDetail, recordAudit, type AuditRecord } from '../audit.ts';
import { resolveNow } from '../clock.ts';
import { getConfig } from '../config.ts';
import { getDb } from '../store/db.ts';
import type { User, UserStatus } from '../store/schema.ts';
import { findUserById, type CallOptions } from '../users.ts';
import { hmacWarrantNumber } from '../warrant.ts';

/** A search result row. */
export interface MemberRow {
  id: string;
  name: string;
  username: string;
  email: string;
  role: User['role'];
  status: UserStatus;
  warrantEndsIn: string | null;
  registeredAt: number;
}

/** Everything the member page shows. */
export interface MemberDetail extends MemberRow {
  rejectReason: string | null;
  verifiedAt: number | null;
  confirmedAt: number | null;
  activeSessions: number;
  history: AuditRecord[];
}

/** Most rows a search returns. */
export const SEARCH_LIMIT = 100;

const STATUSES: readonly UserStatus[] = [
  'unverified',
  'pending',
  'confirmed',
  'rejected',
  'suspended',
];

/** A status from a query string, or undefined for "any". */
export function parseStatus(value: string | null): UserStatus | undefined {
  return STATUSES.find((s) => s === value);
}

function toRow(u: User): MemberRow {
  return {
    id: u.id,
    name: `${u.first_name} ${u.surname}`.trim(),
    username: u.username,
    email: u.email,
    role: u.role,
    status: u.status,
    warrantEndsIn: u.warrant_last2,
    registeredAt: u.created_at,
  };
}

/** Escapes LIKE wildcards so a search for "50%" means the text. */
function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Accounts matching `query` (and `status`, when given), newest first. */
export async function searchMembers(query: string, status?: UserStatus): Promise<MemberRow[]> {
  const text = query.trim().slice(0, 200);
  let q = getDb().selectFrom('users').selectAll();
  if (status) q = q.where('status', '=', status);
  const digits = text.replace(/\s/g, '');
  if (/^[0-9]{6}$/.test(digits)) {
    q = q.where('warrant_hmac', '=', hmacWarrantNumber(digits, getConfig().warrantKey));
  } else if (text) {
    const pattern = likePattern(text);
    q = q.where((eb) =>
      eb.or([
        eb(sql`lower(first_name || ' ' || surname)`, 'like', sql<string>`${pattern} escape '\\'`),
        eb('username_lower', 'like', sql<string>`${pattern} escape '\\'`),
        eb('email_lower', 'like', sql<string>`${pattern} escape '\\'`),
      ]),
    );
  }
  const rows = await q.orderBy('created_at', 'desc').orderBy('id').limit(SEARCH_LIMIT).execute();
  return rows.map(toRow);
}

/** One account with its sessions count and its audit history, or null. */
export async function getMemberDetail(id: string): Promise<MemberDetail | null> {
  const db = getDb();
  const user = await findUserById(id, db);
  if (!user) return null;
  const sessions = await db
    .selectFrom('sessions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', id)
    .executeTakeFirstOrThrow();
  const history = await db
    .selectFrom('audit_log')
    .selectAll()
    .where('target', '=', id)
    .orderBy('at', 'desc')
    .limit(200)
    .execute();
  return {
    ...toRow(user),
    rejectReason: user.reject_reason,
    verifiedAt: user.verified_at,
    confirmedAt: user.confirmed_at,
    activeSessions: Number(sessions.n),
    history: history.map((r) => ({
      actor: r.actor,
      action: r.action,
      target: r.target,
      detail: parseAuditDetail(r.detail),
      at: r.at,
    })),
  };
}

/** An account action's outcome, with a message for the staff member. */
export type MemberActionResult = { ok: boolean; message: string };

/** The answer when the account was erased since the page was drawn. */
const GONE = 'That account no longer exists.';

/** Signs an account out everywhere. */
export async function revokeMemberSessions(
  id: string,
  actor: string,
  options: CallOptions = {},
): Promise<MemberActionResult> {
  const user = await findUserById(id);
  if (!user) return { ok: false, message: GONE };
  const now = resolveNow(options.now);
  const count = await getDb()
    .transaction()
    .execute(async (trx) => {
      const deleted = await trx.deleteFrom('sessions').where('user_id', '=', id).executeTakeFirst();
      await recordAudit(trx, {
        actor,
        action: 'member.sessions-revoke',
        target: id,
        detail: { username: user.username },
        now,
      });
      return Number(deleted.numDeletedRows);
    });
  return {
    ok: true,
    message: `Signed ${user.username} out of ${count} session${count === 1 ? '' : 's'}.`,
  };
}
