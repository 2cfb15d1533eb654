/**
 * Two-factor sign-in through the functions, with the clock moved by fake
 * timers: set-up, the second step with codes of the current and neighbouring
 * 30-second steps, replay, recovery codes, the shared lock-out, and what a
 * half-signed-in session may reach.
 */
import { generateHOTP } from '@oslojs/otp';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { call, createAccount, form, logIn, mailTo, sessionCookieFrom } from './support.ts';

const login = (await import('../../functions/login.ts')).default;
const members = (await import('../../functions/members.ts')).default;
const pages = (await import('../../functions/two-factor.ts')).default;
const setup = (await import('../../functions/two-factor-setup.ts')).default;
const verify = (await import('../../functions/two-factor-verify.ts')).default;
const disable = (await import('../../functions/two-factor-disable.ts')).default;
const recoveryCodes = (await import('../../functions/two-factor-recovery-codes.ts')).default;
const accountPassword = (await import('../../functions/account-password.ts')).default;
const accountEmail = (await import('../../functions/account-email.ts')).default;
const accountExport = (await import('../../functions/account-export.ts')).default;
const accountDelete = (await import('../../functions/account-delete.ts')).default;
const accountSessions = (await import('../../functions/account-sessions.ts')).default;
const passkeys = (await import('../../functions/passkeys.ts')).default;
const session = (await import('../../functions/session.ts')).default;
const logout = (await import('../../functions/logout.ts')).default;
const staffReview = (await import('../../functions/staff-review.ts')).default;
const { getDb } = await import('../../src/server/store/db.ts');
const { decodeBase32IgnorePadding } = await import('@oslojs/encoding');

/** A fixed instant in the middle of a 30-second step. */
const T0 = Date.UTC(2026, 5, 1, 9, 0, 15);
const STEP = 30_000;

afterEach(() => vi.useRealTimers());

function at(ms: number): void {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(ms);
}

function codeFor(key: Uint8Array, ms: number): string {
  return generateHOTP(key, BigInt(Math.floor(ms / STEP)), 6);
}

function get(handler: typeof pages, path: string, cookie?: string) {
  return call(handler, { method: 'GET', path, cookie });
}

let ipSerial = 0;

/** A fresh client address per sign-in, so the per-IP bucket (tested elsewhere) stays out of the way. */
function nextIp(): string {
  ipSerial += 1;
  return `198.51.${Math.floor(ipSerial / 250)}.${(ipSerial % 250) + 1}`;
}

/** Signs in, opens set-up, reads the key from the page and turns TOTP on. */
async function enrol(account: { username: string; password: string }) {
  const { cookie } = await passwordStep(account);
  const page = await get(pages, '/two-factor/setup/', cookie);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain('<svg role="img"');
  const text = /<code id="totp-key">([A-Z2-7 ]+)<\/code>/.exec(html)![1];
  const key = decodeBase32IgnorePadding(text.replace(/ /g, ''));
  const res = await call(setup, {
    path: '/api/two-factor/setup',
    cookie,
    body: form({ code: codeFor(key, Date.now()), next: '/members/' }),
  });
  expect(res.status).toBe(200);
  const codes = [...(await res.text()).matchAll(/<li><code>([a-z2-7-]+)<\/code><\/li>/g)].map(
    (m) => m[1],
  );
  return { key, codes, oldCookie: cookie, cookie: sessionCookieFrom(res)! };
}

/** The password step: answers a half-signed-in cookie and where it was sent. */
async function passwordStep(account: { username: string; password: string }, next = '') {
  const res = await call(login, {
    path: '/api/login',
    ip: nextIp(),
    body: form({ username: account.username, password: account.password, next }),
  });
  expect(res.status).toBe(303);
  return { cookie: sessionCookieFrom(res)!, location: res.headers.get('location')! };
}

function sendCode(cookie: string, fields: Record<string, string>) {
  return call(verify, { path: '/api/two-factor/verify', cookie, body: form(fields) });
}

