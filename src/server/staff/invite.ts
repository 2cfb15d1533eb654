/**
 * Inviting staff: a staff member names a colleague; the account is created
 * with a random password nobody knows, and the colleague is emailed a link to
 * the set-password page (a page whose button POSTs). The link lasts 3 days.
 */
import { DAY, resolveNow } from '../clock.ts';
import { getConfig, type ServerConfig } from '../config.ts';
import { generateSecret, hashSecret } from '../crypto.ts';
import { deliverMail, type MailMessage } from '../mail.ts';
import { checkName } from '../rules/person-name.ts';
import { createStaff } from './accounts.ts';
import { getDb } from '../store/db.ts';
import type { CallOptions } from '../users.ts';

/** How long an invitation link works. */
export const INVITATION_LIFETIME_MS = 3 * DAY;

/** The invitation email. */
export function staffInvitationMessage(
  site: Pick<ServerConfig, 'siteName' | 'siteUrl'>,
  to: string,
  firstName: string,
  invitedBy: string,
  username: string,
  token: string,
): MailMessage {
  const link = `${site.siteUrl}/set-password/?token=${encodeURIComponent(token)}`;
  return {
    to,
    purpose: 'staff-invitation',
    subject: `You have been invited to the ${site.siteName} staff console`,
    text: `Hello ${firstName},\n\n${invitedBy} has invited you to the staff console of the ${site.siteName} website, where staff confirm registrations, import the roll and look after member accounts.\n\nYour username is ${username}. To choose your password, open this link and press the button on the page:\n\n${link}\n\nThe link works once and lasts 3 days. Then sign in at ${site.siteUrl}/login/ and go to ${site.siteUrl}/staff/.\n\nIf you did not expect this, ignore this email: nobody can use the account without the link.\n\n--\n${site.siteName}\n${site.siteUrl}/`,
  };
}

/** Outcome of an invitation: field errors for the form, or success. */
export type InviteResult =
  { ok: true; message: string } | { ok: false; errors: Record<string, string> };

/** The name fields' messages when left empty (the form speaks of a colleague). */
const INVITE_NAME_MESSAGES = {
  firstName: 'Enter their first name',
  surname: 'Enter their surname',
} as const;

/** Creates the staff account and emails its set-password link. */
export async function inviteStaff(
  input: { email: string; username: string; firstName: string; surname: string },
  actor: string,
  options: CallOptions = {},
): Promise<InviteResult> {
  const now = resolveNow(options.now);
  const errors: Record<string, string> = {};
  for (const which of ['firstName', 'surname'] as const) {
    const name = checkName(input[which], which);
    if (!name.ok)
      errors[which] = name.problem === 'missing' ? INVITE_NAME_MESSAGES[which] : name.message;
  }
  const token = generateSecret();
  // The account and its link are written together, and only once every field is right.
  const created = await createStaff(
    {
      email: input.email,
      username: input.username,
      firstName: input.firstName,
      surname: input.surname,
    },
    actor,
    {
      now,
      otherErrors: errors,
      alsoWrite: (trx, userId) =>
        trx
          .insertInto('email_tokens')
          .values({
            token_hash: hashSecret(token),
            user_id: userId,
            purpose: 'reset',
            new_email: null,
            created_at: now,
            expires_at: now + INVITATION_LIFETIME_MS,
            used_at: null,
          })
          .execute()
          .then(() => undefined),
    },
  );
  if (!created.ok) return { ok: false, errors: created.errors };
  const user = await getDb()
    .selectFrom('users')
    .selectAll()
    .where('username_lower', '=', input.username.trim().toLowerCase())
    .executeTakeFirstOrThrow();
  const config = getConfig();
  await deliverMail(
    staffInvitationMessage(config, user.email, user.first_name, actor, user.username, token),
    config,
  );
  return {
    ok: true,
    message: `Invited ${user.first_name} ${user.surname} (${user.username}); they have been emailed a link to set their password.`,
  };
}

/** Staff accounts, for the team page. */
export async function listStaff(): Promise<
  { username: string; name: string; email: string; status: string; createdAt: number }[]
> {
  const rows = await getDb()
    .selectFrom('users')
    .selectAll()
    .where('role', '=', 'staff')
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({
    username: r.username,
    name: `${r.first_name} ${r.surname}`.trim(),
    email: r.email,
    status: r.status,
    createdAt: r.created_at,
  }));
}
