/**
 * Single-use tokens sent by email (docs/security.md § Tokens): 32 random bytes, stored as
 * SHA-256, consumed by one conditional UPDATE so a concurrent double use
 * succeeds once. A new token for the same purpose voids the older ones.
 */
import { DAY, HOUR, resolveNow } from './clock.ts';
import { generateSecret, hashSecret } from './crypto.ts';
import type { Db } from './store/db.ts';
import type { TokenPurpose } from './store/schema.ts';

/** How long each kind of token lives. */
export const TOKEN_LIFETIME: Record<TokenPurpose, number> = {
  verify: 2 * DAY,
  reset: HOUR,
  'email-change': DAY,
};

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** A consumed token's facts. */
export interface ConsumedToken {
  userId: string;
  purpose: TokenPurpose;
  newEmail: string | null;
}

/** Creates a token (voiding earlier unused ones of the same purpose) and returns it. */
export async function createEmailToken(
  db: Db,
  userId: string,
  purpose: TokenPurpose,
  options: { now?: number; newEmail?: string } = {},
): Promise<string> {
  const now = resolveNow(options.now);
  const token = generateSecret();
  await db
    .deleteFrom('email_tokens')
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .execute();
  await db
    .insertInto('email_tokens')
    .values({
      token_hash: hashSecret(token),
      user_id: userId,
      purpose,
      new_email: options.newEmail ?? null,
      created_at: now,
      expires_at: now + TOKEN_LIFETIME[purpose],
      used_at: null,
    })
    .execute();
  return token;
}

/** True when a string has the shape of a token (checked before touching the store). */
export function isTokenShaped(token: unknown): token is string {
  return typeof token === 'string' && TOKEN_SHAPE.test(token);
}

/** Marks a live token used and returns it, or null when unknown, expired, used or of another purpose. */
export async function consumeEmailToken(
  db: Db,
  token: unknown,
  purpose: TokenPurpose,
  options: { now?: number } = {},
): Promise<ConsumedToken | null> {
  if (!isTokenShaped(token)) return null;
  const now = resolveNow(options.now);
  const row = await db
    .updateTable('email_tokens')
    .set({ used_at: now })
    .where('token_hash', '=', hashSecret(token))
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .returning(['user_id', 'purpose', 'new_email'])
    .executeTakeFirst();
  return row ? { userId: row.user_id, purpose: row.purpose, newEmail: row.new_email } : null;
}
