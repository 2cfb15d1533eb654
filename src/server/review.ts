/**
 * Staff review of registrations: confirm, reject with a reason, suspend, list
 * and bulk-confirm roll matches. Each action is audited, and rejecting or
 * suspending ends the member's sessions at once (docs/security.md § Sessions).
 */
import { randomBytes } from 'node:crypto';
import { recordAudit } from './audit.ts';
import { resolveNow } from './clock.ts';
import { getConfig } from './config.ts';
import { generateId } from './crypto.ts';
import { deliverMail } from './mail.ts';
import { confirmedMessage, rejectedMessage } from './mail-templates.ts';
import { isClaimedByOther, markConfirmed, markEnded } from './member-status.ts';
import { hashPassword } from './passwords.ts';
import { isFullRollMatch, lookupRoll } from './roll.ts';
import { checkEmail } from './rules/email-address.ts';
import { checkPassword } from './rules/password-policy.ts';
import { checkUsername } from './rules/username.ts';
import { getDb, type Db } from './store/db.ts';
import type { RollStatus, User, UserRole, UserStatus } from './store/schema.ts';
import { findUserByRef, newUserRow, type CallOptions } from './users.ts';

/** A staff action's outcome; `message` explains a refusal to the staff member. */
export type ReviewResult = { ok: true } | { ok: false; message: string };

/** Messages staff see. */
export const REVIEW_MESSAGES = {
  notFound: 'No account has that username',
  notStaffTarget: 'Staff accounts are not reviewed here',
  notVerified: 'This person has not verified their email yet',
  alreadyConfirmed: 'This member is already confirmed',
  claimed: 'Another confirmed member already holds this warrant number',
  reasonTooLong: 'Keep the reason under 500 characters',
} as const;

/** One row of the review list (no password hash, no warrant HMAC). */
export interface MemberSummary {
  id: string;
  firstName: string;
  surname: string;
  email: string;
  username: string;
  role: UserRole;
  status: UserStatus;
  warrantEndsIn: string | null;
  roll: { onRoll: boolean; surnameMatch: boolean; status: RollStatus | null; duplicate: boolean };
  rejectReason: string | null;
  createdAt: number;
  verifiedAt: number | null;
  confirmedAt: number | null;
}

function summarise(user: User): MemberSummary {
  return {
    id: user.id,
    firstName: user.first_name,
    surname: user.surname,
    email: user.email,
    username: user.username,
    role: user.role,
    status: user.status,
    warrantEndsIn: user.warrant_last2,
    roll: {
      onRoll: user.roll_on_roll === 1,
      surnameMatch: user.roll_surname_match === 1,
      status: user.roll_status,
      duplicate: user.roll_duplicate === 1,
    },
    rejectReason: user.reject_reason,
    createdAt: user.created_at,
    verifiedAt: user.verified_at,
    confirmedAt: user.confirmed_at,
  };
}

/** Lists accounts, oldest first, optionally of one status. */
export async function listMembers(
  options: { status?: UserStatus; limit?: number; db?: Db } = {},
): Promise<MemberSummary[]> {
  let query = (options.db ?? getDb()).selectFrom('users').selectAll();
  if (options.status) query = query.where('status', '=', options.status);
  const rows = await query
    .orderBy('created_at')
    .orderBy('id')
    .limit(options.limit ?? 500)
    .execute();
  return rows.map(summarise);
}

async function confirmInTransaction(
  trx: Db,
  user: User,
  actor: string,
  now: number,
  how: string,
): Promise<ReviewResult> {
  if (user.role !== 'member') return { ok: false, message: REVIEW_MESSAGES.notStaffTarget };
  if (user.status === 'confirmed') return { ok: false, message: REVIEW_MESSAGES.alreadyConfirmed };
  if (user.status === 'unverified') return { ok: false, message: REVIEW_MESSAGES.notVerified };
  // Checked first: on Postgres a failed unique insert would abort the transaction.
  if (await isClaimedByOther(trx, user)) return { ok: false, message: REVIEW_MESSAGES.claimed };
  await markConfirmed(trx, user, how, { actor, now });
  return { ok: true };
}

/** Confirms a pending (or previously rejected) member and emails them. */
export async function confirmMember(
  ref: string,
  actor: string,
  options: CallOptions = {},
): Promise<ReviewResult> {
  const now = resolveNow(options.now);
  const db = getDb();
  const user = await findUserByRef(ref, db);
  if (!user) return { ok: false, message: REVIEW_MESSAGES.notFound };
  const result = await db
    .transaction()
    .execute((trx) => confirmInTransaction(trx, user, actor, now, 'review'));
  if (result.ok) await deliverMail(confirmedMessage(getConfig(), user.email, user.first_name));
  return result;
}

