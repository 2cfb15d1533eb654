import { hash, verify } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { changePassword } from '../../src/server/account.ts';
import { authenticateMember, loginFailureKey } from '../../src/server/authentication.ts';
import { requestPasswordReset, resetPassword } from '../../src/server/password-reset.ts';
import { ARGON2_OPTIONS } from '../../src/server/passwords.ts';
import { LOGIN_ACCOUNT_LIMIT, peekRateLimit } from '../../src/server/rate-limit.ts';
import { registerMember } from '../../src/server/registration.ts';
import { checkPassword, PASSWORD_MESSAGES } from '../../src/server/rules/password-policy.ts';
import { createSession } from '../../src/server/sessions.ts';
import { reauthenticateStaff } from '../../src/server/staff/reauth.ts';
import { ENGINES, giveTotp, lastTokenFor, seedUser, totpCodeAt, useTestStore } from './support.ts';

const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);

/** `Crème brûlée in Zürich 7` with precomposed letters (NFC) and with combining accents (NFD). */
const CREME_NFC = 'Cr\u00e8me br\u00fbl\u00e9e in Z\u00fcrich 7';
const CREME_NFD = 'Cre\u0300me bru\u0302le\u0301e in Zu\u0308rich 7';
/** Korean syllables (NFC) and the same text as conjoining jamo (NFD). */
const HANGUL_NFC = '\ud55c\uad6d\uc5b4 \ube44\ubc00\ubc88\ud638 \uc0b0\ucc45';
const HANGUL_NFD = HANGUL_NFC.normalize('NFD');
/** Characters NFKC would fold (ligature, superscript, fullwidth) and NFC keeps. */
const COMPAT = '\ufb01ne \uff2b\uff45\uff54\uff54\uff4c\uff45 \u00b2 lantern';

let n = 0;

describe('the spellings these tests rely on', () => {
  it('differ as typed and agree once normalised to NFC', () => {
    expect(CREME_NFC).not.toBe(CREME_NFD);
    expect(CREME_NFD.normalize('NFC')).toBe(CREME_NFC);
    expect(HANGUL_NFD).not.toBe(HANGUL_NFC);
    expect(HANGUL_NFD.normalize('NFC')).toBe(HANGUL_NFC);
    expect(COMPAT.normalize('NFC')).toBe(COMPAT);
    expect(COMPAT.normalize('NFKC')).not.toBe(COMPAT);
  });
});

describe('password rules judge the NFC form', () => {
  const context = { siteName: 'Metropolitan Police Federation' };

  it('counts letters, not combining marks, towards the minimum length', () => {
    const sevenLetters = 'e\u0301'.repeat(7);
    expect([...sevenLetters]).toHaveLength(14);
    expect(checkPassword(sevenLetters, context)).toEqual({
      ok: false,
      message: PASSWORD_MESSAGES.tooShort,
    });
    expect(checkPassword(CREME_NFD, context)).toEqual({ ok: true, password: CREME_NFC });
  });

  it('finds the username or email in the password whichever way either was typed', () => {
    const username = 'zo\u00eb_h';
    expect(checkPassword('bright zo\u00eb_h lantern', { ...context, username })).toEqual({
      ok: false,
      message: PASSWORD_MESSAGES.username,
    });
    expect(checkPassword('bright zoe\u0308_h lantern', { ...context, username })).toEqual({
      ok: false,
      message: PASSWORD_MESSAGES.username,
    });
    expect(
      checkPassword('quiet b\u00e9atrice harbour', { ...context, email: 'be\u0301atrice@x.org' }),
    ).toEqual({ ok: false, message: PASSWORD_MESSAGES.email });
  });

  it('compares with the common-password list without folding compatibility characters', () => {
    expect(checkPassword('password1', context)).toEqual({
      ok: false,
      message: PASSWORD_MESSAGES.common,
    });
    // Fullwidth `ｐａｓｓｗｏｒｄ１` is another password under NFC (NFKC would make it `password1`).
    expect(
      checkPassword('\uff50\uff41\uff53\uff53\uff57\uff4f\uff52\uff44\uff11', context),
    ).toEqual({ ok: true, password: '\uff50\uff41\uff53\uff53\uff57\uff4f\uff52\uff44\uff11' });
  });
});

