/**
 * A software authenticator for tests: an ECDSA P-256 (COSE alg -7) passkey
 * whose assertions are built and signed as a real authenticator would
 * (W3C WebAuthn 3, 6.1 authenticator data; 7.2 verifying an assertion), so the
 * server's checks run against genuine signatures without a browser.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import type { Db } from '../../src/server/store/db.ts';

const FLAG_USER_PRESENT = 0x01;
const FLAG_USER_VERIFIED = 0x04;

/** A CBOR byte string of 32 bytes (RFC 8949, 3.1: major type 2, one-byte length). */
function cborBytes32(bytes: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0x58, 0x20]), bytes]);
}

/** The COSE_Key of an EC2 P-256 public key (RFC 9053, 7.1.1): {1:2, 3:-7, -1:1, -2:x, -3:y}. */
function coseKey(publicKey: KeyObject): Buffer {
  const jwk = publicKey.export({ format: 'jwk' });
  const x = Buffer.from(jwk.x!, 'base64url');
  const y = Buffer.from(jwk.y!, 'base64url');
  return Buffer.concat([
    Buffer.from([0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21]),
    cborBytes32(x),
    Buffer.from([0x22]),
    cborBytes32(y),
  ]);
}

export interface SoftPasskey {
  /** The credential ID, base64url. */
  id: string;
  /** Stores the passkey on `userId`'s account, as registering it would. */
  register(db: Db, userId: string, name?: string): Promise<void>;
  /**
   * An answer to `challenge` (base64url) for the relying party at `origin`, as
   * `startAuthentication` returns it. `userVerified: false` leaves the UV flag off.
   */
  answer(
    challenge: string,
    origin: string,
    options?: { userVerified?: boolean; userHandle?: string },
  ): object;
}

/** A new passkey with its own key pair and signature counter. */
export function createSoftPasskey(): SoftPasskey {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const id = randomBytes(16).toString('base64url');
  let counter = 0;
  return {
    id,
    async register(db, userId, name = 'Test key') {
      await db
        .insertInto('passkeys')
        .values({
          id,
          user_id: userId,
          public_key: coseKey(publicKey).toString('base64url'),
          counter: 0,
          transports: '["usb"]',
          name,
          created_at: Date.now(),
          last_used_at: null,
        })
        .execute();
    },
    answer(challenge, origin, options = {}) {
      counter += 1;
      const rpIdHash = createHash('sha256').update(new URL(origin).hostname).digest();
      const flags = FLAG_USER_PRESENT | (options.userVerified === false ? 0 : FLAG_USER_VERIFIED);
      const signCount = Buffer.alloc(4);
      signCount.writeUInt32BE(counter);
      const authenticatorData = Buffer.concat([rpIdHash, Buffer.from([flags]), signCount]);
      const clientDataJSON = Buffer.from(
        JSON.stringify({ type: 'webauthn.get', challenge, origin, crossOrigin: false }),
      );
      const signed = Buffer.concat([
        authenticatorData,
        createHash('sha256').update(clientDataJSON).digest(),
      ]);
      return {
        id,
        rawId: id,
        type: 'public-key',
        response: {
          clientDataJSON: clientDataJSON.toString('base64url'),
          authenticatorData: authenticatorData.toString('base64url'),
          signature: sign('sha256', signed, privateKey).toString('base64url'),
          ...(options.userHandle ? { userHandle: options.userHandle } : {}),
        },
        clientExtensionResults: {},
      };
    },
  };
}