/**
 * Confirms every pending member whose number and surname match an entry
 * (serving or retired) on the roll and whose number nobody else has claimed. Returns how many.
 */
export async function confirmRollMatches(
  actor: string,
  options: CallOptions = {},
): Promise<number> {
  const now = resolveNow(options.now);
  const db = getDb();
  const pending = await db
    .selectFrom('users')
    .selectAll()
    .where('status', '=', 'pending')
    .where('role', '=', 'member')
    .execute();
  const confirmed: User[] = [];
  for (const user of pending) {
    if (!isFullRollMatch(await lookupRoll(db, user.warrant_hmac, user.surname))) continue;
    const result = await db
      .transaction()
      .execute((trx) => confirmInTransaction(trx, user, actor, now, 'roll-match'));
    if (result.ok) confirmed.push(user);
  }
  for (const user of confirmed)
    await deliverMail(confirmedMessage(getConfig(), user.email, user.first_name));
  return confirmed.length;
}

async function endMembership(
  ref: string,
  actor: string,
  status: 'rejected' | 'suspended',
  reason: string,
  now: number,
): Promise<{ result: ReviewResult; user?: User }> {
  if ([...reason].length > 500)
    return { result: { ok: false, message: REVIEW_MESSAGES.reasonTooLong } };
  const db = getDb();
  const user = await findUserByRef(ref, db);
  if (!user) return { result: { ok: false, message: REVIEW_MESSAGES.notFound } };
  if (user.role !== 'member')
    return { result: { ok: false, message: REVIEW_MESSAGES.notStaffTarget } };
  await db.transaction().execute((trx) => markEnded(trx, user, status, reason, { actor, now }));
  return { result: { ok: true }, user };
}

/** Rejects a registration (or a member) with a reason, ends their sessions and emails them. */
export async function rejectMember(
  ref: string,
  actor: string,
  reason = '',
  options: CallOptions = {},
): Promise<ReviewResult> {
  const { result, user } = await endMembership(
    ref,
    actor,
    'rejected',
    reason.trim(),
    resolveNow(options.now),
  );
  if (result.ok && user)
    await deliverMail(rejectedMessage(getConfig(), user.email, user.first_name, reason));
  return result;
}

/** Suspends (revokes) a member: they can no longer sign in, and their sessions end now. */
export async function suspendMember(
  ref: string,
  actor: string,
  reason = '',
  options: CallOptions = {},
): Promise<ReviewResult> {
  return (await endMembership(ref, actor, 'suspended', reason.trim(), resolveNow(options.now)))
    .result;
}

/** A new staff account's outcome; the password is returned once, to be shown once. */
export type CreateStaffResult =
  { ok: true; password: string } | { ok: false; errors: Record<string, string> };

/** Message when the username or email already belongs to an account. */
export const STAFF_EXISTS_MESSAGE = 'An account with that email or username already exists';

/**
 * Creates a staff account (there is no default one). Without a password, a
 * random one is generated; either way it is returned to show once.
 */
export async function createStaff(
  input: {
    email: string;
    username: string;
    password?: string;
    firstName?: string;
    surname?: string;
  },
  actor: string,
  options: CallOptions = {},
): Promise<CreateStaffResult> {
  const config = getConfig();
  const now = resolveNow(options.now);
  const password = input.password ?? randomBytes(18).toString('base64url');
  const errors: Record<string, string> = {};
  const email = checkEmail(input.email, []);
  if (!email.ok) errors.email = email.message;
  const username = checkUsername(input.username, input.email);
  if (!username.ok) errors.username = username.message;
  const rules = checkPassword(password, {
    siteName: config.siteName,
    username: input.username,
    email: input.email,
  });
  if (!rules.ok) errors.password = rules.message;
  if (!email.ok || !username.ok || !rules.ok) return { ok: false, errors };
  const db = getDb();
  const taken = await db
    .selectFrom('users')
    .select('id')
    .where((eb) =>
      eb.or([
        eb('email_lower', '=', email.emailLower),
        eb('username_lower', '=', username.usernameLower),
      ]),
    )
    .executeTakeFirst();
  if (taken) return { ok: false, errors: { username: STAFF_EXISTS_MESSAGE } };
  const passwordHash = await hashPassword(password);
  const id = generateId();
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('users')
      .values(
        newUserRow({
          id,
          firstName: input.firstName?.trim() || username.username,
          surname: input.surname?.trim() || '',
          email: email.email,
          emailLower: email.emailLower,
          username: username.username,
          usernameLower: username.usernameLower,
          passwordHash,
          role: 'staff',
          status: 'confirmed',
          now,
        }),
      )
      .execute();
    await recordAudit(trx, {
      actor,
      action: 'staff.create',
      target: id,
      detail: { username: username.username },
      now,
    });
  });
  return { ok: true, password };
}
