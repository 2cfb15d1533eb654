/**
 * Passkeys (W3C WebAuthn Level 3) through @simplewebauthn/server: register
 * one or more per account, name and remove them, and sign in with one. A
 * passkey sign-in counts as both factors, so it starts a fully signed-in
 * session. The relying party is the site: its ID is SITE_URL's host name and
 * the expected origin is SITE_URL's origin. Staff passkeys must verify the
 * user (PIN or biometrics), as their sign-in guards the whole roll.
 */
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransportFuture,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { recordAudit } from '../audit.ts';
import { MINUTE, resolveNow } from '../clock.ts';
import { getConfig } from '../config.ts';
import { deliverMail } from '../mail.ts';
import { passkeyAddedMessage } from '../mail-templates.ts';
import { createSession, type Session } from '../sessions.ts';
import { getDb, type Db } from '../store/db.ts';
import type { PasskeyRow, User } from '../store/schema.ts';
import { hasHiddenControls } from '../rules/person-name.ts';
import { findUserById } from '../users.ts';
import { PASSKEY_NAME_MAX } from './passkey-name.ts';
import { issuePasskeyProof } from './passkey-proof.ts';

/** How long a challenge may wait for its answer. */
export const CHALLENGE_TTL_MS = 5 * MINUTE;

/** Messages for people. */
export const PASSKEY_MESSAGES = {
  failed: 'That passkey could not be checked. Try again, or sign in with your password.',
  unknown: 'This passkey is not registered here. Sign in with your password instead.',
  notAdded: 'The passkey was not added. Try again.',
  nameTooLong: `Give the passkey a name of ${PASSKEY_NAME_MAX} characters or fewer`,
  nameHidden:
    'Use letters, numbers, spaces and punctuation in the passkey name: it has a hidden control character',
  lastFactor:
    'Staff must keep a second factor: set up an authenticator app before removing your last passkey.',
  notFound: 'There is no such passkey on your account.',
  notYours: 'That passkey is not one of yours. Use a passkey you added to this account.',
  noneToConfirm: 'There is no passkey on your account.',
} as const;

/** What a challenge was issued for: an answer is accepted only for the same purpose. */
type ChallengePurpose = 'register' | 'sign-in' | 'reauth';

/** The relying party for the site's URL. */
export function relyingParty(siteUrl = getConfig().siteUrl): { id: string; origin: string } {
  const url = new URL(siteUrl);
  return { id: url.hostname, origin: url.origin };
}

async function saveChallenge(
  db: Db,
  challenge: string,
  purpose: ChallengePurpose,
  userId: string | null,
  now: number,
): Promise<void> {
  await db.deleteFrom('webauthn_challenges').where('expires_at', '<=', now).execute();
  await db
    .insertInto('webauthn_challenges')
    .values({ challenge, purpose, user_id: userId, expires_at: now + CHALLENGE_TTL_MS })
    .execute();
}

/** Uses a challenge once: true only for the first answer, before it expires. */
async function consumeChallenge(
  db: Db,
  challenge: string,
  purpose: ChallengePurpose,
  userId: string | null,
  now: number,
): Promise<boolean> {
  let query = db
    .deleteFrom('webauthn_challenges')
    .where('challenge', '=', challenge)
    .where('purpose', '=', purpose)
    .where('expires_at', '>', now);
  query =
    userId === null ? query.where('user_id', 'is', null) : query.where('user_id', '=', userId);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

const TRANSPORTS: readonly string[] = [
  'ble',
  'cable',
  'hybrid',
  'internal',
  'nfc',
  'smart-card',
  'usb',
];

function isTransport(value: unknown): value is AuthenticatorTransportFuture {
  return typeof value === 'string' && TRANSPORTS.includes(value);
}

function parseTransports(text: string): AuthenticatorTransportFuture[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter(isTransport) : [];
  } catch {
    return [];
  }
}

