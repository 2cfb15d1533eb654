/**
 * Recovery codes: ten single-use codes shown once when a second factor is set
 * up (or the codes are regenerated). Each holds 80 random bits, so only a
 * SHA-256 of it is stored, as for session secrets.
 */
import { randomBytes } from 'node:crypto';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { hashSecret } from '../crypto.ts';
import type { Db } from '../store/db.ts';

/** How many codes an account holds. */
export const RECOVERY_CODE_COUNT = 10;

/** A new code: 16 base32 characters in four groups, e.g. `k7q2-mx4p-9zt3-hw6c`. */
function generateRecoveryCode(): string {
  return encodeBase32LowerCaseNoPadding(randomBytes(10)).replace(/(.{4})(?=.)/g, '$1-');
}

/** A typed code reduced to its 16 characters (case, spaces and dashes ignored), or null. */
export function normaliseRecoveryCode(input: string): string | null {
  const code = input.toLowerCase().replace(/[\s-]/g, '');
  return /^[a-z2-7]{16}$/.test(code) ? code : null;
}

/** Replaces an account's codes with ten new ones; returns them (the only time they exist in clear). */
export async function replaceRecoveryCodes(db: Db, userId: string, now: number): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, generateRecoveryCode);
  await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  await db
    .insertInto('recovery_codes')
    .values(
      codes.map((code) => ({
        code_hash: hashSecret(normaliseRecoveryCode(code)!),
        user_id: userId,
        created_at: now,
        used_at: null,
      })),
    )
    .execute();
  return codes;
}

/**
 * Uses one code: true only for the request that marks it used, so two
 * requests racing with the same code cannot both succeed.
 */
export async function consumeRecoveryCode(
  db: Db,
  userId: string,
  input: string,
  now: number,
): Promise<boolean> {
  const code = normaliseRecoveryCode(input);
  if (!code) return false;
  const result = await db
    .updateTable('recovery_codes')
    .set({ used_at: now })
    .where('code_hash', '=', hashSecret(code))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** How many unused codes an account has left. */
export async function countRecoveryCodes(db: Db, userId: string): Promise<number> {
  const row = await db
    .selectFrom('recovery_codes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
