/**
 * Warrant numbers are stored only as HMAC-SHA256 keyed by WARRANT_KEY (which is
 * never in the database) plus their last two digits: six digits hashed without
 * a key could be reversed by trying all million values.
 */
import { hmac } from '@oslojs/crypto/hmac';
import { SHA256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';

const encoder = new TextEncoder();

/** Hex HMAC of a checked 6-digit warrant number. */
export function hmacWarrantNumber(digits: string, key: string): string {
  if (!/^[0-9]{6}$/.test(digits)) throw new Error('hmacWarrantNumber expects exactly 6 digits');
  return encodeHexLowerCase(hmac(SHA256, encoder.encode(key), encoder.encode(digits)));
}

/** The last two digits, kept for display ("ends in 42"). */
export function warrantLastTwo(digits: string): string {
  return digits.slice(-2);
}
