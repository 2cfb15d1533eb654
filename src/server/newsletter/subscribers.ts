/**
 * Newsletter subscribers (SECURITY.md 33): double opt-in by an emailed link
 * whose page POSTs, the same answer for known and unknown addresses, and a
 * per-subscriber unsubscribe token for RFC 8058 one-click unsubscription.
 * Stored: address, optional name, status, times, where and when consent was given.
 */
import { createHmac } from 'node:crypto';
import { encodeBase64urlNoPadding } from '@oslojs/encoding';
import { DAY, resolveNow } from '../clock.ts';
import { getConfig, type ServerConfig } from '../config.ts';
import { generateId, generateSecret, hashSecret } from '../crypto.ts';
import { isTokenShaped } from '../email-tokens.ts';
import { deliverMail } from '../mail.ts';
import { consumeRateLimit, EMAIL_ADDRESS_LIMIT, rateLimitKey } from '../rate-limit.ts';
import { checkEmail } from '../rules/email-address.ts';
import { checkName, MAX_NAME_LENGTH } from '../rules/person-name.ts';
import { getDb, isUniqueViolation, type Db } from '../store/db.ts';
import type { Subscriber, SubscriberStatus } from '../store/schema.ts';
import type { CallOptions } from '../users.ts';
import { confirmSubscriptionMessage } from './mail.ts';

/** How long a confirmation link works. */
export const CONFIRM_TOKEN_LIFETIME = 2 * DAY;

/** Shown beside the button when a confirmation link cannot be used. */
export const INVALID_CONFIRM_LINK =
  'This link has expired or has already been used. Subscribe again to get a new one.';

/** Shown when an unsubscribe link is not one we sent. */
export const INVALID_UNSUBSCRIBE_LINK =
  'This unsubscribe link is not complete. Copy the whole link from the email, or reply to it and we will take you off the list.';

/**
 * The unsubscribe token of a subscriber: HMAC-SHA256 of their id under a key
 * derived from `WARRANT_KEY`, base64url (43 characters). Recomputed for each
 * message, so the store holds only its SHA-256 and a copy of the store alone
 * cannot unsubscribe anyone.
 */
export function unsubscribeToken(subscriberId: string, config: ServerConfig = getConfig()): string {
  const key = createHmac('sha256', config.warrantKey).update('newsletter-unsubscribe').digest();
  return encodeBase64urlNoPadding(createHmac('sha256', key).update(subscriberId).digest());
}

/** A subscription request's outcome: the same `ok` whether or not the address was known. */
export type SubscribeResult =
  | { ok: true }
  | { ok: false; errors: { email?: string; name?: string } }
  | { ok: false; retryAfter: number };

/**
 * Checks the optional name by the registration form's name rules (rules/person-name.ts):
 * trimmed, at most 100 characters, no control characters, bidi overrides or line
 * separators; a name of only spaces or invisible characters counts as none.
 */
export function checkSubscriberName(
  input: unknown,
): { ok: true; name: string | null } | { ok: false; message: string } {
  const checked = checkName(input, 'firstName');
  if (checked.ok) return { ok: true, name: checked.name };
  if (checked.problem === 'missing') return { ok: true, name: null };
  if (checked.problem === 'tooLong')
    return { ok: false, message: `Names are at most ${MAX_NAME_LENGTH} characters` };
  return { ok: false, message: 'Enter your name as plain text' };
}

/** Where a form says it was sent from: a site path, kept as the consent's source. */
export function consentSource(path: unknown): string {
  const value = typeof path === 'string' ? path.trim() : '';
  return /^\/[A-Za-z0-9/_-]{0,200}$/.test(value) && !value.includes('//')
    ? `form:${value}`
    : 'form:/newsletter/';
}

/**
 * Asks an address to confirm a subscription. A new or pending address gets a
 * fresh link (older links stop working); an unsubscribed or bounced one gets a
 * link too and stays as it is until the link is used; a subscribed address
 * hears nothing. The answer is the same in every case.
 */
