/**
 * The second-factor domain with an injected clock: TOTP steps (RFC 6238),
 * encryption at rest, recovery codes, the shared lock-out, and staff resets.
 */
import { generateHOTP } from '@oslojs/otp';
import { describe, expect, it } from 'vitest';
import { createSession, validateSessionToken } from '../../src/server/sessions.ts';
import {
  replaceRecoveryCodes,
  consumeRecoveryCode,
} from '../../src/server/two-factor/recovery-codes.ts';
import { openBytes, sealBytes } from '../../src/server/two-factor/secret-box.ts';
import {
  formatTotpKey,
  generateTotpKey,
  matchTotpStep,
  totpKeyUri,
  totpStep,
} from '../../src/server/two-factor/totp.ts';
import {
  checkTotpCode,
  resetStaffTwoFactor,
  TWO_FACTOR_MESSAGES,
  verifySecondFactor,
} from '../../src/server/two-factor/two-factor.ts';
import { ENGINES, giveTotp, readOutbox, seedUser, useTestStore } from './support.ts';

const T0 = Date.UTC(2026, 2, 3, 12, 0, 10);
const STEP = 30_000;
const code = (key: Uint8Array, ms: number) => generateHOTP(key, BigInt(Math.floor(ms / STEP)), 6);

describe('TOTP codes (RFC 6238: SHA-1, 6 digits, 30 s)', () => {
  it('matches the RFC 6238 appendix B vectors through @oslojs/otp', () => {
    // The RFC's SHA-1 key, 8-digit vectors cut to the 6 digits used here (truncation is mod 10^d).
    const key = new TextEncoder().encode('12345678901234567890');
    expect(generateHOTP(key, BigInt(totpStep(59_000)), 6)).toBe('287082');
    expect(generateHOTP(key, BigInt(totpStep(1_111_111_109_000)), 6)).toBe('081804');
    expect(matchTotpStep(key, '287082', 59_000, null)).toBe(1);
  });

  it('accepts the current step and one either side, not two away', () => {
    const key = generateTotpKey();
    const now = T0;
    const current = totpStep(now);
    for (const offset of [-1, 0, 1]) {
      expect(matchTotpStep(key, code(key, now + offset * STEP), now, null)).toBe(current + offset);
    }
    for (const offset of [-3, -2, 2, 3]) {
      const c = code(key, now + offset * STEP);
      // A different step's code can equal an allowed one by chance (1 in 10^6): skip that case.
      if ([-1, 0, 1].some((o) => code(key, now + o * STEP) === c)) continue;
      expect(matchTotpStep(key, c, now, null)).toBeNull();
    }
  });

  it('never accepts a step at or before the last one used', () => {
    const key = generateTotpKey();
    const current = totpStep(T0);
    expect(matchTotpStep(key, code(key, T0), T0, current)).toBeNull();
    expect(matchTotpStep(key, code(key, T0 - STEP), T0, current)).toBeNull();
    expect(matchTotpStep(key, code(key, T0 + STEP), T0, current)).toBe(current + 1);
  });

  it('writes the key URI and the key as base32 in groups', () => {
    const key = new Uint8Array(20).fill(0xff);
    expect(formatTotpKey(key)).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
    const uri = new URL(totpKeyUri('Police Federation', 'alice', key));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('algorithm')).toBe('SHA1');
    expect(uri.searchParams.get('digits')).toBe('6');
    expect(uri.searchParams.get('period')).toBe('30');
    expect(uri.searchParams.get('issuer')).toBe('Police Federation');
  });
});

describe('TOTP keys at rest (AES-256-GCM)', () => {
  const secret = 's'.repeat(40);

  it('round-trips, uses a fresh nonce each time and refuses tampering or another key', () => {
    const key = generateTotpKey();
    const a = sealBytes(key, secret);
    const b = sealBytes(key, secret);
    expect(a).not.toBe(b);
    expect(openBytes(a, secret)).toEqual(key);
    const raw = Buffer.from(a, 'base64url');
    raw[15] = raw[15] ^ 1;
    expect(() => openBytes(raw.toString('base64url'), secret)).toThrow();
    expect(() => openBytes(a, 't'.repeat(40))).toThrow();
    expect(() => openBytes('short', secret)).toThrow();
  });
});

