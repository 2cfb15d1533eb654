import { beforeAll, describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE } from '../../src/server/clock.ts';
import {
  createSession,
  invalidateSession,
  invalidateUserSessions,
  validateSessionToken,
} from '../../src/server/sessions.ts';
import {
  buildBlankSessionCookie,
  buildSessionCookie,
  readSessionCookie,
  sessionCookieName,
} from '../../src/server/session-cookie.ts';
import { hashSecret } from '../../src/server/crypto.ts';
import { countRows, ENGINES, seedUser, useTestStore } from './support.ts';

const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);

describe.each(ENGINES)('sessions on %s', (engine) => {
  const store = useTestStore(engine);
  let memberId: string;
  let staffId: string;
  beforeAll(async () => {
    memberId = await seedUser(store.db, { username: 'member1' });
    staffId = await seedUser(store.db, { username: 'staff1', role: 'staff' });
  });

  it('issues <id>.<secret> tokens with a 32-byte secret and stores only its SHA-256', async () => {
    const { token, session } = await createSession(memberId, 'member', { now: T0 });
    const [id, secret] = token.split('.');
    expect(id).toBe(session.id);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    const row = await store.db
      .selectFrom('sessions')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.secret_hash).toBe(hashSecret(secret));
    expect(JSON.stringify(row)).not.toContain(secret);
  });

  it('validates a token and returns the member', async () => {
    const { token } = await createSession(memberId, 'member', { now: T0 });
    const result = await validateSessionToken(token, { now: T0 + MINUTE });
    expect(result?.user).toMatchObject({
      id: memberId,
      username: 'member1',
      role: 'member',
      status: 'confirmed',
    });
    expect(result?.renewed).toBe(false);
  });

  it('treats a wrong secret for a real id as no session', async () => {
    const { token } = await createSession(memberId, 'member', { now: T0 });
    const [id] = token.split('.');
    const forged = `${id}.${'A'.repeat(43)}`;
    expect(await validateSessionToken(forged, { now: T0 })).toBeNull();
    expect(await validateSessionToken(token, { now: T0 })).not.toBeNull();
  });

  it.each([
    ['empty', ''],
    ['no dot', 'abcdefghijklmnopqrstuvwxyz'],
    ['bad id alphabet', `${'A'.repeat(26)}.${'a'.repeat(43)}`],
    ['short secret', `${'a'.repeat(26)}.abc`],
    ['bad encoding', `${'a'.repeat(26)}.${'%'.repeat(43)}`],
    ['two dots', `${'a'.repeat(26)}.${'a'.repeat(43)}.x`],
    ['not a string', 42],
  ])('treats a malformed token (%s) as no session and writes nothing', async (_, token) => {
    const before = await store.db.selectFrom('sessions').selectAll().orderBy('id').execute();
    expect(await validateSessionToken(token, { now: T0 })).toBeNull();
    expect(await store.db.selectFrom('sessions').selectAll().orderBy('id').execute()).toEqual(
      before,
    );
  });

  it('renews a member session at most once an hour', async () => {
    const { token, session } = await createSession(memberId, 'member', { now: T0 });
    const early = await validateSessionToken(token, { now: T0 + 59 * MINUTE });
    expect(early?.renewed).toBe(false);
    expect(early?.session.expiresAt).toBe(session.expiresAt);
    const later = await validateSessionToken(token, { now: T0 + HOUR });
    expect(later?.renewed).toBe(true);
    expect(later?.session.expiresAt).toBe(T0 + HOUR + 10 * DAY);
    expect(later?.maxAgeSeconds).toBe((10 * DAY) / 1000);
  });

  it('ends a member session after 10 idle days and deletes it', async () => {
    const { token, session } = await createSession(memberId, 'member', { now: T0 });
    expect(await validateSessionToken(token, { now: T0 + 10 * DAY - 1 })).not.toBeNull();
    const { token: idle } = await createSession(memberId, 'member', { now: T0 });
    expect(await validateSessionToken(idle, { now: T0 + 10 * DAY })).toBeNull();
    const gone = await store.db
      .selectFrom('sessions')
      .select('id')
      .where('id', '=', idle.split('.')[0])
      .executeTakeFirst();
    expect(gone).toBeUndefined();
    expect(session.absoluteExpiresAt).toBe(T0 + 30 * DAY);
  });

  it('ends a member session after 30 days even when used every day', async () => {
    const { token } = await createSession(memberId, 'member', { now: T0 });
    let last = null;
    for (let day = 1; day < 30; day++) {
      last = await validateSessionToken(token, { now: T0 + day * DAY });
      expect(last).not.toBeNull();
    }
    // The cookie never outlives the absolute deadline.
    expect(last?.maxAgeSeconds).toBe(DAY / 1000);
    expect(await validateSessionToken(token, { now: T0 + 30 * DAY })).toBeNull();
  });

  it('ends a staff session after 30 idle minutes', async () => {
    const { token } = await createSession(staffId, 'staff', { now: T0 });
    expect(await validateSessionToken(token, { now: T0 + 29 * MINUTE })).not.toBeNull();
    expect(await validateSessionToken(token, { now: T0 + 29 * MINUTE + 30 * MINUTE })).toBeNull();
  });

  it('ends a staff session after 12 hours even when active', async () => {
    const { token } = await createSession(staffId, 'staff', { now: T0 });
    for (let t = 20 * MINUTE; t < 12 * HOUR; t += 20 * MINUTE) {
      expect(await validateSessionToken(token, { now: T0 + t })).not.toBeNull();
    }
    expect(await validateSessionToken(token, { now: T0 + 12 * HOUR })).toBeNull();
  });

  it('logout deletes the row and the old token no longer works', async () => {
    const { token, session } = await createSession(memberId, 'member', { now: T0 });
    await invalidateSession(session.id);
    expect(await validateSessionToken(token, { now: T0 })).toBeNull();
  });

  it('ends every session of a user at once', async () => {
    const a = await createSession(memberId, 'member', { now: T0 });
    const b = await createSession(memberId, 'member', { now: T0 });
    const other = await createSession(staffId, 'staff', { now: T0 });
    await invalidateUserSessions(memberId);
    expect(await validateSessionToken(a.token, { now: T0 })).toBeNull();
    expect(await validateSessionToken(b.token, { now: T0 })).toBeNull();
    expect(await validateSessionToken(other.token, { now: T0 })).not.toBeNull();
  });

  it('refuses the session of a suspended account', async () => {
    const id = await seedUser(store.db, { username: 'suspended1' });
    const { token } = await createSession(id, 'member', { now: T0 });
    await store.db.updateTable('users').set({ status: 'suspended' }).where('id', '=', id).execute();
    expect(await validateSessionToken(token, { now: T0 })).toBeNull();
  });

  it('reads the session and its user afresh on every request: a revocation or change applies at once', async () => {
    const id = await seedUser(store.db, { username: 'changing1' });
    const { token, session } = await createSession(id, 'member', { now: T0 });
    expect((await validateSessionToken(token, { now: T0 }))?.user.status).toBe('confirmed');
    await store.db.updateTable('users').set({ status: 'rejected' }).where('id', '=', id).execute();
    expect((await validateSessionToken(token, { now: T0 }))?.user.status).toBe('rejected');
    await store.db
      .updateTable('users')
      .set({ first_name: 'Renamed' })
      .where('id', '=', id)
      .execute();
    expect((await validateSessionToken(token, { now: T0 }))?.user.firstName).toBe('Renamed');
    await invalidateSession(session.id);
    expect(await validateSessionToken(token, { now: T0 })).toBeNull();
  });

  it('gives each login a fresh session id', async () => {
    const before = await countRows(store.db, 'sessions');
    const a = await createSession(memberId, 'member', { now: T0 });
    const b = await createSession(memberId, 'member', { now: T0 });
    expect(a.session.id).not.toBe(b.session.id);
    expect(await countRows(store.db, 'sessions')).toBe(before + 2);
  });
});

describe('session cookie', () => {
  it('is HttpOnly, Secure, SameSite=Lax, Path=/ with Max-Age and no Domain', () => {
    const cookie = buildSessionCookie('tok.en', 3600, false);
    expect(cookie).toBe('session=tok.en; Max-Age=3600; Path=/; HttpOnly; Secure; SameSite=Lax');
    expect(cookie).not.toMatch(/Domain/i);
  });
  it('uses the __Host- prefix over https', () => {
    expect(buildSessionCookie('t', 10, true).startsWith('__Host-session=t;')).toBe(true);
    expect(sessionCookieName(true)).toBe('__Host-session');
  });
  it('clears the cookie on logout', () => {
    expect(buildBlankSessionCookie(true)).toBe(
      '__Host-session=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax',
    );
  });
  it('reads the token from a Cookie header', () => {
    expect(readSessionCookie('a=1; __Host-session=abc.def; b=2', true)).toBe('abc.def');
    expect(readSessionCookie('session=abc', true)).toBeNull();
    expect(readSessionCookie(null, false)).toBeNull();
  });
});