export async function requestSubscription(
  input: { email?: unknown; name?: unknown; source?: unknown },
  options: CallOptions = {},
): Promise<SubscribeResult> {
  const config = getConfig();
  const db = getDb();
  const now = resolveNow(options.now);
  const email = checkEmail(input.email, config.workEmailDomains);
  const name = checkSubscriberName(input.name);
  if (!email.ok || !name.ok) {
    return {
      ok: false,
      errors: {
        ...(email.ok ? {} : { email: email.message }),
        ...(name.ok ? {} : { name: name.message }),
      },
    };
  }
  const limit = await consumeRateLimit(
    rateLimitKey('mail', email.emailLower),
    EMAIL_ADDRESS_LIMIT,
    { now, db },
  );
  if (!limit.allowed) return { ok: false, retryAfter: limit.retryAfter };
  const subscriber = await findOrCreatePending(db, config, {
    email: email.email,
    emailLower: email.emailLower,
    name: name.name,
    source: consentSource(input.source),
    now,
  });
  if (subscriber.status === 'subscribed') return { ok: true };
  if (name.name && name.name !== subscriber.name) {
    await db
      .updateTable('newsletter_subscribers')
      .set({ name: name.name, updated_at: now })
      .where('id', '=', subscriber.id)
      .execute();
  }
  const token = await createConfirmToken(db, subscriber.id, now);
  await deliverMail(
    confirmSubscriptionMessage(config, subscriber.email, name.name ?? subscriber.name, token),
    config,
  );
  return { ok: true };
}

async function findOrCreatePending(
  db: Db,
  config: ServerConfig,
  fields: { email: string; emailLower: string; name: string | null; source: string; now: number },
): Promise<Subscriber> {
  const existing = await findSubscriberByEmail(db, fields.emailLower);
  if (existing) return existing;
  const id = generateId();
  const row = {
    id,
    email: fields.email,
    email_lower: fields.emailLower,
    name: fields.name,
    status: 'pending' as const,
    user_id: null,
    unsubscribe_hash: hashSecret(unsubscribeToken(id, config)),
    consent_source: fields.source,
    consent_at: null,
    created_at: fields.now,
    updated_at: fields.now,
    unsubscribed_at: null,
    bounced_at: null,
  };
  try {
    await db.insertInto('newsletter_subscribers').values(row).execute();
    return row;
  } catch (error) {
    // Two requests for the same new address at once: the other one created it.
    if (!isUniqueViolation(error)) throw error;
    return (await findSubscriberByEmail(db, fields.emailLower))!;
  }
}

/** The subscriber with this lower-cased address, if any. */
export async function findSubscriberByEmail(
  db: Db,
  emailLower: string,
): Promise<Subscriber | undefined> {
  return db
    .selectFrom('newsletter_subscribers')
    .selectAll()
    .where('email_lower', '=', emailLower)
    .executeTakeFirst();
}

async function createConfirmToken(db: Db, subscriberId: string, now: number): Promise<string> {
  const token = generateSecret();
  await db
    .deleteFrom('newsletter_tokens')
    .where('subscriber_id', '=', subscriberId)
    .where('used_at', 'is', null)
    .execute();
  await db
    .insertInto('newsletter_tokens')
    .values({
      token_hash: hashSecret(token),
      subscriber_id: subscriberId,
      created_at: now,
      expires_at: now + CONFIRM_TOKEN_LIFETIME,
      used_at: null,
    })
    .execute();
  return token;
}

/** A confirmation's outcome. */
export type ConfirmResult = { ok: true } | { ok: false; message: string };

/**
 * Uses a confirmation link: the token is consumed by one conditional UPDATE
 * (a double use succeeds once) and the subscriber becomes `subscribed`, with
 * consent recorded now. A member's account with the same address is linked.
 */
