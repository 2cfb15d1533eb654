/**
 * The staff console's door: every staff function calls `requireStaff` first.
 * Anyone without a live session of a confirmed staff account gets 403, with a
 * sign-in link for people who are not signed in at all.
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

/** The staff member behind a request, or a 403 `HttpError`. */
export async function requireStaff(req: Request): Promise<StaffRequest> {
  const { current, setCookies } = await readRequestSession(req);
  if (!current || current.user.role !== 'staff' || current.user.status !== 'confirmed') {
    const hint = current ? '' : ' If you are staff, log in first.';
    throw new HttpError(
      403,
      STAFF_ONLY_MESSAGE + hint,
      setCookies.length ? { 'Set-Cookie': setCookies[0] } : {},
    );
  }
  return { user: current.user, session: current.session, setCookies };
}