/** Options for `navigator.credentials.create()`, for a signed-in account. */
export async function passkeyRegistrationOptions(
  user: Pick<User, 'id' | 'username' | 'first_name' | 'surname' | 'role'>,
  options: { now?: number } = {},
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const db = getDb();
  const now = resolveNow(options.now);
  const rp = relyingParty();
  const existing = await db
    .selectFrom('passkeys')
    .select(['id', 'transports'])
    .where('user_id', '=', user.id)
    .execute();
  const creation = await generateRegistrationOptions({
    rpName: getConfig().siteName,
    rpID: rp.id,
    userName: user.username,
    userID: new TextEncoder().encode(user.id),
    userDisplayName: `${user.first_name} ${user.surname}`.trim(),
    attestationType: 'none',
    excludeCredentials: existing.map((p) => ({
      id: p.id,
      transports: parseTransports(p.transports),
    })),
    authenticatorSelection: {
      residentKey: 'required',
      userVerification: user.role === 'staff' ? 'required' : 'preferred',
    },
  });
  await saveChallenge(db, creation.challenge, 'register', user.id, now);
  return creation;
}

/** A passkey name from the form, or a message; empty means "name it after the device". */
export function checkPasskeyName(
  input: string,
  fallback: string,
): { ok: true; name: string } | { ok: false; message: string } {
  const name = input.normalize('NFC').replace(/\s+/g, ' ').trim() || fallback;
  if (name.length > PASSKEY_NAME_MAX) return { ok: false, message: PASSKEY_MESSAGES.nameTooLong };
  if (hasHiddenControls(name)) return { ok: false, message: PASSKEY_MESSAGES.nameHidden };
  return { ok: true, name };
}

/**
 * Verifies a registration answer and stores the passkey under `name`, for the
 * account of the signed-in `session`. Mails the account a notice. Refuses an answer to another account's or a used challenge.
 */
export async function registerPasskey(
  session: { id: string; userId: string },
  response: RegistrationResponseJSON,
  name: string,
  options: { now?: number } = {},
): Promise<{ ok: true; id: string } | { ok: false; message: string }> {
  const userId = session.userId;
  const db = getDb();
  const now = resolveNow(options.now);
  const user = await findUserById(userId, db);
  if (!user) return { ok: false, message: PASSKEY_MESSAGES.notAdded };
  const rp = relyingParty();
  let verified;
  try {
    verified = await verifyRegistrationResponse({
      response,
      expectedChallenge: (challenge) => consumeChallenge(db, challenge, 'register', user.id, now),
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: user.role === 'staff',
    });
  } catch {
    return { ok: false, message: PASSKEY_MESSAGES.notAdded };
  }
  if (!verified.verified) return { ok: false, message: PASSKEY_MESSAGES.notAdded };
  const credential = verified.registrationInfo.credential;
  try {
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('passkeys')
        .values({
          id: credential.id,
          user_id: user.id,
          public_key: Buffer.from(credential.publicKey).toString('base64url'),
          counter: credential.counter,
          transports: JSON.stringify(credential.transports ?? []),
          name,
          created_at: now,
          last_used_at: null,
        })
        .execute();
      // This session has just shown the new factor, so it stays fully signed in; the
      // account's other sessions now owe a second step.
      await trx
        .updateTable('sessions')
        .set({ two_factor_verified: 1 })
        .where('id', '=', session.id)
        .where('user_id', '=', user.id)
        .execute();
      await recordAudit(trx, { actor: user.username, action: 'passkey.add', target: user.id, now });
    });
  } catch {
    // The same credential already registered (here or on another account).
    return { ok: false, message: PASSKEY_MESSAGES.notAdded };
  }
  const config = getConfig();
  await deliverMail(passkeyAddedMessage(config, user.email, user.first_name, name), config);
  return { ok: true, id: credential.id };
}

