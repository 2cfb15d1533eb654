/**
 * Password hashing with argon2id (m=19456 KiB, t=2, p=1, 16-byte salt). The
 * native module hashes on libuv's thread pool, off the event loop.
 */
import { hash, verify } from '@node-rs/argon2';

/** argon2id parameters from docs/security.md § Passwords (`algorithm: 2` is Argon2id). */
export const ARGON2_OPTIONS = {
  algorithm: 2,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
  outputLen: 32,
} as const;

/** Hashes a password as typed: never trimmed, truncated or case-changed. */
export async function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

/** Verifies a password against a stored hash; false (not an error) for a malformed hash. */
export async function verifyPasswordHash(storedHash: string, password: string): Promise<boolean> {
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;

/**
 * Spends one verify on a throwaway hash, so a login for an unknown or locked
 * account costs the same time as a wrong password.
 */
export async function verifyDummyPassword(password: string): Promise<false> {
  dummy ??= hash('dummy password for timing parity', ARGON2_OPTIONS);
  await verifyPasswordHash(await dummy, password);
  return false;
}
