import { beforeAll, describe, expect, it } from 'vitest';
import { authenticateMember, LOGIN_FAILED_MESSAGE } from '../../src/server/authentication.ts';
import { validateSessionToken } from '../../src/server/sessions.ts';
import { requestPasswordReset, resetPassword } from '../../src/server/password-reset.ts';
import { MINUTE } from '../../src/server/clock.ts';
import { ENGINES, lastTokenFor, SEED_PASSWORD, seedUser, useTestStore } from './support.ts';

const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);
const FAILED = { ok: false, reason: 'invalid', message: LOGIN_FAILED_MESSAGE };

describe.each(ENGINES)('signing in on %s', (engine) => {
  const store = useTestStore(engine);
  beforeAll(async () => {
    await seedUser(store.db, {
      username: 'Alice',
      email: 'Alice@Example.com',
      status: 'confirmed',
    });
    await seedUser(store.db, { username: 'pat', status: 'pending' });
    await seedUser(store.db, { username: 'rory', status: 'rejected' });
    await seedUser(store.db, { username: 'una', status: 'unverified' });
    await seedUser(store.db, { username: 'sid', status: 'suspended' });
    await seedUser(store.db, { username: 'bob' });
    await seedUser(store.db, { username: 'carol' });
    await seedUser(store.db, { username: 'stella', role: 'staff', status: 'confirmed' });
  });

  it('records each staff sign-in in the audit log, but not members’ sign-ins', async () => {
    const auditRows = () =>
      store.db
        .selectFrom('audit_log')
        .select(['actor', 'action'])
        .where('action', '=', 'staff.sign-in')
        .execute();
    const before = (await auditRows()).length;
    expect((await authenticateMember('alice', SEED_PASSWORD, { now: T0 })).ok).toBe(true);
    expect(await auditRows()).toHaveLength(before);
    expect((await authenticateMember('stella', 'not her password', { now: T0 })).ok).toBe(false);
    expect(await auditRows()).toHaveLength(before);
    expect((await authenticateMember('stella', SEED_PASSWORD, { now: T0 })).ok).toBe(true);
    expect((await auditRows()).slice(before)).toEqual([
      { actor: 'stella', action: 'staff.sign-in' },
    ]);
  });

  it('signs in by username or email in any case and starts a new session each time', async () => {
    const a = await authenticateMember('alice', SEED_PASSWORD, { now: T0 });
    const b = await authenticateMember(' ALICE@example.COM ', SEED_PASSWORD, { now: T0 });
    expect(a.ok && b.ok).toBe(true);
    if (!a.ok || !b.ok) return;
    expect(a.session.id).not.toBe(b.session.id);
    expect(a.user).toMatchObject({ username: 'Alice', role: 'member', status: 'confirmed' });
    expect((await validateSessionToken(a.token, { now: T0 }))?.user.username).toBe('Alice');
  });

  it('never trims or changes the case of the password', async () => {
    expect(await authenticateMember('bob', ` ${SEED_PASSWORD}`, { now: T0 })).toEqual(FAILED);
    expect(await authenticateMember('bob', SEED_PASSWORD.toUpperCase(), { now: T0 })).toEqual(
      FAILED,
    );
  });

  it('lets pending, rejected and unverified members sign in to see their status', async () => {
    for (const username of ['pat', 'rory', 'una']) {
      const result = await authenticateMember(username, SEED_PASSWORD, { now: T0 });
      expect(result.ok && result.user.status).toBe(
        username === 'pat' ? 'pending' : username === 'rory' ? 'rejected' : 'unverified',
      );
    }
  });

  it('answers unknown user, wrong password and suspended account identically', async () => {
    expect(await authenticateMember('nobody-here', SEED_PASSWORD, { now: T0 })).toEqual(FAILED);
    expect(await authenticateMember('bob', 'wrong password!', { now: T0 })).toEqual(FAILED);
    expect(await authenticateMember('sid', SEED_PASSWORD, { now: T0 })).toEqual(FAILED);
    expect(await authenticateMember('', '', { now: T0 })).toEqual(FAILED);
    expect(await authenticateMember(undefined, null, { now: T0 })).toEqual(FAILED);
  });

  it('spends an argon2 verify on unknown users so timing does not tell', async () => {
    const time = async (login: string) => {
      const start = performance.now();
      await authenticateMember(login, 'wrong password!', { now: T0 + 5 * MINUTE });
      return performance.now() - start;
    };
    // Interleaved, and the median of several, because other test files share the CPU.
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 5; i++) {
      known.push(await time('carol'));
      unknown.push(await time(`ghost-${i}`));
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[2];
    // Without the dummy verify an unknown user answers in about a millisecond, not tens.
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.3);
    expect(median(known)).toBeGreaterThan(median(unknown) * 0.3);
  });

  it('locks an account after 10 failures in 10 minutes, shared by username case and email', async () => {
    const logins = ['carol', 'Carol', 'CAROL', 'carol@example.com', 'Carol@Example.com'];
    const start = T0 + 20 * MINUTE;
    for (let i = 0; i < 10; i++) {
      expect(
        await authenticateMember(logins[i % logins.length], 'wrong password!', { now: start }),
      ).toEqual(FAILED);
    }
    // The right password is now refused with the same answer as a wrong one.
    expect(await authenticateMember('carol', SEED_PASSWORD, { now: start + MINUTE })).toEqual(
      FAILED,
    );
    expect(
      (await authenticateMember('carol', SEED_PASSWORD, { now: start + 10 * MINUTE })).ok,
    ).toBe(true);
  });

  it('resets the failure count after a successful sign-in', async () => {
    const start = T0 + 40 * MINUTE;
    for (let i = 0; i < 5; i++) await authenticateMember('bob', 'wrong password!', { now: start });
    expect((await authenticateMember('bob', SEED_PASSWORD, { now: start })).ok).toBe(true);
    for (let i = 0; i < 5; i++) await authenticateMember('bob', 'wrong password!', { now: start });
    expect((await authenticateMember('bob', SEED_PASSWORD, { now: start })).ok).toBe(true);
  });

  it('lets a locked account reset its password and sign in with the new one', async () => {
    const id = await seedUser(store.db, { username: 'dana', email: 'dana@example.com' });
    const start = T0 + 60 * MINUTE;
    for (let i = 0; i < 11; i++)
      await authenticateMember('dana', 'wrong password!', { now: start });
    expect(await requestPasswordReset('dana@example.com', { now: start })).toEqual({ ok: true });
    const token = lastTokenFor(store.dataDir, 'dana@example.com', '/reset-password/');
    expect(await resetPassword(token, 'new-violet-harbour', { now: start + MINUTE })).toEqual({
      ok: true,
    });
    const result = await authenticateMember('dana', 'new-violet-harbour', {
      now: start + 2 * MINUTE,
    });
    expect(result.ok && result.user.id).toBe(id);
  });

  it('limits guesses per IP before any hashing, with Retry-After', async () => {
    const ip = '203.0.113.9';
    const start = T0 + 120 * MINUTE;
    const results = [];
    for (let i = 0; i < 31; i++)
      results.push(await authenticateMember(`ghost${i}`, 'x', { ip, now: start }));
    expect(results.slice(0, 30).every((r) => !r.ok && r.reason === 'invalid')).toBe(true);
    const limited = results[30];
    expect(limited).toMatchObject({ ok: false, reason: 'rate-limited' });
    expect(!limited.ok && 'retryAfter' in limited && limited.retryAfter).toBeGreaterThan(0);
    // Another address is unaffected.
    expect(
      (await authenticateMember('bob', SEED_PASSWORD, { ip: '203.0.113.10', now: start })).ok,
    ).toBe(true);
  });
});