export async function confirmSubscription(
  token: unknown,
  options: CallOptions = {},
): Promise<ConfirmResult> {
  if (!isTokenShaped(token)) return { ok: false, message: INVALID_CONFIRM_LINK };
  const now = resolveNow(options.now);
  return getDb()
    .transaction()
    .execute(async (trx): Promise<ConfirmResult> => {
      const used = await trx
        .updateTable('newsletter_tokens')
        .set({ used_at: now })
        .where('token_hash', '=', hashSecret(token))
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .returning('subscriber_id')
        .executeTakeFirst();
      if (!used) {
        // A link clicked again (a mail client's preview, a second click) once it has done its
        // work says so: the address is subscribed, as the person wanted.
        const again = await trx
          .selectFrom('newsletter_tokens as t')
          .innerJoin('newsletter_subscribers as s', 's.id', 't.subscriber_id')
          .select('s.status')
          .where('t.token_hash', '=', hashSecret(token))
          .where('t.used_at', 'is not', null)
          .executeTakeFirst();
        return again?.status === 'subscribed'
          ? { ok: true }
          : { ok: false, message: INVALID_CONFIRM_LINK };
      }
      const subscriber = await trx
        .selectFrom('newsletter_subscribers')
        .selectAll()
        .where('id', '=', used.subscriber_id)
        .executeTakeFirstOrThrow();
      const member = await trx
        .selectFrom('users')
        .select('id')
        .where('email_lower', '=', subscriber.email_lower)
        .executeTakeFirst();
      const linked = member
        ? await trx
            .selectFrom('newsletter_subscribers')
            .select('id')
            .where('user_id', '=', member.id)
            .executeTakeFirst()
        : undefined;
      await trx
        .updateTable('newsletter_subscribers')
        .set({
          status: 'subscribed',
          consent_at: now,
          updated_at: now,
          unsubscribed_at: null,
          bounced_at: null,
          ...(member && !linked ? { user_id: member.id } : {}),
        })
        .where('id', '=', subscriber.id)
        .execute();
      return { ok: true };
    });
}

/** An unsubscription's outcome. */
export type UnsubscribeResult = { ok: true } | { ok: false; message: string };

/**
 * Unsubscribes the holder of an unsubscribe token (RFC 8058: the token in the
 * URL is the authority; no session, no origin). Answers `ok` for any token of
 * the right shape, so an erased subscriber's old link still says they are off
 * the list; only a malformed token is refused.
 */
export async function unsubscribeByToken(
  token: unknown,
  options: CallOptions = {},
): Promise<UnsubscribeResult> {
  if (!isTokenShaped(token)) return { ok: false, message: INVALID_UNSUBSCRIBE_LINK };
  const now = resolveNow(options.now);
  await getDb()
    .updateTable('newsletter_subscribers')
    .set({ status: 'unsubscribed', unsubscribed_at: now, updated_at: now })
    .where('unsubscribe_hash', '=', hashSecret(token))
    .where('status', 'in', ['pending', 'subscribed'])
    .execute();
  return { ok: true };
}

/** The newsletter as a member's account page shows it. */
export interface MemberNewsletter {
  subscribed: boolean;
  status: SubscriberStatus | null;
}

/** Whether a member gets the newsletter (at their account's address). */
export async function readMemberNewsletter(
  userId: string,
  db: Db = getDb(),
): Promise<MemberNewsletter> {
  const row = await db
    .selectFrom('newsletter_subscribers')
    .select('status')
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return { subscribed: row?.status === 'subscribed', status: row?.status ?? null };
}

/**
 * Switches a member's newsletter on or off. On: their verified account address
 * is subscribed at once (no second opt-in: the address is already confirmed),
 * taking over any subscription that address already had. Off: unsubscribed.
 */
export async function setMemberNewsletter(
  userId: string,
  on: boolean,
  options: CallOptions = {},
): Promise<boolean> {
  const config = getConfig();
  const now = resolveNow(options.now);
  return getDb()
    .transaction()
    .execute(async (trx) => {
      const user = await trx
        .selectFrom('users')
        .select(['id', 'email', 'email_lower', 'first_name', 'surname'])
        .where('id', '=', userId)
        .executeTakeFirst();
      if (!user) return false;
      const own =
        (await trx
          .selectFrom('newsletter_subscribers')
          .selectAll()
          .where('user_id', '=', userId)
          .executeTakeFirst()) ?? (await findSubscriberByEmail(trx, user.email_lower));
      if (!on) {
        if (own && (own.status === 'subscribed' || own.status === 'pending')) {
          await trx
            .updateTable('newsletter_subscribers')
            .set({ status: 'unsubscribed', unsubscribed_at: now, updated_at: now })
            .where('id', '=', own.id)
            .execute();
        }
        return true;
      }
      const subscribed = {
        status: 'subscribed' as const,
        user_id: userId,
        email: user.email,
        email_lower: user.email_lower,
        consent_source: 'account',
        consent_at: now,
        updated_at: now,
        unsubscribed_at: null,
        bounced_at: null,
      };
      if (own) {
        await trx
          .updateTable('newsletter_subscribers')
          .set(subscribed)
          .where('id', '=', own.id)
          .execute();
        return true;
      }
      const id = generateId();
      await trx
        .insertInto('newsletter_subscribers')
        .values({
          id,
          name: `${user.first_name} ${user.surname}`.trim(),
          unsubscribe_hash: hashSecret(unsubscribeToken(id, config)),
          created_at: now,
          ...subscribed,
        })
        .execute();
      return true;
    });
}