describe('setting up an authenticator', () => {
  it('shows a QR code and key, refuses a wrong code beside the field, then shows ten codes once', async () => {
    at(T0);
    const account = await createAccount('confirmed');
    const { cookie } = await passwordStep(account);
    const first = await (await get(pages, '/two-factor/setup/', cookie)).text();
    const key = /<code id="totp-key">([A-Z2-7 ]+)<\/code>/.exec(first)![1];
    const wrong = await call(setup, {
      path: '/api/two-factor/setup',
      cookie,
      body: form({
        code:
          '000000' === codeFor(decodeBase32IgnorePadding(key.replace(/ /g, '')), T0)
            ? '111111'
            : '000000',
      }),
    });
    expect(wrong.status).toBe(422);
    const again = await wrong.text();
    expect(again).toContain('That code is not right');
    expect(again).toContain(key);
    const letters = await call(setup, {
      path: '/api/two-factor/setup',
      cookie,
      body: form({ code: '12a456' }),
    });
    expect(await letters.text()).toContain('Enter the 6 digits your authenticator app shows');
    const row = await getDb()
      .selectFrom('users')
      .select(['totp_secret', 'totp_pending_secret'])
      .where('id', '=', account.id)
      .executeTakeFirstOrThrow();
    expect(row.totp_secret).toBeNull();
    expect(row.totp_pending_secret).not.toContain(key.replace(/ /g, ''));
  });

  it('turns TOTP on, stores the key only encrypted, and replaces the session', async () => {
    at(T0);
    const account = await createAccount('confirmed');
    const { key, codes, oldCookie, cookie } = await enrol(account);
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    const row = await getDb()
      .selectFrom('users')
      .selectAll()
      .where('id', '=', account.id)
      .executeTakeFirstOrThrow();
    expect(row.totp_secret).not.toBeNull();
    expect(row.totp_secret).not.toContain(Buffer.from(key).toString('base64url'));
    const stored = await getDb()
      .selectFrom('recovery_codes')
      .select('code_hash')
      .where('user_id', '=', account.id)
      .execute();
    expect(stored).toHaveLength(10);
    for (const code of codes) expect(stored.map((s) => s.code_hash).join()).not.toContain(code);
    expect(cookie).not.toBe(oldCookie);
    expect((await get(members, '/members/', oldCookie)).status).toBe(303);
    expect((await get(members, '/members/', cookie)).status).toBe(200);
    // A second set-up page would swap the authenticator: it sends the account page instead.
    const swap = await get(pages, '/two-factor/setup/', cookie);
    expect(swap.headers.get('location')).toBe('/members/account/');
  });
});

describe('where set-up sends people afterwards', () => {
  it('echoes only a landing page beside the key, never text from the address', async () => {
    const account = await createAccount('confirmed');
    const { cookie } = await passwordStep(account);
    const hiddenNext = async (next: string) => {
      const page = await get(pages, `/two-factor/setup/?next=${encodeURIComponent(next)}`, cookie);
      expect(page.status).toBe(200);
      return /name="next" value="([^"]*)"/.exec(await page.text())?.[1];
    };
    expect(await hiddenNext('/members/account/')).toBe('/members/account/');
    // A guess at the key, or any other path, is not written into the page.
    for (const probe of ['/members/news/JBSWY3DPEHPK3PXP/', '/members/?k=JBSW', '//evil.test/'])
      expect(await hiddenNext(probe)).toBe('/members/');
    const res = await call(setup, {
      path: '/api/two-factor/setup',
      cookie,
      body: form({ code: '000000', next: '/members/news/JBSWY3DP/' }),
    });
    expect(res.status).toBe(422);
    expect(/name="next" value="([^"]*)"/.exec(await res.text())?.[1]).toBe('/members/');
  });
});