/** Options for `navigator.credentials.get()`: any passkey of this site (discoverable credentials). */
export async function passkeySignInOptions(
  options: { now?: number } = {},
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const db = getDb();
  const request = await generateAuthenticationOptions({
    rpID: relyingParty().id,
    userVerification: 'preferred',
  });
  await saveChallenge(db, request.challenge, 'sign-in', null, resolveNow(options.now));
  return request;
}

/** The stored passkey an answer comes from (of account `userId` only, when given). */
function findAnsweringPasskey(
  db: Db,
  response: AuthenticationResponseJSON,
  userId?: string,
): Promise<PasskeyRow | undefined> {
  let query = db
    .selectFrom('passkeys')
    .selectAll()
    .where('id', '=', typeof response?.id === 'string' ? response.id : '');
  if (userId !== undefined) query = query.where('user_id', '=', userId);
  return query.executeTakeFirst();
}

/** A passkey sign-in's outcome: a fully signed-in session, or why not. */
export type PasskeySignInResult =
  | { ok: true; token: string; session: Session; maxAgeSeconds: number; user: User }
  | { ok: false; message: string };

/**
 * Signs in with a passkey: checks the answer against the stored public key,
 * the challenge (once), the origin and RP ID, and the signature counter, then
 * starts a session that counts as both factors.
 */
export async function signInWithPasskey(
  response: AuthenticationResponseJSON,
  options: { now?: number; userAgent?: string | null } = {},
): Promise<PasskeySignInResult> {
  const db = getDb();
  const now = resolveNow(options.now);
  const stored = await findAnsweringPasskey(db, response);
  if (!stored) return { ok: false, message: PASSKEY_MESSAGES.unknown };
  const user = await findUserById(stored.user_id, db);
  if (!user || user.status === 'suspended') return { ok: false, message: PASSKEY_MESSAGES.failed };
  const handle = response.response?.userHandle;
  if (handle && handle !== Buffer.from(user.id).toString('base64url'))
    return { ok: false, message: PASSKEY_MESSAGES.failed };
  const checked = await verifyStoredPasskey(db, stored, response, {
    purpose: 'sign-in',
    challengeUserId: null,
    requireUserVerification: user.role === 'staff',
    now,
  });
  if (!checked) return { ok: false, message: PASSKEY_MESSAGES.failed };
  const created = await createSession(user.id, user.role, {
    now,
    db,
    twoFactorVerified: true,
    userAgent: options.userAgent,
  });
  if (user.role === 'staff')
    await recordAudit(db, {
      actor: user.username,
      action: 'staff.sign-in',
      detail: { via: 'passkey' },
      now,
    });
  return { ok: true, ...created, user };
}

/**
 * Checks an authentication answer against a stored passkey (W3C WebAuthn 3,
 * 7.2): the challenge (used once, for `purpose`), origin, RP ID, signature and
 * signature counter; on success stores the new counter. False when any check fails.
 */
async function verifyStoredPasskey(
  db: Db,
  stored: PasskeyRow,
  response: AuthenticationResponseJSON,
  check: {
    purpose: ChallengePurpose;
    challengeUserId: string | null;
    requireUserVerification: boolean;
    now: number;
  },
): Promise<boolean> {
  const rp = relyingParty();
  let verified;
  try {
    verified = await verifyAuthenticationResponse({
      response,
      expectedChallenge: (challenge) =>
        consumeChallenge(db, challenge, check.purpose, check.challengeUserId, check.now),
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      credential: {
        id: stored.id,
        publicKey: new Uint8Array(Buffer.from(stored.public_key, 'base64url')),
        counter: Number(stored.counter),
        transports: parseTransports(stored.transports),
      },
      requireUserVerification: check.requireUserVerification,
    });
  } catch {
    return false;
  }
  if (!verified.verified) return false;
  await db
    .updateTable('passkeys')
    .set({ counter: verified.authenticationInfo.newCounter, last_used_at: check.now })
    .where('id', '=', stored.id)
    .execute();
  return true;
}

