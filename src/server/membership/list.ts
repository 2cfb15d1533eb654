/** Accounts as the members CLI lists them: no password hash, no warrant HMAC. */
import { getDb, type Db } from '../store/db.ts';
import type { RollStatus, User, UserRole, UserStatus } from '../store/schema.ts';

/** One row of the list. */
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
