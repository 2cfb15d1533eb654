/**
 * Small cryptographic helpers shared by sessions, email tokens and warrant
 * numbers. Randomness comes from the platform CSPRNG.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { encodeBase32LowerCaseNoPadding, encodeBase64urlNoPadding } from '@oslojs/encoding';

/** A random identifier for rows: 16 bytes, base32, 26 characters. */
export function generateId(): string {
  return encodeBase32LowerCaseNoPadding(randomBytes(16));
}

/** A random secret: 32 bytes, base64url without padding, 43 characters. */
export function generateSecret(): string {
  return encodeBase64urlNoPadding(randomBytes(32));
}

/** Hex SHA-256 of a UTF-8 string (Node's native hash: every request with a session hashes its secret). */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

const HEX = /^[0-9a-f]*$/;

/** Compares two hex digests in constant time (false when either is not hex of equal length). */
export function hexDigestsEqual(a: string, b: string): boolean {
  if (a.length !== b.length || a.length % 2 !== 0 || !HEX.test(a) || !HEX.test(b)) return false;
  return timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));
}