/**
 * Moves a member's subscription to their new address, inside the transaction
 * that changes the account's email. A separate subscription the new address
 * already had is merged into the member's (kept subscribed if either was).
 */
export async function followMemberEmailChange(
  trx: Db,
  userId: string,
  newEmail: string,
  now: number,
): Promise<void> {
  const own = await trx
    .selectFrom('newsletter_subscribers')
    .selectAll()
    .where('user_id', '=', userId)
    .executeTakeFirst();
  if (!own) return;
  const lower = newEmail.toLowerCase();
  const other = await findSubscriberByEmail(trx, lower);
  let status = own.status;
  if (other && other.id !== own.id) {
    if (other.status === 'subscribed') status = 'subscribed';
    await trx.deleteFrom('newsletter_subscribers').where('id', '=', other.id).execute();
  }
  await trx
    .updateTable('newsletter_subscribers')
    .set({ email: newEmail, email_lower: lower, status, updated_at: now })
    .where('id', '=', own.id)
    .execute();
}

/** Removes a member's subscription (by account and by address), inside their erasure. */
export async function eraseMemberSubscription(
  trx: Db,
  user: { id: string; email_lower: string },
): Promise<void> {
  await trx
    .deleteFrom('newsletter_subscribers')
    .where((eb) => eb.or([eb('user_id', '=', user.id), eb('email_lower', '=', user.email_lower)]))
    .execute();
}

/** A member's subscription as their data download shows it. */
export interface SubscriptionExport {
  email: string;
  name: string | null;
  status: SubscriberStatus;
  consentGiven: string | null;
  consentSource: string | null;
  since: string;
}

/** The member's newsletter subscription for their data download, or null. */
export async function exportMemberSubscription(
  user: { id: string; email_lower: string },
  db: Db = getDb(),
): Promise<SubscriptionExport | null> {
  const row = await db
    .selectFrom('newsletter_subscribers')
    .selectAll()
    .where((eb) => eb.or([eb('user_id', '=', user.id), eb('email_lower', '=', user.email_lower)]))
    .executeTakeFirst();
  if (!row) return null;
  return {
    email: row.email,
    name: row.name,
    status: row.status,
    consentGiven: row.consent_at === null ? null : new Date(row.consent_at).toISOString(),
    consentSource: row.consent_source,
    since: new Date(row.created_at).toISOString(),
  };
}

/** How many subscribers are in each status (every status present, zero when none). */
export async function countSubscribers(
  db: Db = getDb(),
): Promise<Record<SubscriberStatus, number>> {
  const rows = await db
    .selectFrom('newsletter_subscribers')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute();
  const counts: Record<SubscriberStatus, number> = {
    pending: 0,
    subscribed: 0,
    unsubscribed: 0,
    bounced: 0,
  };
  for (const row of rows) counts[row.status] = Number(row.n);
  return counts;
}

/** The most recently changed subscribers in one status, for the staff page. */
export async function listSubscribers(
  status: SubscriberStatus,
  options: { limit?: number; db?: Db } = {},
): Promise<Subscriber[]> {
  return (options.db ?? getDb())
    .selectFrom('newsletter_subscribers')
    .selectAll()
    .where('status', '=', status)
    .orderBy('updated_at', 'desc')
    .limit(options.limit ?? 50)
    .execute();
}
