import { describe, expect, it } from 'vitest';
import { sampleRedirectAttacks } from '../support/redirect-attacks.ts';
import {
  call,
  countRows,
  createAccount,
  form,
  logIn,
  newMemberDetails,
  SITE,
  sessionCookieFrom,
} from './support.ts';

const login = (await import('../../functions/login.ts')).default;
const logout = (await import('../../functions/logout.ts')).default;
const session = (await import('../../functions/session.ts')).default;

function post(fields: Record<string, string>, extra: Parameters<typeof call>[1] = {}) {
  return call(login, { path: '/api/login', body: form(fields), ...extra });
}

describe('POST /api/login', () => {
  it('starts a session with a safe cookie and sends the member to next', async () => {
    const account = await createAccount('confirmed');
    const res = await post({
      username: account.username,
      password: account.password,
      next: '/members/news/pay-talks/',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/members/news/pay-talks/');
    const line = res.headers.getSetCookie()[0];
    expect(line).toMatch(/^session=[a-z2-7]{26}\.[A-Za-z0-9_-]{43}; /);
    expect(line).toContain('HttpOnly');
    expect(line).toContain('Secure');
    expect(line).toContain('SameSite=Lax');
    expect(line).toContain('Path=/');
    expect(line).not.toMatch(/Domain=/i);
    expect(Number(/Max-Age=(\d+)/.exec(line)![1])).toBe(10 * 24 * 3600);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
  });

  it('uses the __Host- prefix when served over https', async () => {
    const account = await createAccount('confirmed');
    const req = new Request('https://site.test/api/login', {
      method: 'POST',
      headers: {
        'sec-fetch-site': 'same-origin',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: form({ username: account.email, password: account.password }),
    });
    const res = await login(req, { ip: '203.0.113.9' } as never);
    expect(res.headers.getSetCookie()[0]).toMatch(/^__Host-session=/);
  });

  it('takes next from the login page address when the form had none (JavaScript off)', async () => {
    const account = await createAccount('confirmed');
    const res = await post(
      { username: account.username, password: account.password },
      { headers: { referer: 'http://site.test/login/?next=%2Fmembers%2Fnews%2Fpay-talks%2F' } },
    );
    expect(res.headers.get('location')).toBe('/members/news/pay-talks/');
  });

  it('never redirects off the site', async () => {
    const account = await createAccount('confirmed');
    for (const next of ['https://evil.example/', '//evil.example/', '/\\evil.example']) {
      const res = await post({ username: account.username, password: account.password, next });
      expect(res.headers.get('location'), next).toBe('/members/');
    }
  });

  it('answers the reported dot-segment redirects with the members home, by field and by the login page address', async () => {
    const account = await createAccount('confirmed');
    for (const next of ['/.//evil.example', '/%2e//evil.example']) {
      const byField = await post({ username: account.username, password: account.password, next });
      expect(byField.headers.get('location'), next).toBe('/members/');
      const byReferer = await post(
        { username: account.username, password: account.password },
        { headers: { referer: `${SITE}/login/?next=${encodeURIComponent(next)}` } },
      );
      expect(byReferer.headers.get('location'), next).toBe('/members/');
      const byScript = await post(
        { username: account.username, password: account.password, next },
        { json: true },
      );
      expect(((await byScript.json()) as { next: string }).next, next).toBe('/members/');
    }
  });

  it('sends every generated encoding to a same-origin path, by field and by Referer', async () => {
    const account = await createAccount('confirmed');
    const leaks: string[] = [];
    for (const [i, next] of sampleRedirectAttacks(1500).entries()) {
      const fields = { username: account.username, password: account.password };
      const res =
        i % 2 === 0
          ? await post({ ...fields, next }, { ip: `198.51.100.${i % 250}` })
          : await post(fields, {
              ip: `198.51.100.${i % 250}`,
              headers: { referer: `${SITE}/login/?next=${encodeURIComponent(next)}` },
            });
      const location = res.headers.get('location') ?? '';
      if (
        res.status !== 303 ||
        new URL(location, SITE).origin !== SITE ||
        location.startsWith('//')
      )
        leaks.push(`${JSON.stringify(next)} → ${res.status} ${location}`);
    }
    expect(leaks).toEqual([]);
  });

  it('signs in with the decomposed form of a password registered composed, counting no failure', async () => {
    const register = (await import('../../functions/register.ts')).default;
    const composed = 'Cr\u00e8me br\u00fbl\u00e9e in Z\u00fcrich 7';
    const decomposed = composed.normalize('NFD');
    expect(decomposed).not.toBe(composed);
    const details = newMemberDetails({ password: composed });
    const registered = await call(register, { path: '/api/register', body: form(details) });
    expect(registered.status).toBe(303);
    const res = await post({
      username: details.username,
      password: decomposed,
      next: '/members/',
    });
    expect(res.status).toBe(303);
    expect(sessionCookieFrom(res)).not.toBeNull();
    const { peekRateLimit, LOGIN_ACCOUNT_LIMIT, rateLimitKey } =
      await import('../../src/server/rate-limit.ts');
    const { findUserByLogin } = await import('../../src/server/users.ts');
    const user = await findUserByLogin(details.username);
    const key = rateLimitKey('login-account', user!.id);
    expect(await peekRateLimit(key, LOGIN_ACCOUNT_LIMIT)).toEqual({
      allowed: true,
      remaining: LOGIN_ACCOUNT_LIMIT.limit,
    });
  });

  it('fails identically for an unknown user, a wrong password and a pending member’s wrong password', async () => {
    const account = await createAccount('confirmed');
    const pending = await createAccount('pending');
    const answers = await Promise.all([
      post({ username: 'nobody-here', password: 'whatever-password' }, { json: true }),
      post({ username: account.username, password: 'wrong password here' }, { json: true }),
      post({ username: pending.email, password: 'wrong password here' }, { json: true }),
    ]);
    const bodies = await Promise.all(answers.map((r) => r.text()));
    expect(answers.map((r) => r.status)).toEqual([422, 422, 422]);
    expect(new Set(bodies).size).toBe(1);
    expect((JSON.parse(bodies[0]) as { errors: Record<string, string> }).errors.form).toMatch(
      /not right/,
    );
    for (const res of answers) expect(res.headers.getSetCookie()).toEqual([]);
  });

  it('asks for missing fields by name without touching the store', async () => {
    const before = await countRows();
    const res = await post({ username: '', password: '' }, { json: true });
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({
      ok: false,
      errors: { username: 'Enter your username or email address', password: 'Enter your password' },
    });
    expect(await countRows()).toEqual(before);
  });

  it('answers 429 with Retry-After once the client IP has used its tries', async () => {
    let res: Response | undefined;
    for (let i = 0; i < 40 && res?.status !== 429; i += 1) {
      res = await post(
        { username: `guess${i}`, password: 'not the password' },
        { ip: '192.0.2.99', json: true },
      );
    }
    expect(res!.status).toBe(429);
    expect(Number(res!.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('POST /api/logout and GET /api/session', () => {
  it('tells who is logged in, and nothing without a session', async () => {
    const account = await createAccount('pending');
    const cookie = await logIn(account.username, account.password);
    const res = await call(session, { method: 'GET', path: '/api/session', cookie });
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(await res.json()).toEqual({
      member: {
        name: 'Alex Morgan',
        firstName: 'Alex',
        surname: 'Morgan',
        username: account.username,
        status: 'pending',
        role: 'member',
      },
    });
    const anonymous = await call(session, { method: 'GET', path: '/api/session' });
    expect(await anonymous.json()).toEqual({ member: null });
  });

  it('treats a malformed cookie as no session and writes nothing', async () => {
    const before = await countRows();
    for (const cookie of [
      'session=',
      'session=abc',
      'session=%%%',
      `session=${'a'.repeat(26)}.${'b'.repeat(43)}`,
    ]) {
      const res = await call(session, { method: 'GET', path: '/api/session', cookie });
      expect(await res.json()).toEqual({ member: null });
    }
    expect(await countRows()).toEqual(before);
  });

  it('logs out only on POST, deletes the session, clears the cookie, and the old cookie no longer works', async () => {
    const account = await createAccount('confirmed');
    const cookie = await logIn(account.username, account.password);
    const viaGet = await call(logout, { method: 'GET', path: '/api/logout', cookie });
    expect(viaGet.status).toBe(405);
    expect(viaGet.headers.get('allow')).toBe('POST');
    const stillIn = await call(session, { method: 'GET', path: '/api/session', cookie });
    expect(((await stillIn.json()) as { member: unknown }).member).not.toBeNull();

    const res = await call(logout, { path: '/api/logout', cookie });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
    expect(res.headers.getSetCookie()[0]).toMatch(
      /^session=; Max-Age=0; Path=\/; HttpOnly; Secure; SameSite=Lax/,
    );
    expect(sessionCookieFrom(res)).toBe('session=');

    const replay = await call(session, { method: 'GET', path: '/api/session', cookie });
    expect(await replay.json()).toEqual({ member: null });
  });

  it('refuses a cross-site logout', async () => {
    const account = await createAccount('confirmed');
    const cookie = await logIn(account.username, account.password);
    const res = await call(logout, {
      path: '/api/logout',
      cookie,
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    expect(res.status).toBe(403);
    const after = await call(session, { method: 'GET', path: '/api/session', cookie });
    expect(((await after.json()) as { member: unknown }).member).not.toBeNull();
  });
});
