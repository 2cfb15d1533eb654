/**
 * Registration and email verification. The answer to a registration never
 * says whether the email, username or warrant number is known (docs/security.md § Enumeration and brute force):
 * existing owners get a notice email instead, and roll checks are recorded
 * for staff only.
 */
import { resolveNow } from './clock.ts';
import { getConfig, type ServerConfig } from './config.ts';
import { generateId } from './crypto.ts';
import { consumeEmailToken, createEmailToken } from './email-tokens.ts';
import { deliverMail, type MailMessage } from './mail.ts';
import {
  accountExistsMessage,
  emailChangedMessages,
  verifyEmailMessage,
} from './mail-templates.ts';
import { hashPassword } from './passwords.ts';
import { consumeRateLimit, EMAIL_ADDRESS_LIMIT, rateLimitKey } from './rate-limit.ts';
import { isClaimRace } from './membership/change.ts';
import { confirmOnVerification, sendConfirmed } from './membership/decide.ts';
import { isFullRollMatch, lookupRoll, rollFlags } from './roll/match.ts';
import { checkEmail } from './rules/email-address.ts';
import { checkPassword } from './rules/password-policy.ts';
import { checkName } from './rules/person-name.ts';
import { checkUsername } from './rules/username.ts';
import { checkWarrantNumber } from './rules/warrant-number.ts';
import { getDb, isUniqueViolation, type Db } from './store/db.ts';
import type { User, UserStatus } from './store/schema.ts';
import { newUserRow, type CallOptions } from './users.ts';
import { hmacWarrantNumber, warrantLastTwo } from './warrant.ts';
import { followMemberEmailChange } from './newsletter/subscribers.ts';

/** The registration form's fields, as received. */
export interface RegistrationInput {
  firstName?: unknown;
  surname?: unknown;
  email?: unknown;
  username?: unknown;
  warrantNumber?: unknown;
  password?: unknown;
}

/** Field names of the registration form. */
export type RegistrationField =
  'firstName' | 'surname' | 'email' | 'username' | 'warrantNumber' | 'password';

/** `ok: true` whether or not the details were already known; `retryAfter` when too many emails went to the address. */
export type RegistrationResult =
  | { ok: true }
  | { ok: false; errors: Partial<Record<RegistrationField, string>> }
  | { ok: false; retryAfter: number };

interface ValidRegistration {
  firstName: string;
  surname: string;
  email: string;
  emailLower: string;
  username: string;
  usernameLower: string;
  warrantDigits: string;
  password: string;
}

/** Checks every field at once; returns all the messages or the cleaned values. */
export function validateRegistration(
  input: RegistrationInput,
  config: Pick<ServerConfig, 'siteName' | 'workEmailDomains'> = getConfig(),
):
  | { ok: true; value: ValidRegistration }
  | { ok: false; errors: Partial<Record<RegistrationField, string>> } {
  const errors: Partial<Record<RegistrationField, string>> = {};
  const firstName = checkName(input.firstName, 'firstName');
  if (!firstName.ok) errors.firstName = firstName.message;
  const surname = checkName(input.surname, 'surname');
  if (!surname.ok) errors.surname = surname.message;
  const email = checkEmail(input.email, config.workEmailDomains);
  if (!email.ok) errors.email = email.message;
  const emailText = typeof input.email === 'string' ? input.email : undefined;
  const username = checkUsername(input.username, emailText);
  if (!username.ok) errors.username = username.message;
  const warrant = checkWarrantNumber(input.warrantNumber);
  if (!warrant.ok) errors.warrantNumber = warrant.message;
  const password = checkPassword(input.password, {
    siteName: config.siteName,
    username: typeof input.username === 'string' ? input.username : undefined,
    email: emailText,
  });
  if (!password.ok) errors.password = password.message;
  if (!firstName.ok || !surname.ok || !email.ok || !username.ok || !warrant.ok || !password.ok) {
    return { ok: false, errors };
  }
  return {
    ok: true,
    value: {
      firstName: firstName.name,
      surname: surname.name,
      email: email.email,
      emailLower: email.emailLower,
      username: username.username,
      usernameLower: username.usernameLower,
      warrantDigits: warrant.digits,
      password: password.password,
    },
  };
}