describe('the second step of signing in (injected clock)', () => {
  it('sends the password step to /two-factor/ keeping next, and accepts the current code', async () => {
    at(T0);
    const account = await createAccount('confirmed');
    const { key } = await enrol(account);
    at(T0 + 5 * STEP);
    const half = await passwordStep(account, '/members/news/pay-talks/');
    expect(half.location).toBe('/two-factor/?next=%2Fmembers%2Fnews%2Fpay-talks%2F');
    const page = await get(pages, half.location, half.cookie);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('value="/members/news/pay-talks/"');
    const res = await sendCode(half.cookie, {
      code: codeFor(key, T0 + 5 * STEP),
      next: '/members/news/pay-talks/',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/members/news/pay-talks/');
    const full = sessionCookieFrom(res)!;
    expect(full).not.toBe(half.cookie);
    expect((await get(members, '/members/news/pay-talks/', full)).status).toBe(200);
    // The half-signed-in session was replaced, not promoted (no fixation).
    const old = await get(members, '/members/', half.cookie);
    expect(old.headers.get('location')).toMatch(/^\/login\//);
  });

  it('keeps an unsafe next from leaving the site', async () => {
    at(T0);
    const account = await createAccount('confirmed');
    const { key } = await enrol(account);
    at(T0 + 9 * STEP);
    const half = await passwordStep(account, '//evil.example/');
    const res = await sendCode(half.cookie, {
      code: codeFor(key, T0 + 9 * STEP),
      next: '//evil.example/',
    });
    expect(res.headers.get('location')).toBe('/members/');
  });

  it('accepts the codes one step either side, and refuses older and newer ones', async () => {
    at(T0);
    const account = await createAccount('confirmed');
    const { key } = await enrol(account);
    const base = T0 + 100 * STEP;
    // Each accepted code is of a later step than the one before, so none is a replay.
    for (const [offset, accepted] of [
      [-2, false],
      [2, false],
      [-1, true],
      [0, true],
      [1, true],
    ] as const) {
      at(base);
      const half = await passwordStep(account);
      const res = await sendCode(half.cookie, { code: codeFor(key, base + offset * STEP) });
      if (accepted) {
        expect(res.status, `step ${offset}`).toBe(303);
      } else {
        expect(res.status, `step ${offset}`).toBe(422);
        expect(await res.text()).toContain('That code is not right');
      }
    }
  });

  it('refuses a code whose step was already used, even in a new sign-in', async () => {
    at(T0);
    const account = await createAccount('confirmed');
    const { key } = await enrol(account);
    at(T0 + 200 * STEP);
    const code = codeFor(key, T0 + 200 * STEP);
    const first = await passwordStep(account);
    expect((await sendCode(first.cookie, { code })).status).toBe(303);
    const second = await passwordStep(account);
    const replay = await sendCode(second.cookie, { code });
    expect(replay.status).toBe(422);
    // An earlier step than the last used one is refused too.
    const earlier = await sendCode(second.cookie, { code: codeFor(key, T0 + 199 * STEP) });
    expect(earlier.status).toBe(422);
    expect((await sendCode(second.cookie, { code: codeFor(key, T0 + 201 * STEP) })).status).toBe(
      303,
    );
  });

  it('accepts each recovery code once, in any case and spacing', async () => {
    at(T0);
    const account = await createAccount('confirmed');
    const { codes } = await enrol(account);
    const half = await passwordStep(account);
    const typed = ` ${codes[3].toUpperCase().replace(/-/g, ' ')} `;
    const res = await sendCode(half.cookie, { recoveryCode: typed, next: '/members/' });
    expect(res.status).toBe(303);
    const again = await passwordStep(account);
    const reused = await sendCode(again.cookie, { recoveryCode: codes[3] });
    expect(reused.status).toBe(422);
    expect(await reused.text()).toContain(
      'That recovery code is not right or has already been used',
    );
    expect((await sendCode(again.cookie, { recoveryCode: codes[4] })).status).toBe(303);
    const left = await getDb()
      .selectFrom('recovery_codes')
      .select('code_hash')
      .where('user_id', '=', account.id)
      .where('used_at', 'is', null)
      .execute();
    expect(left).toHaveLength(8);
  });

  it('locks the account after 10 wrong codes, on the same counter as passwords', async () => {
    at(T0);
    const account = await createAccount('confirmed');
    const { key } = await enrol(account);
    at(T0 + 300 * STEP);
    const half = await passwordStep(account);
    const right = codeFor(key, T0 + 300 * STEP);
    const wrong = right === '123456' ? '654321' : '123456';
    for (let i = 0; i < 10; i++)
      expect((await sendCode(half.cookie, { code: wrong })).status).toBe(422);
    const locked = await sendCode(half.cookie, { code: right });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    // The password step shares the counter: it is locked as well.
    const byPassword = await call(login, {
      path: '/api/login',
      ip: nextIp(),
      body: form({ username: account.username, password: account.password }),
    });
    expect(byPassword.status).toBe(422);
    at(T0 + 300 * STEP + 11 * 60_000);
    const later = await passwordStep(account);
    expect(
      (await sendCode(later.cookie, { code: codeFor(key, T0 + 300 * STEP + 11 * 60_000) })).status,
    ).toBe(303);
  });
});

describe('a half-signed-in session', () => {
  it('reaches /two-factor/ and log-out, and is refused everywhere else', async () => {
    at(T0);
    const account = await createAccount('confirmed');
    await enrol(account);
    const { cookie } = await passwordStep(account);
    expect((await get(pages, '/two-factor/', cookie)).status).toBe(200);
    const setupPage = await get(pages, '/two-factor/setup/', cookie);
    expect(setupPage.headers.get('location')).toMatch(/^\/two-factor\/\?next=/);
    for (const path of ['/members/', '/members/account/', '/staff/']) {
      const res = await get(members, path, cookie);
      expect(res.status, path).toBe(303);
      expect(res.headers.get('location'), path).toBe(
        `/two-factor/?next=${encodeURIComponent(path)}`,
      );
    }
    expect(await (await get(session, '/api/session', cookie)).json()).toEqual({ member: null });
    for (const [fn, path, body] of [
      [
        accountPassword,
        '/api/account/password',
        { currentPassword: account.password, newPassword: 'another long passphrase' },
      ],
      [
        accountEmail,
        '/api/account/email',
        { email: 'new@example.org', password: account.password },
      ],
      [accountExport, '/api/account/export', {}],
      [accountDelete, '/api/account/delete', { password: account.password }],
      [accountSessions, '/api/account/sessions', { action: 'end-others' }],
      [disable, '/api/two-factor/disable', { password: account.password, code: '123456' }],
      [recoveryCodes, '/api/two-factor/recovery-codes', { password: account.password }],
      [setup, '/api/two-factor/setup', { code: '123456' }],
      [passkeys, '/api/passkeys/register-options', {}],
      [passkeys, '/api/passkeys/remove', { id: 'x' }],
    ] as const) {
      const res = await call(fn, { path, cookie, body: form(body) });
      expect(res.status, path).toBe(303);
      expect(res.headers.get('location'), path).toMatch(/^\/two-factor\/\?next=/);
      const json = await call(fn, { path, cookie, body: body, json: true });
      expect(json.status, path).toBe(401);
    }
    expect(
      (await call(staffReview, { method: 'GET', path: '/api/staff/review', cookie })).status,
    ).toBe(403);
    const row = await getDb()
      .selectFrom('users')
      .select('status')
      .where('id', '=', account.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('confirmed');
    const out = await call(logout, { path: '/api/logout', cookie, body: '' });
    expect(out.status).toBe(303);
    expect((await get(pages, '/two-factor/', cookie)).headers.get('location')).toMatch(
      /^\/login\//,
    );
  });
});

describe('turning two-factor off and new recovery codes', () => {
  it('turns off only with the password and a code, and mails a notice', async () => {
    at(T0);
    const account = await createAccount('confirmed');
    const { key, cookie } = await enrol(account);
    at(T0 + 400 * STEP);
    const noCode = await call(disable, {
      path: '/api/two-factor/disable',
      cookie,
      body: form({ password: account.password, code: '' }),
    });
    expect(noCode.status).toBe(422);
    const wrongPassword = await call(disable, {
      path: '/api/two-factor/disable',
      cookie,
      body: form({ password: 'not it at all', code: codeFor(key, T0 + 400 * STEP) }),
    });
    expect(wrongPassword.status).toBe(422);
    expect(await wrongPassword.text()).toContain('Your current password is not right');
    const ok = await call(disable, {
      path: '/api/two-factor/disable',
      cookie,
      body: form({ password: account.password, code: codeFor(key, T0 + 400 * STEP) }),
    });
    expect(ok.status).toBe(303);
    const row = await getDb()
      .selectFrom('users')
      .select('totp_secret')
      .where('id', '=', account.id)
      .executeTakeFirstOrThrow();
    expect(row.totp_secret).toBeNull();
    expect(
      mailTo(account.email).some((m) => /Subject: Two-factor sign-in was turned off/.test(m)),
    ).toBe(true);
    const next = await passwordStep(account);
    expect(next.location).toBe('/members/');
  });

  it('makes new recovery codes with the password: the old ones stop working', async () => {
    at(T0);
    const account = await createAccount('confirmed');
    const { codes, cookie } = await enrol(account);
    const res = await call(recoveryCodes, {
      path: '/api/two-factor/recovery-codes',
      cookie,
      body: form({ password: account.password }),
    });
    expect(res.status).toBe(200);
    const fresh = [...(await res.text()).matchAll(/<li><code>([a-z2-7-]+)<\/code><\/li>/g)].map(
      (m) => m[1],
    );
    expect(fresh).toHaveLength(10);
    expect(mailTo(account.email).some((m) => /Subject: New recovery codes/.test(m))).toBe(true);
    const half = await passwordStep(account);
    expect((await sendCode(half.cookie, { recoveryCode: codes[0] })).status).toBe(422);
    expect((await sendCode(half.cookie, { recoveryCode: fresh[0] })).status).toBe(303);
  });
});

describe('where you are signed in', () => {
  it('lists the sessions with this device marked, and signs out exactly the one chosen', async () => {
    const account = await createAccount('confirmed');
    const ua = (browser: string) => ({ 'user-agent': browser });
    const chrome =
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
    const firefox =
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';
    const safari =
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
    const cookies: string[] = [];
    for (const agent of [chrome, firefox, safari]) {
      const res = await call(login, {
        path: '/api/login',
        headers: ua(agent),
        body: form({ username: account.username, password: account.password }),
      });
      cookies.push(sessionCookieFrom(res)!);
    }
    const [here, other, third] = cookies as [string, string, string];
    const page = await (await get(members, '/members/account/', here)).text();
    expect(page).toContain('Chrome 131 on Linux');
    expect(page).toContain('Firefox 133 on Windows');
    expect(page).toContain('Safari 17 on iOS');
    expect(page.match(/This device/g)).toHaveLength(1);
    expect(page).not.toContain('second step not finished');
    const ids = [...page.matchAll(/name="session"\s+value="([a-z2-7]+)"/g)].map((m) => m[1]);
    expect(ids).toHaveLength(2);
    const otherId = other.split('=')[1].split('.')[0];
    expect(ids).toContain(otherId);
    const res = await call(accountSessions, {
      path: '/api/account/sessions',
      cookie: here,
      body: form({ action: 'end', session: otherId }),
    });
    expect(res.status).toBe(303);
    expect((await get(members, '/members/', other)).status).toBe(303);
    expect((await get(members, '/members/', third)).status).toBe(200);
    expect((await get(members, '/members/', here)).status).toBe(200);
    // Another account's session cannot be ended from here.
    const stranger = await createAccount('confirmed');
    const theirs = await logIn(stranger.username, stranger.password);
    const theirId = theirs.split('=')[1].split('.')[0];
    await call(accountSessions, {
      path: '/api/account/sessions',
      cookie: here,
      body: form({ action: 'end', session: theirId }),
    });
    expect((await get(members, '/members/', theirs)).status).toBe(200);
    await call(accountSessions, {
      path: '/api/account/sessions',
      cookie: here,
      body: form({ action: 'end-others' }),
    });
    expect((await get(members, '/members/', third)).status).toBe(303);
    expect((await get(members, '/members/', here)).status).toBe(200);
  });
});

describe('security emails', () => {
  it('tells the member when the password changes', async () => {
    const account = await createAccount('confirmed');
    const cookie = await logIn(account.username, account.password);
    const res = await call(accountPassword, {
      path: '/api/account/password',
      cookie,
      body: form({ currentPassword: account.password, newPassword: 'a brand new passphrase here' }),
    });
    expect(res.status).toBe(303);
    expect(mailTo(account.email).some((m) => /Subject: Your .* password was changed/.test(m))).toBe(
      true,
    );
  });
});