describe.each(ENGINES)('passwords typed in other Unicode forms on %s', (engine) => {
  const store = useTestStore(engine);

  async function register(password: string) {
    n += 1;
    const username = `unicode${n}`;
    const result = await registerMember(
      {
        firstName: 'Ren\u00e9e',
        surname: 'Ngata',
        email: `renee.ngata.${n}@example.org`,
        username,
        warrantNumber: String(710000 + n),
        password,
      },
      { now: T0 },
    );
    expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
    return username;
  }

  async function hashOf(username: string): Promise<string> {
    const row = await store.db
      .selectFrom('users')
      .select('password_hash')
      .where('username_lower', '=', username)
      .executeTakeFirstOrThrow();
    return row.password_hash;
  }

  /** An account whose hash was made from the password exactly as typed, before normalisation. */
  async function legacyAccount(typed: string, role: 'member' | 'staff' = 'member') {
    n += 1;
    const username = `legacy${n}`;
    const id = await seedUser(store.db, { username, role, status: 'confirmed' });
    await store.db
      .updateTable('users')
      .set({ password_hash: await hash(typed, ARGON2_OPTIONS) })
      .where('id', '=', id)
      .execute();
    return { id, username };
  }

  async function failures(user: { id: string }): Promise<number> {
    const peek = await peekRateLimit(loginFailureKey(user, ''), LOGIN_ACCOUNT_LIMIT, { now: T0 });
    return peek.allowed ? LOGIN_ACCOUNT_LIMIT.limit - peek.remaining : LOGIN_ACCOUNT_LIMIT.limit;
  }

  it('signs in with the decomposed form of a password registered composed, and the reverse', async () => {
    const composed = await register(CREME_NFC);
    expect((await authenticateMember(composed, CREME_NFD, { now: T0 })).ok).toBe(true);
    expect((await authenticateMember(composed, CREME_NFC, { now: T0 })).ok).toBe(true);
    const decomposed = await register(CREME_NFD);
    expect((await authenticateMember(decomposed, CREME_NFC, { now: T0 })).ok).toBe(true);
    expect(await verify(await hashOf(decomposed), CREME_NFC)).toBe(true);
  });

  it('signs in with Hangul typed as syllables or as jamo', async () => {
    const username = await register(HANGUL_NFD);
    expect((await authenticateMember(username, HANGUL_NFC, { now: T0 })).ok).toBe(true);
    expect((await authenticateMember(username, HANGUL_NFD, { now: T0 })).ok).toBe(true);
  });

  it('keeps characters NFKC would fold: the folded text is a different password', async () => {
    const username = await register(COMPAT);
    expect((await authenticateMember(username, COMPAT, { now: T0 })).ok).toBe(true);
    const folded = await authenticateMember(username, COMPAT.normalize('NFKC'), { now: T0 });
    expect(folded.ok).toBe(false);
  });

  it('keeps an account hashed from decomposed input working, and rehashes it to NFC on sign-in', async () => {
    const account = await legacyAccount(CREME_NFD);
    expect((await authenticateMember(account.username, CREME_NFC, { now: T0 })).ok).toBe(true);
    const upgraded = await hashOf(account.username);
    expect(await verify(upgraded, CREME_NFC)).toBe(true);
    expect((await authenticateMember(account.username, CREME_NFD, { now: T0 })).ok).toBe(true);
    expect(await hashOf(account.username)).toBe(upgraded);
  });

  it('counts one wrong password once, however many forms are tried', async () => {
    const account = await legacyAccount(CREME_NFD);
    const wrong = 'Cre\u0300me bru\u0302le\u0301e in Paris 8';
    expect((await authenticateMember(account.username, wrong, { now: T0 })).ok).toBe(false);
    expect(await failures(account)).toBe(1);
    expect((await authenticateMember(account.username, wrong, { now: T0 })).ok).toBe(false);
    expect(await failures(account)).toBe(2);
    // Success clears the count, whichever form matched.
    expect((await authenticateMember(account.username, CREME_NFC, { now: T0 })).ok).toBe(true);
    expect(await failures(account)).toBe(0);
  });

  it('accepts the current password in another form when changing it, and stores the new one as NFC', async () => {
    const account = await legacyAccount(CREME_NFC);
    const result = await changePassword(account.id, CREME_NFD, HANGUL_NFD, { now: T0 });
    expect(result.ok).toBe(true);
    expect(await verify(await hashOf(account.username), HANGUL_NFC)).toBe(true);
    expect((await authenticateMember(account.username, HANGUL_NFC, { now: T0 })).ok).toBe(true);
  });

  it('stores a password set from a reset link as NFC', async () => {
    const account = await legacyAccount('old-password-not-known');
    const email = `${account.username}@example.com`;
    await requestPasswordReset(email, { now: T0 });
    const token = lastTokenFor(store.dataDir, email, '/reset-password/');
    expect(await resetPassword(token, CREME_NFD, { now: T0 })).toEqual({ ok: true });
    expect(await verify(await hashOf(account.username), CREME_NFC)).toBe(true);
  });

  it('lets staff confirm their password in another form, and rehashes a legacy hash', async () => {
    const account = await legacyAccount(HANGUL_NFD, 'staff');
    const key = await giveTotp(store.db, account.id);
    const { session } = await createSession(account.id, 'staff', { now: T0, db: store.db });
    const code = await totpCodeAt(key, T0);
    expect(await reauthenticateStaff(session, HANGUL_NFC, { code }, { now: T0 })).toEqual({
      ok: true,
    });
    expect(await verify(await hashOf(account.username), HANGUL_NFC)).toBe(true);
    expect(await failures(account)).toBe(0);
  });
});