async function findExisting(db: Db, value: ValidRegistration): Promise<User[]> {
  return db
    .selectFrom('users')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb('email_lower', '=', value.emailLower),
        eb('username_lower', '=', value.usernameLower),
      ]),
    )
    .execute();
}

/** What to send to people who already hold the email or username. */
async function noticesForExisting(
  db: Db,
  users: User[],
  config: ServerConfig,
  now: number,
): Promise<MailMessage[]> {
  const messages: MailMessage[] = [];
  for (const user of users) {
    if (user.status === 'unverified') {
      // Someone who never verified gets a fresh link rather than a notice.
      const token = await createEmailToken(db, user.id, 'verify', { now });
      messages.push(verifyEmailMessage(config, user.email, user.first_name, token));
    } else {
      messages.push(accountExistsMessage(config, user.email, user.first_name));
    }
  }
  return messages;
}

/**
 * Registers a member (status `unverified`) and emails a verification link.
 * Validation errors come back all at once; everything else answers `ok: true`.
 */
export async function registerMember(
  input: RegistrationInput,
  options: CallOptions = {},
): Promise<RegistrationResult> {
  const config = getConfig();
  const db = getDb();
  const now = resolveNow(options.now);
  const checked = validateRegistration(input, config);
  if (!checked.ok) return checked;
  const value = checked.value;
  const limit = await consumeRateLimit(
    rateLimitKey('mail', value.emailLower),
    EMAIL_ADDRESS_LIMIT,
    { now, db },
  );
  if (!limit.allowed) return { ok: false, retryAfter: limit.retryAfter };
  // Hash before looking anything up, so known and unknown details take the same time.
  const passwordHash = await hashPassword(value.password);
  const warrantHmac = hmacWarrantNumber(value.warrantDigits, config.warrantKey);
  let messages: MailMessage[];
  try {
    messages = await db.transaction().execute(async (trx) => {
      const existing = await findExisting(trx, value);
      if (existing.length > 0) return noticesForExisting(trx, existing, config, now);
      const match = await lookupRoll(trx, warrantHmac, value.surname);
      const duplicate = await trx
        .selectFrom('users')
        .select('id')
        .where('warrant_hmac', '=', warrantHmac)
        .where('status', '!=', 'rejected')
        .executeTakeFirst();
      const id = generateId();
      await trx
        .insertInto('users')
        .values({
          ...newUserRow({
            id,
            firstName: value.firstName,
            surname: value.surname,
            email: value.email,
            emailLower: value.emailLower,
            username: value.username,
            usernameLower: value.usernameLower,
            passwordHash,
            role: 'member',
            status: 'unverified',
            now,
          }),
          warrant_hmac: warrantHmac,
          warrant_last2: warrantLastTwo(value.warrantDigits),
          ...rollFlags(match),
          roll_duplicate: duplicate ? 1 : 0,
        })
        .execute();
      const token = await createEmailToken(trx, id, 'verify', { now });
      return [verifyEmailMessage(config, value.email, value.firstName, token)];
    });
  } catch (error) {
    // A simultaneous registration took the email or username first: same answer.
    if (!isUniqueViolation(error)) throw error;
    messages = [];
  }
  // Sent after the transaction; a mail failure is logged without the message body.
  for (const message of messages) await deliverMail(message, config);
  return { ok: true };
}

/** What a verification link did. */
export type VerifyEmailResult =
  | { ok: true; kind: 'registration'; status: UserStatus }
  | { ok: true; kind: 'email-change' }
  | { ok: false; message: string };

/** Message for a link that is unknown, used or expired. */
export const INVALID_LINK_MESSAGE =
  'This link has expired or has already been used. Ask for a new one.';

/**
 * For an email-change link whose address another account took meanwhile. Said only to
 * whoever opened the link, that is to the holder of that address's inbox.
 */
export const EMAIL_TAKEN_MESSAGE =
  'Another account now uses this email address, so your address was not changed. Sign in and ask for the change again with a different address.';

