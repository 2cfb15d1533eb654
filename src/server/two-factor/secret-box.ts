/**
 * Encryption at rest for TOTP keys: AES-256-GCM (NIST SP 800-38D) with a
 * 96-bit random nonce. The 256-bit key is derived from TOTP_KEY with HKDF-SHA256
 * (RFC 5869), so any long random string works as the variable's value.
 * Stored form: base64url of nonce (12 bytes) | ciphertext | tag (16 bytes).
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

const derived = new Map<string, Buffer>();

function keyFrom(secret: string): Buffer {
  let key = derived.get(secret);
  if (!key) {
    key = Buffer.from(hkdfSync('sha256', secret, '', 'totp-secret-encryption', 32));
    derived.set(secret, key);
  }
  return key;
}

/** Encrypts bytes with a key derived from `secret`; returns the stored text form. */
export function sealBytes(plain: Uint8Array, secret: string): string {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyFrom(secret), nonce);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64url');
}

/**
 * Decrypts the text form made by `sealBytes`. Throws when the text was altered
 * or sealed under another key (GCM authentication fails).
 */
export function openBytes(sealed: string, secret: string): Uint8Array {
  const raw = Buffer.from(sealed, 'base64url');
  if (raw.length < NONCE_BYTES + TAG_BYTES) throw new Error('sealed value too short');
  const decipher = createDecipheriv('aes-256-gcm', keyFrom(secret), raw.subarray(0, NONCE_BYTES));
  decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
  const plain = Buffer.concat([
    decipher.update(raw.subarray(NONCE_BYTES, raw.length - TAG_BYTES)),
    decipher.final(),
  ]);
  return new Uint8Array(plain);
}
