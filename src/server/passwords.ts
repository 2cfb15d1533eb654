/**
 * Password hashing with argon2id (m=19456 KiB, t=2, p=1, 16-byte salt). The
 * native module hashes on libuv's thread pool, off the event loop.
 *
 * Passwords are hashed and compared in their NFC form (`normalizePassword`).
 */
import { hash, verify } from '@node-rs/argon2';
import { normalizePassword } from './rules/password-text.ts';

/** argon2id parameters from SECURITY.md line 9 (`algorithm: 2` is Argon2id). */
export const ARGON2_OPTIONS = {
  algorithm: 2,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
  outputLen: 32,
} as const;

/**
 * The forms of a typed password to try against a stored hash, in order: NFC
 * (every hash made now), then the text as typed and its NFD form, which
 * hashes made before normalisation may hold.
 */
function passwordForms(password: string): string[] {
  return [...new Set([normalizePassword(password), password, password.normalize('NFD')])];
}

/** Hashes the password's NFC form. */
export async function hashPassword(password: string): Promise<string> {
  return hash(normalizePassword(password), ARGON2_OPTIONS);
}

async function verifyExactly(storedHash: string, text: string): Promise<boolean> {
  try {
    return await verify(storedHash, text);
  } catch {
    return false;
  }
}

/** A password check's outcome; `rehash` when the hash was made from a form other than NFC. */
export type PasswordVerification = { match: false } | { match: true; rehash: boolean };

/**
 * Verifies a typed password against a stored hash: its NFC form first, then
 * the forms older hashes may hold. No match (not an error) for a malformed
 * hash. The caller counts the attempt once, however many forms are tried.
 */
export async function verifyPassword(
  storedHash: string,
  password: string,
): Promise<PasswordVerification> {
  for (const [index, form] of passwordForms(password).entries()) {
    if (await verifyExactly(storedHash, form)) return { match: true, rehash: index > 0 };
  }
  return { match: false };
}

let dummy: Promise<string> | undefined;

/**
 * Spends the same verifies as a wrong password on a throwaway hash, so a
 * login for an unknown or locked account costs the same time.
 */
export async function verifyDummyPassword(password: string): Promise<false> {
  dummy ??= hash('dummy password for timing parity', ARGON2_OPTIONS);
  const stored = await dummy;
  for (const form of passwordForms(password)) await verifyExactly(stored, form);
  return false;
}