async function applyEmailChange(
  db: Db,
  userId: string,
  newEmail: string,
  now: number,
): Promise<boolean> {
  const lower = newEmail.toLowerCase();
  // Checked first: on Postgres a failed statement would abort the whole transaction.
  const taken = await db
    .selectFrom('users')
    .select('id')
    .where('email_lower', '=', lower)
    .executeTakeFirst();
  if (taken) return false;
  await db
    .updateTable('users')
    .set({ email: newEmail, email_lower: lower, updated_at: now })
    .where('id', '=', userId)
    .execute();
  await followMemberEmailChange(db, userId, newEmail, now);
  return true;
}

/**
 * Moves a newly verified registration to `pending` with fresh roll flags, and
 * under CONFIRM_POLICY=auto confirms it at once when it matches the roll
 * (through the membership module, like every confirmation).
 */
async function promoteVerifiedUser(
  db: Db,
  user: User,
  autoConfirm: boolean,
  now: number,
): Promise<UserStatus> {
  const match = await lookupRoll(db, user.warrant_hmac, user.surname);
  await db
    .updateTable('users')
    .set({ status: 'pending', verified_at: now, ...rollFlags(match), updated_at: now })
    .where('id', '=', user.id)
    .execute();
  if (autoConfirm && isFullRollMatch(match)) {
    const pending: User = { ...user, status: 'pending', verified_at: now };
    if (await confirmOnVerification(db, pending, now)) return 'confirmed';
  }
  return 'pending';
}

/**
 * Uses a link from a verification or email-change email. A new registration
 * moves to `pending` (or `confirmed` under CONFIRM_POLICY=auto with a full roll match).
 */
export async function verifyEmail(
  token: unknown,
  options: CallOptions = {},
): Promise<VerifyEmailResult> {
  const config = getConfig();
  const now = resolveNow(options.now);
  const auto = config.confirmPolicy === 'auto';
  let outcome: { result: VerifyEmailResult; confirmed?: User; notices?: MailMessage[] };
  try {
    outcome = await useVerificationLink(token, auto, now);
  } catch (error) {
    // Another confirmation took the number meanwhile: the registration waits for staff.
    if (!auto || !isClaimRace(error)) throw error;
    outcome = await useVerificationLink(token, false, now);
  }
  if (outcome.confirmed) await sendConfirmed(outcome.confirmed);
  // Both addresses hear of an email change once it is made (the old one can report it).
  for (const notice of outcome.notices ?? []) await deliverMail(notice, config);
  return outcome.result;
}

async function useVerificationLink(
  token: unknown,
  autoConfirm: boolean,
  now: number,
): Promise<{ result: VerifyEmailResult; confirmed?: User; notices?: MailMessage[] }> {
  return getDb()
    .transaction()
    .execute(async (trx) => {
      const used =
        (await consumeEmailToken(trx, token, 'verify', { now })) ??
        (await consumeEmailToken(trx, token, 'email-change', { now }));
      if (!used) return { result: { ok: false, message: INVALID_LINK_MESSAGE } };
      const user = await trx
        .selectFrom('users')
        .selectAll()
        .where('id', '=', used.userId)
        .executeTakeFirst();
      if (!user) return { result: { ok: false, message: INVALID_LINK_MESSAGE } };
      if (used.purpose === 'email-change') {
        const changed = used.newEmail
          ? await applyEmailChange(trx, user.id, used.newEmail, now)
          : false;
        return {
          result: changed
            ? { ok: true, kind: 'email-change' }
            : { ok: false, message: used.newEmail ? EMAIL_TAKEN_MESSAGE : INVALID_LINK_MESSAGE },
          ...(changed && used.newEmail
            ? {
                notices: emailChangedMessages(
                  getConfig(),
                  user.first_name,
                  user.email,
                  used.newEmail,
                ),
              }
            : {}),
        };
      }
      if (user.status !== 'unverified')
        return { result: { ok: true, kind: 'registration', status: user.status } };
      const status = await promoteVerifiedUser(trx, user, autoConfirm, now);
      return {
        result: { ok: true, kind: 'registration', status },
        ...(status === 'confirmed' ? { confirmed: user } : {}),
      };
    });
}