/**
 * Options for `navigator.credentials.get()` that confirm a signed-in account
 * holder with one of their own passkeys (staff re-authentication): only that
 * account's passkeys are allowed, and the user must be verified (PIN or
 * biometrics). Null when the account has no passkey.
 */
export async function passkeyConfirmationOptions(
  userId: string,
  options: { now?: number } = {},
): Promise<PublicKeyCredentialRequestOptionsJSON | null> {
  const db = getDb();
  const own = await db
    .selectFrom('passkeys')
    .select(['id', 'transports'])
    .where('user_id', '=', userId)
    .execute();
  if (own.length === 0) return null;
  const request = await generateAuthenticationOptions({
    rpID: relyingParty().id,
    allowCredentials: own.map((p) => ({ id: p.id, transports: parseTransports(p.transports) })),
    userVerification: 'required',
  });
  await saveChallenge(db, request.challenge, 'reauth', userId, resolveNow(options.now));
  return request;
}

/**
 * Confirms that the holder of signed-in account `userId` has one of its passkeys
 * at hand, answering a challenge from `passkeyConfirmationOptions` (used once)
 * with the user verified. Returns a proof for the form that needs it
 * (passkey-proof.ts).
 */
export async function confirmWithPasskey(
  userId: string,
  response: AuthenticationResponseJSON,
  options: { now?: number } = {},
): Promise<{ ok: true; proof: string } | { ok: false; message: string }> {
  const db = getDb();
  const now = resolveNow(options.now);
  const stored = await findAnsweringPasskey(db, response, userId);
  if (!stored) return { ok: false, message: PASSKEY_MESSAGES.notYours };
  const ok = await verifyStoredPasskey(db, stored, response, {
    purpose: 'reauth',
    challengeUserId: userId,
    requireUserVerification: true,
    now,
  });
  if (!ok) return { ok: false, message: PASSKEY_MESSAGES.failed };
  return { ok: true, proof: await issuePasskeyProof(db, userId, now) };
}

/** Renames one of the account's passkeys. */
export async function renamePasskey(
  userId: string,
  id: string,
  nameInput: string,
): Promise<{ ok: true } | { ok: false; message: string }> {
  const checked = checkPasskeyName(nameInput, '');
  if (!checked.ok) return checked;
  if (!checked.name) return { ok: false, message: 'Enter a name for the passkey' };
  const result = await getDb()
    .updateTable('passkeys')
    .set({ name: checked.name })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1
    ? { ok: true }
    : { ok: false, message: PASSKEY_MESSAGES.notFound };
}

/** Removes one of the account's passkeys; staff keep at least one second factor. */
export async function removePasskey(
  userId: string,
  id: string,
  options: { now?: number } = {},
): Promise<{ ok: true } | { ok: false; message: string }> {
  const db = getDb();
  const now = resolveNow(options.now);
  const user = await findUserById(userId, db);
  if (!user) return { ok: false, message: PASSKEY_MESSAGES.notFound };
  return db
    .transaction()
    .execute(async (trx) => {
      const result = await trx
        .deleteFrom('passkeys')
        .where('id', '=', id)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (Number(result.numDeletedRows) !== 1)
        return { ok: false, message: PASSKEY_MESSAGES.notFound };
      if (user.role === 'staff' && !user.totp_secret) {
        const left = await trx
          .selectFrom('passkeys')
          .select('id')
          .where('user_id', '=', userId)
          .execute();
        if (left.length === 0) throw new LastFactor();
      }
      await recordAudit(trx, {
        actor: user.username,
        action: 'passkey.remove',
        target: user.id,
        now,
      });
      return { ok: true as const };
    })
    .catch((error: unknown) => {
      if (error instanceof LastFactor)
        return { ok: false as const, message: PASSKEY_MESSAGES.lastFactor };
      throw error;
    });
}

/** Rolls back the removal of a staff member's last second factor. */
class LastFactor extends Error {}
