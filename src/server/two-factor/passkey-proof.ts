/**
 * Proof that an account holder just answered a passkey challenge with the user
 * verified (see `confirmWithPasskey` in passkeys.ts), handed to the page and
 * spent by the next form that needs it: staff re-authentication. The proof is a
 * random secret, kept only as its SHA-256 in the challenges table (purpose
 * `passkey-proof`), bound to the account, used once and good for two minutes.
 * This module does not import the WebAuthn library, so the function that
 * spends a proof stays small.
 */
import { MINUTE } from '../clock.ts';
import { generateSecret, hashSecret } from '../crypto.ts';
import type { Db } from '../store/db.ts';

/** How long a proof may wait for the form that spends it. */
export const PASSKEY_PROOF_TTL_MS = 2 * MINUTE;

const PURPOSE = 'passkey-proof';

/** Stores a new proof for `userId`; returns the secret to hand to the page. */
export async function issuePasskeyProof(db: Db, userId: string, now: number): Promise<string> {
  const secret = generateSecret();
  await db
    .insertInto('webauthn_challenges')
    .values({
      challenge: hashSecret(secret),
      purpose: PURPOSE,
      user_id: userId,
      expires_at: now + PASSKEY_PROOF_TTL_MS,
    })
    .execute();
  return secret;
}

/** Spends a proof: true only for `userId`'s own unexpired proof, the first time. */
export async function spendPasskeyProof(
  db: Db,
  userId: string,
  secret: string,
  now: number,
): Promise<boolean> {
  if (!secret) return false;
  const result = await db
    .deleteFrom('webauthn_challenges')
    .where('challenge', '=', hashSecret(secret))
    .where('purpose', '=', PURPOSE)
    .where('user_id', '=', userId)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}
