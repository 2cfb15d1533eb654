/**
 * Creating staff accounts (there is no default one): from the members CLI
 * and from an invitation in the staff console. Audited as `staff.create`.
 */
import { randomBytes } from 'node:crypto';
import { recordAudit } from '../audit.ts';
import { resolveNow } from '../clock.ts';
import { getConfig } from '../config.ts';
import { generateId } from '../crypto.ts';
import { hashPassword } from '../passwords.ts';
import { checkEmail } from '../rules/email-address.ts';
import { checkPassword } from '../rules/password-policy.ts';
import { checkUsername } from '../rules/username.ts';
import { getDb, isUniqueViolation, type Db } from '../store/db.ts';
import { newUserRow, type CallOptions } from '../users.ts';

/** A new staff account's outcome; the password is returned once, to be shown once. */
export type CreateStaffResult =
  { ok: true; password: string } | { ok: false; errors: Record<string, string> };

/** Messages when the email or username already belongs to an account. */
export const STAFF_TAKEN_MESSAGES = {
  email: 'An account with that email already exists',
  username: 'An account with that username already exists',
} as const;

/** What else a new staff account needs: more checks, and more writes in its transaction. */
export interface CreateStaffOptions extends CallOptions {
  /** Problems the caller found in its own fields: nothing is written while there are any. */
  otherErrors?: Record<string, string>;
  /** Runs in the account's transaction, after it is written (an invitation's link). */
  alsoWrite?: (trx: Db, userId: string) => Promise<void>;
}

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
  options: CreateStaffOptions = {},
): Promise<CreateStaffResult> {
  const config = getConfig();
  const now = resolveNow(options.now);
  const password = input.password ?? randomBytes(18).toString('base64url');
  const errors: Record<string, string> = { ...options.otherErrors };
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
  if (!email.ok || !username.ok || !rules.ok || Object.keys(errors).length > 0)
    return { ok: false, errors };
  const db = getDb();
  const taken = await db
    .selectFrom('users')
    .select(['email_lower', 'username_lower'])
    .where((eb) =>
      eb.or([
        eb('email_lower', '=', email.emailLower),
        eb('username_lower', '=', username.usernameLower),
      ]),
    )
    .execute();
  if (taken.some((t) => t.email_lower === email.emailLower))
    errors.email = STAFF_TAKEN_MESSAGES.email;
  if (taken.some((t) => t.username_lower === username.usernameLower))
    errors.username = STAFF_TAKEN_MESSAGES.username;
  if (taken.length > 0) return { ok: false, errors };
  const passwordHash = await hashPassword(password);
  const id = generateId();
  const written = await db
    .transaction()
    .execute(async (trx) => {
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
      await options.alsoWrite?.(trx, id);
      return true;
    })
    .catch((error: unknown) => {
      // Taken by another request since the check above: the unique keys decide.
      if (isUniqueViolation(error)) return false;
      throw error;
    });
  if (!written)
    return {
      ok: false,
      errors: { email: STAFF_TAKEN_MESSAGES.email, username: STAFF_TAKEN_MESSAGES.username },
    };
  return { ok: true, password };
}
