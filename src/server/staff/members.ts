/**
 * Finding and managing member accounts from the console: search by name,
 * username, email or a full warrant number (matched through its HMAC, never
 * stored), and the account actions staff take on request.
 */
import { sql } from 'kysely';
import { parseAuditDetail, recordAudit, type AuditRecord } from '../audit.ts';
import { resolveNow } from '../clock.ts';
import { getConfig } from '../config.ts';
import { isClaimedByOther } from '../member-status.ts';
import { eraseMember } from '../account.ts';
import { suspendMember } from '../review.ts';
import { getDb, isUniqueViolation } from '../store/db.ts';
import type { User, UserStatus } from '../store/schema.ts';
import { findUserById, type CallOptions } from '../users.ts';
import { hmacWarrantNumber } from '../warrant.ts';
import { checkReason } from './decisions.ts';

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

/** Suspends a member with a reason: they cannot sign in and their sessions end now. */
export async function suspendAccount(
  id: string,
  actor: string,
  reason: string,
  options: CallOptions = {},
): Promise<MemberActionResult> {
  const checked = checkReason(reason);
  if (!checked.ok) return { ok: false, message: checked.message };
  const user = await findUserById(id);
  if (!user) return { ok: false, message: GONE };
  if (user.status === 'suspended')
    return { ok: false, message: `${user.username} is already suspended.` };
  const result = await suspendMember(id, actor, checked.reason, options);
  return result.ok
    ? { ok: true, message: `Suspended ${user.username}.` }
    : { ok: false, message: result.message };
}

/**
 * Gives a suspended or rejected member their membership back, claiming their
 * warrant number again unless another confirmed member now holds it.
 */
export async function reinstateMember(
  id: string,
  actor: string,
  options: CallOptions = {},
): Promise<MemberActionResult> {
  const user = await findUserById(id);
  if (!user) return { ok: false, message: GONE };
  if (user.role !== 'member')
    return { ok: false, message: 'Staff accounts are not reinstated here.' };
  if (user.status !== 'suspended' && user.status !== 'rejected') {
    return {
      ok: false,
      message: `${user.username} is ${user.status}, so there is nothing to reinstate.`,
    };
  }
  const now = resolveNow(options.now);
  const claimed =
    'Another confirmed member now holds this warrant number, so the account was not reinstated.';
  try {
    return await getDb()
      .transaction()
      .execute(async (trx) => {
        if (await isClaimedByOther(trx, user)) return { ok: false, message: claimed };
        const updated = await trx
          .updateTable('users')
          .set({
            status: 'confirmed',
            warrant_claim: user.warrant_hmac,
            reject_reason: null,
            confirmed_at: user.confirmed_at ?? now,
            updated_at: now,
          })
          .where('id', '=', id)
          .where('status', '=', user.status)
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) !== 1)
          return { ok: false, message: 'The account changed meanwhile: look again.' };
        await recordAudit(trx, {
          actor,
          action: 'member.reinstate',
          target: id,
          detail: { username: user.username, from: user.status },
          now,
        });
        return { ok: true, message: `Reinstated ${user.username}.` };
      });
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, message: claimed };
    throw error;
  }
}

/**
 * Erases an account on the member's request: the same erasure as their own
 * (user, sessions, tokens, rate-limit keys), recorded under the staff member.
 * `confirmUsername` must repeat the username, so an erasure is never a slip.
 */
export async function eraseAccount(
  id: string,
  confirmUsername: string,
  actor: string,
  options: CallOptions = {},
): Promise<MemberActionResult> {
  const user = await findUserById(id);
  if (!user) return { ok: false, message: GONE };
  if (user.role !== 'member') return { ok: false, message: 'Staff accounts are not erased here.' };
  if (confirmUsername.trim().toLowerCase() !== user.username_lower) {
    return { ok: false, message: `Type the username ${user.username} to confirm the erasure.` };
  }
  const erased = await eraseMember(id, { ...options, actor });
  return erased
    ? { ok: true, message: `Erased the account ${user.username}.` }
    : { ok: false, message: GONE };
}
