import { describe, expect, it } from 'vitest';
import {
  changePassword,
  CURRENT_PASSWORD_MESSAGE,
  exportMemberData,
  PASSWORD_CHANGED_MEANWHILE_MESSAGE,
  requestEmailChange,
} from '../../src/server/account.ts';
import { authenticateMember } from '../../src/server/authentication.ts';
import { eraseAccount } from '../../src/server/membership/erase.ts';
import { PASSWORD_LOCKED_MESSAGE } from '../../src/server/password-check.ts';
import { EMAIL_TAKEN_MESSAGE, verifyEmail } from '../../src/server/registration.ts';
import { requestPasswordReset } from '../../src/server/password-reset.ts';
import { createSession, validateSessionToken } from '../../src/server/sessions.ts';
import {
  countRows,
  ENGINES,
  lastTokenFor,
  readOutbox,
  SEED_PASSWORD,
  seedUser,
  useTestStore,
} from './support.ts';

const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);
let n = 0;

describe.each(ENGINES)('a member’s own account on %s', (engine) => {
  const store = useTestStore(engine);

  async function member() {
    n += 1;
    const email = `own${n}@example.com`;
    const id = await seedUser(store.db, {
      username: `own${n}`,
      email,
      warrant: `6000${String(n).padStart(2, '0')}`,
    });
    return { id, email, username: `own${n}` };
  }

  async function emailOf(id: string): Promise<string> {
    const row = await store.db
      .selectFrom('users')
      .select('email')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    return row.email;
  }

  it('changes the password only with the current one', async () => {
    const { id } = await member();
    expect(await changePassword(id, 'not it at all', 'brand-new-kestrel', { now: T0 })).toEqual({
      ok: false,
      errors: { currentPassword: CURRENT_PASSWORD_MESSAGE },
    });
    expect(await changePassword(id, SEED_PASSWORD, 'password', { now: T0 })).toMatchObject({
      ok: false,
      // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- vitest types asymmetric matchers as any
      errors: { newPassword: expect.any(String) },
    });
  });

  it('names both fields’ problems at once', async () => {
    const { id } = await member();
    const result = await changePassword(id, 'not it at all', 'password', { now: T0 });
    expect(result).toMatchObject({
      ok: false,
      // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- vitest types asymmetric matchers as any
      errors: { currentPassword: CURRENT_PASSWORD_MESSAGE, newPassword: expect.any(String) },
    });
  });

  it('lands one of two changes made at the same moment and tells the other', async () => {
    const { id, username } = await member();
    const results = await Promise.all(
      ['first-new-kestrel', 'second-new-kestrel'].map((next) =>
        changePassword(id, SEED_PASSWORD, next, { now: T0 }),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toEqual({
      ok: false,
      errors: { currentPassword: PASSWORD_CHANGED_MEANWHILE_MESSAGE },
    });
    const landed = results[0].ok ? 'first-new-kestrel' : 'second-new-kestrel';
    expect((await authenticateMember(username, landed, { now: T0 })).ok).toBe(true);
  });

  it('locks password checks after 10 wrong current passwords, sharing the sign-in lockout', async () => {
    const { id, username } = await member();
    for (let i = 0; i < 10; i++) {
      expect(
        await changePassword(id, `wrong-${i}-guess`, 'brand-new-kestrel', { now: T0 }),
      ).toEqual({ ok: false, errors: { currentPassword: CURRENT_PASSWORD_MESSAGE } });
    }
    // The right password no longer helps while the account is locked, here or at sign-in.
    expect(await changePassword(id, SEED_PASSWORD, 'brand-new-kestrel', { now: T0 })).toEqual({
      ok: false,
      errors: { currentPassword: PASSWORD_LOCKED_MESSAGE },
    });
    expect(
      await requestEmailChange(
        id,
        { email: 'x@example.org', password: SEED_PASSWORD },
        { now: T0 },
      ),
    ).toEqual({ ok: false, errors: { password: PASSWORD_LOCKED_MESSAGE } });
    expect((await authenticateMember(username, SEED_PASSWORD, { now: T0 })).ok).toBe(false);
    // Ten minutes later the lock has lapsed.
    const later = T0 + 10 * 60_000 + 1;
    expect((await changePassword(id, SEED_PASSWORD, 'brand-new-kestrel', { now: later })).ok).toBe(
      true,
    );
  });

  it('ends every old session when the password changes and returns a new one', async () => {
    const { id, username } = await member();
    const old = await createSession(id, 'member', { now: T0 });
    const result = await changePassword(id, SEED_PASSWORD, 'brand-new-kestrel', { now: T0 });
    expect(result.ok).toBe(true);
    expect(await validateSessionToken(old.token, { now: T0 })).toBeNull();
    if (result.ok)
      expect((await validateSessionToken(result.token, { now: T0 }))?.user.id).toBe(id);
    expect((await authenticateMember(username, 'brand-new-kestrel', { now: T0 })).ok).toBe(true);
  });

  it('changes the email only once the link sent to the new address is used', async () => {
    const { id, email } = await member();
    expect(
      await requestEmailChange(
        id,
        { email: 'moved@example.org', password: SEED_PASSWORD },
        { now: T0 },
      ),
    ).toEqual({ ok: true });
    expect(await emailOf(id)).toBe(email);
    const token = lastTokenFor(store.dataDir, 'moved@example.org', '/verify-email/');
    expect(await verifyEmail(token, { now: T0 })).toEqual({ ok: true, kind: 'email-change' });
    expect(await emailOf(id)).toBe('moved@example.org');
    // Both addresses hear of it; the old one is told how to report a change it did not make.
    const outbox = readOutbox(store.dataDir);
    const toOld = outbox.filter(
      (m) => m.to.includes(email) && m.text.includes('was changed from this address'),
    );
    expect(toOld).toHaveLength(1);
    expect(toOld[0].text).toContain('moved@example.org');
    expect(toOld[0].text).toMatch(
      /If you did not make this change.*contact the federation office/s,
    );
    const toNew = outbox.filter(
      (m) => m.to.includes('moved@example.org') && m.text.includes('now uses this email address'),
    );
    expect(toNew).toHaveLength(1);
  });

  it('checks the new address and the password for an email change', async () => {
    const { id } = await member();
    expect(
      await requestEmailChange(
        id,
        { email: 'pc@met.police.uk', password: 'wrong one!' },
        { now: T0 },
      ),
    ).toEqual({
      ok: false,
      errors: {
        email: 'Use a personal email: work email cannot receive our messages',
        password: CURRENT_PASSWORD_MESSAGE,
      },
    });
  });

  it('answers the same when the new address has an account, and tells its owner', async () => {
    const { id } = await member();
    const other = await member();
    expect(
      await requestEmailChange(id, { email: other.email, password: SEED_PASSWORD }, { now: T0 }),
    ).toEqual({ ok: true });
    const last = readOutbox(store.dataDir).at(-1)!;
    expect(last.to).toContain(other.email);
    expect(last.text).not.toContain('token=');
  });

  it('says so when the new address was taken by another account before the link was used', async () => {
    const { id, email } = await member();
    const address = `taken${n}@example.org`;
    await requestEmailChange(id, { email: address, password: SEED_PASSWORD }, { now: T0 });
    const token = lastTokenFor(store.dataDir, address, '/verify-email/');
    await seedUser(store.db, { username: `taker${n}`, email: address });
    expect(await verifyEmail(token, { now: T0 })).toEqual({
      ok: false,
      message: EMAIL_TAKEN_MESSAGE,
    });
    expect(await emailOf(id)).toBe(email);
  });

  it('exports the member’s data without secrets', async () => {
    const { id, email } = await member();
    await createSession(id, 'member', { now: T0 });
    const data = await exportMemberData(id, { now: T0 });
    expect(data?.account).toMatchObject({
      email,
      status: 'confirmed',
      // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- vitest types asymmetric matchers as any
      warrantNumberEndsIn: expect.stringMatching(/^\d\d$/),
    });
    expect(data?.sessions.length).toBeGreaterThan(0);
    const row = await store.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    const json = JSON.stringify(data);
    expect(json).not.toContain(row.password_hash);
    expect(json).not.toContain(row.warrant_hmac);
    expect(json).not.toContain('$argon2');
    expect(await exportMemberData('nobody')).toBeNull();
  });

  it('erases the user, sessions, tokens and rate-limit keys', async () => {
    const { id, email, username } = await member();
    await createSession(id, 'member', { now: T0 });
    await requestPasswordReset(email, { now: T0 });
    await authenticateMember(username, 'wrong password!', { now: T0 });
    await authenticateMember(email, 'wrong password!', { now: T0 });
    const keysBefore = await countRows(store.db, 'rate_limits');
    expect(await eraseAccount(id, { now: T0 })).toBe(true);
    expect(
      await store.db.selectFrom('users').select('id').where('id', '=', id).executeTakeFirst(),
    ).toBeUndefined();
    expect(
      await store.db.selectFrom('sessions').select('id').where('user_id', '=', id).execute(),
    ).toEqual([]);
    expect(
      await store.db
        .selectFrom('email_tokens')
        .select('user_id')
        .where('user_id', '=', id)
        .execute(),
    ).toEqual([]);
    // Two keys went: the account's login failures and its email-sending counter.
    expect(await countRows(store.db, 'rate_limits')).toBe(keysBefore - 2);
    const audit = await store.db
      .selectFrom('audit_log')
      .selectAll()
      .where('target', '=', id)
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['member.erase']);
    expect(JSON.stringify(audit)).not.toContain(email);
    expect(await eraseAccount(id)).toBe(false);
  });
});
