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
import { getDb } from '../store/db.ts';
import { newUserRow, type CallOptions } from '../users.ts';

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
