import { describe, expect, it } from 'vitest';
import { requestPasswordReset, resetPassword } from '../../src/server/password-reset.ts';
import { INVALID_LINK_MESSAGE } from '../../src/server/registration.ts';
import { createSession, validateSessionToken } from '../../src/server/sessions.ts';
import { authenticateMember } from '../../src/server/authentication.ts';
import { HOUR, MINUTE } from '../../src/server/clock.ts';
import { PASSWORD_MESSAGES } from '../../src/server/rules/password-policy.ts';
import { ENGINES, lastTokenFor, readOutbox, seedUser, useTestStore } from './support.ts';

const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);
let n = 0;

describe.each(ENGINES)('password reset on %s', (engine) => {
  const store = useTestStore(engine);

  async function member() {
    n += 1;
    const email = `reset${n}@example.com`;
    const id = await seedUser(store.db, { username: `reset${n}`, email });
    return { id, email, username: `reset${n}` };
  }

  it('emails a link for a known address and answers the same for an unknown one', async () => {
    const { email } = await member();
    const outboxBefore = readOutbox(store.dataDir).length;
    expect(await requestPasswordReset(email.toUpperCase(), { now: T0 })).toEqual({ ok: true });
    expect(await requestPasswordReset('nobody@example.com', { now: T0 })).toEqual({ ok: true });
    expect(await requestPasswordReset('not an email', { now: T0 })).toEqual({ ok: true });
    const sent = readOutbox(store.dataDir).slice(outboxBefore);
    expect(sent).toHaveLength(1);
    expect(sent[0].text).toContain(`${store.config.siteUrl}/reset-password/?token=`);
  });

  it('limits reset emails to 3 per 10 minutes per address, known or not', async () => {
    const { email } = await member();
    for (let i = 0; i < 3; i++) await requestPasswordReset(email, { now: T0 });
    expect(await requestPasswordReset(email, { now: T0 })).toEqual({ ok: false, retryAfter: 600 });
    for (let i = 0; i < 3; i++) await requestPasswordReset('ghost@example.com', { now: T0 });
    expect(await requestPasswordReset('ghost@example.com', { now: T0 })).toEqual({
      ok: false,
      retryAfter: 600,
    });
  });

  it('sets the new password and ends every session in the same step', async () => {
    const { id, email, username } = await member();
    const a = await createSession(id, 'member', { now: T0 });
    const b = await createSession(id, 'member', { now: T0 });
    await requestPasswordReset(email, { now: T0 });
    const token = lastTokenFor(store.dataDir, email, '/reset-password/');
    expect(await resetPassword(token, 'fresh-pebble-meadow', { now: T0 + MINUTE })).toEqual({
      ok: true,
    });
    expect(await validateSessionToken(a.token, { now: T0 + MINUTE })).toBeNull();
    expect(await validateSessionToken(b.token, { now: T0 + MINUTE })).toBeNull();
    expect(
      (await authenticateMember(username, 'fresh-pebble-meadow', { now: T0 + MINUTE })).ok,
    ).toBe(true);
  });

  it('expires a reset link after one hour', async () => {
    const { email } = await member();
    await requestPasswordReset(email, { now: T0 });
    const token = lastTokenFor(store.dataDir, email, '/reset-password/');
    expect(await resetPassword(token, 'fresh-pebble-meadow', { now: T0 + HOUR })).toEqual({
      ok: false,
      errors: { token: INVALID_LINK_MESSAGE },
    });
  });

  it('voids the earlier link when a new one is requested', async () => {
    const { email } = await member();
    await requestPasswordReset(email, { now: T0 });
    const first = lastTokenFor(store.dataDir, email, '/reset-password/');
    await requestPasswordReset(email, { now: T0 + MINUTE });
    const second = lastTokenFor(store.dataDir, email, '/reset-password/');
    expect(
      await resetPassword(first, 'fresh-pebble-meadow', { now: T0 + 2 * MINUTE }),
    ).toMatchObject({ ok: false });
    expect(await resetPassword(second, 'fresh-pebble-meadow', { now: T0 + 2 * MINUTE })).toEqual({
      ok: true,
    });
  });

  it('lets two simultaneous uses of one link succeed once', async () => {
    const { email } = await member();
    await requestPasswordReset(email, { now: T0 });
    const token = lastTokenFor(store.dataDir, email, '/reset-password/');
    const results = await Promise.all([
      resetPassword(token, 'first-walnut-canyon', { now: T0 + MINUTE }),
      resetPassword(token, 'second-walnut-canyon', { now: T0 + MINUTE }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it('refuses a weak new password and keeps the link usable', async () => {
    const { email, username } = await member();
    await requestPasswordReset(email, { now: T0 });
    const token = lastTokenFor(store.dataDir, email, '/reset-password/');
    expect(await resetPassword(token, 'password', { now: T0 })).toEqual({
      ok: false,
      errors: { password: PASSWORD_MESSAGES.common },
    });
    expect(await resetPassword(token, `my-${username}-pass`, { now: T0 })).toEqual({
      ok: false,
      errors: { password: PASSWORD_MESSAGES.username },
    });
    expect(await resetPassword(token, 'fresh-pebble-meadow', { now: T0 })).toEqual({ ok: true });
  });

  it('does not accept a verification link as a reset link', async () => {
    expect(await resetPassword('A'.repeat(43), 'fresh-pebble-meadow', { now: T0 })).toMatchObject({
      ok: false,
    });
    expect(await resetPassword('short', 'fresh-pebble-meadow', { now: T0 })).toMatchObject({
      ok: false,
    });
  });
});
