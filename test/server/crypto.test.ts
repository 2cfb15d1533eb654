import { describe, expect, it } from 'vitest';
import { hashSecret, hexDigestsEqual } from '../../src/server/crypto.ts';

describe('hexDigestsEqual', () => {
  const digest = hashSecret('a secret');

  it('accepts the same digest and refuses any other', () => {
    expect(hexDigestsEqual(digest, hashSecret('a secret'))).toBe(true);
    expect(hexDigestsEqual(digest, hashSecret('another secret'))).toBe(false);
    const lastFlipped = digest.slice(0, -1) + (digest.endsWith('0') ? '1' : '0');
    expect(hexDigestsEqual(digest, lastFlipped)).toBe(false);
  });

  it('refuses what is not lower-case hex of the same even length', () => {
    expect(hexDigestsEqual(digest, digest.slice(0, -2))).toBe(false);
    expect(hexDigestsEqual(digest.toUpperCase(), digest.toUpperCase())).toBe(false);
    // Node would decode only up to the first non-hex character.
    const cut = digest.slice(0, 62) + 'zz';
    expect(hexDigestsEqual(cut, cut)).toBe(false);
    expect(hexDigestsEqual('abc', 'abc')).toBe(false);
    expect(hexDigestsEqual('', '')).toBe(true);
  });
});