describe.each(ENGINES)('second factors in the store (%s)', (engine) => {
  const store = useTestStore(engine);
  let n = 0;
  async function account(role: 'member' | 'staff' = 'member') {
    n += 1;
    const id = await seedUser(store.db, { username: `tf${n}`, role, now: T0 });
    return id;
  }

  it('lets exactly one of two concurrent uses of a recovery code through', async () => {
    const id = await account();
    const codes = await replaceRecoveryCodes(store.db, id, T0);
    const results = await Promise.all([
      consumeRecoveryCode(store.db, id, codes[0], T0),
      consumeRecoveryCode(store.db, id, codes[0], T0),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await consumeRecoveryCode(store.db, id, 'not-a-code', T0)).toBe(false);
  });

  it('refuses a recovery code of another account', async () => {
    const a = await account();
    const b = await account();
    const codes = await replaceRecoveryCodes(store.db, a, T0);
    expect(await consumeRecoveryCode(store.db, b, codes[0], T0)).toBe(false);
    expect(await consumeRecoveryCode(store.db, a, codes[0], T0)).toBe(true);
  });

  it('reads a code typed with spaces, dashes or full-width digits, and says what is wrong with others', async () => {
    const id = await account();
    const key = await giveTotp(store.db, id);
    const right = code(key, T0);
    const fullWidth = [...right].map((d) => String.fromCharCode(0xff10 + Number(d))).join('');
    expect(await checkTotpCode(id, fullWidth, { now: T0 })).toEqual({ ok: true });
    const spaced = code(key, T0 + 30_000);
    const typed = `${spaced.slice(0, 3)} - ${spaced.slice(3)}`;
    expect(await checkTotpCode(id, typed, { now: T0 + 30_000 })).toEqual({ ok: true });
    for (const [input, message] of [
      ['1234567890123', TWO_FACTOR_MESSAGES.codeLength],
      ['12345', TWO_FACTOR_MESSAGES.codeLength],
      ['１２３４５', TWO_FACTOR_MESSAGES.codeLength],
      ['12345a', TWO_FACTOR_MESSAGES.codeLetters],
      ['', TWO_FACTOR_MESSAGES.codeMissing],
    ] as const) {
      expect(await checkTotpCode(id, input, { now: T0 }), input).toEqual({
        ok: false,
        errors: { code: message },
      });
    }
  });

  it('locks out after 10 wrong codes in 10 minutes and opens again after the window', async () => {
    const id = await account();
    const key = await giveTotp(store.db, id);
    const right = code(key, T0);
    const wrong = right === '000000' ? '111111' : '000000';
    for (let i = 0; i < 10; i++) {
      const result = await checkTotpCode(id, wrong, { now: T0 + i * 1000 });
      expect(result.ok).toBe(false);
      expect('locked' in result).toBe(false);
    }
    const locked = await checkTotpCode(id, right, { now: T0 + 11_000 });
    expect(locked).toMatchObject({ ok: false, locked: true });
    const later = T0 + 10 * 60_000 + 20_000;
    expect(await checkTotpCode(id, code(key, later), { now: later })).toEqual({ ok: true });
  });

  it('replaces the half-signed-in session with a new verified one', async () => {
    const id = await account();
    const key = await giveTotp(store.db, id);
    const half = await createSession(id, 'member', { now: T0, db: store.db });
    const before = await validateSessionToken(half.token, { now: T0 });
    expect(before?.user.twoFactorEnabled).toBe(true);
    expect(before?.session.twoFactorVerified).toBe(false);
    const result = await verifySecondFactor(half.session, { code: code(key, T0) }, { now: T0 });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.session.id).not.toBe(half.session.id);
    expect(await validateSessionToken(half.token, { now: T0 })).toBeNull();
    expect((await validateSessionToken(result.token, { now: T0 }))?.session.twoFactorVerified).toBe(
      true,
    );
  });

  it('resets a staff member’s factors only by another staff member, ending their sessions', async () => {
    const lead = await account('staff');
    const lost = await account('staff');
    await giveTotp(store.db, lost);
    await replaceRecoveryCodes(store.db, lost, T0);
    await createSession(lost, 'staff', { now: T0, db: store.db, twoFactorVerified: true });
    const own = await resetStaffTwoFactor({ id: lost, username: `tf${n}` }, lost, { now: T0 });
    expect(own.ok).toBe(false);
    const done = await resetStaffTwoFactor({ id: lead, username: 'lead' }, lost, { now: T0 });
    expect(done.ok).toBe(true);
    const row = await store.db
      .selectFrom('users')
      .select('totp_secret')
      .where('id', '=', lost)
      .executeTakeFirstOrThrow();
    expect(row.totp_secret).toBeNull();
    const left = await store.db
      .selectFrom('recovery_codes')
      .select('code_hash')
      .where('user_id', '=', lost)
      .execute();
    expect(left).toHaveLength(0);
    const sessions = await store.db
      .selectFrom('sessions')
      .select('id')
      .where('user_id', '=', lost)
      .execute();
    expect(sessions).toHaveLength(0);
    const notice = readOutbox(store.dataDir).find(
      (m) => /turned off/.test(m.subject) && m.to.includes(`tf${n}`),
    );
    expect(notice?.text).toContain('lead');
  });
});
