/**
 * The staff console's door: every staff function calls `requireStaff` first.
 * Anyone without a fully signed-in session of a confirmed staff account with a
 * second factor gets 403 with a message saying what to do.
 */
import { HttpError } from '../../http/errors.ts';
import { readRequestSession } from '../../http/session.ts';
import type { Session, SessionUser } from '../../sessions.ts';

/** The signed-in staff member and the cookies the answer must carry. */
export interface StaffRequest {
  user: SessionUser;
  session: Session;
  setCookies: string[];
}

/** Message for members and anonymous visitors. */
export const STAFF_ONLY_MESSAGE = 'This page is for federation staff only.';

/** Message for staff whose account has no second factor yet. */
export const STAFF_NEEDS_TWO_FACTOR_MESSAGE =
  'The staff console needs two-factor sign-in. Set it up at /two-factor/setup/ first, then come back.';

/** Message for a session that has not finished signing in. */
export const STAFF_HALF_SIGNED_IN_MESSAGE =
  'Finish signing in first: enter your code at /two-factor/.';

/**
 * The staff member behind a request, or a 403 `HttpError`: for anyone not
 * fully signed in as confirmed staff, and for staff without a second factor.
 */
export async function requireStaff(req: Request): Promise<StaffRequest> {
  const { current, halfSignedIn, setCookies } = await readRequestSession(req);
  const headers: Record<string, string> = setCookies.length ? { 'Set-Cookie': setCookies[0] } : {};
  if (halfSignedIn) throw new HttpError(403, STAFF_HALF_SIGNED_IN_MESSAGE, headers);
  if (!current || current.user.role !== 'staff' || current.user.status !== 'confirmed') {
    const hint = current ? '' : ' If you are staff, log in first.';
    throw new HttpError(403, STAFF_ONLY_MESSAGE + hint, headers);
  }
  if (!current.user.twoFactorEnabled)
    throw new HttpError(403, STAFF_NEEDS_TWO_FACTOR_MESSAGE, headers);
  return { user: current.user, session: current.session, setCookies };
}
