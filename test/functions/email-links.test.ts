import { describe, expect, it } from 'vitest';
import {
  call,
  countRows,
  createAccount,
  form,
  logIn,
  newMemberDetails,
  tokenFromMail,
  readBody,
} from './support.ts';

const register = (await import('../../functions/register.ts')).default;
const verify = (await import('../../functions/verify-email.ts')).default;
const forgot = (await import('../../functions/password-forgot.ts')).default;
const reset = (await import('../../functions/password-reset.ts')).default;
const session = (await import('../../functions/session.ts')).default;

async function registerAndGetToken(): Promise<{ details: Record<string, string>; token: string }> {
  const details = newMemberDetails();
  await call(register, { path: '/api/register', body: details, json: true, ip: '198.51.100.50' });
  return { details, token: tokenFromMail(details.email, '/verify-email/') };
}

describe('/verify-email/ and POST /api/verify-email', () => {
  it('shows the link page with the token in a hidden field, consuming nothing, with no-referrer', async () => {
    const { token } = await registerAndGetToken();
    const before = await countRows();
    const res = await call(verify, { method: 'GET', path: `/verify-email/?token=${token}` });
    expect(res.status).toBe(200);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await res.text();
    expect(html).toContain(`name="token" value="${token}"`);
    expect(html).toContain('action="/api/verify-email"');
    expect(await countRows()).toEqual(before);
  });

  it('confirms the address once, then the link is spent', async () => {
    const { token } = await registerAndGetToken();
    const first = await call(verify, { path: '/api/verify-email', body: form({ token }) });
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/verify-email/pending/');
    expect(first.headers.get('referrer-policy')).toBe('no-referrer');
    const again = await call(verify, { path: '/api/verify-email', body: { token }, json: true });
    expect(again.status).toBe(422);
    expect((await readBody(again)).errors.token).toMatch(/expired or has already been used/);
  });

  it('answers a made-up or malformed token with 422 on the same page, never a 5xx', async () => {
    for (const token of ['', 'abc', 'x'.repeat(43), '<script>']) {
      const res = await call(verify, { path: '/api/verify-email', body: form({ token }) });
      expect(res.status, token).toBe(422);
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(await res.text()).not.toContain('<script>');
    }
  });

  it('flags a malformed token in the address on the page itself', async () => {
    const res = await call(verify, {
      method: 'GET',
      path: '/verify-email/?token=%22%3E%3Cscript%3E',
    });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).not.toContain('"><script>');
    expect(html).toMatch(/expired or has already been used/);
  });

  it('puts neither token in the form when the address holds two', async () => {
    const { token } = await registerAndGetToken();
    const { token: other } = await registerAndGetToken();
    const res = await call(verify, {
      method: 'GET',
      path: `/verify-email/?token=${token}&token=${other}`,
    });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).not.toContain(token);
    expect(html).not.toContain(other);
    expect(html).toMatch(/expired or has already been used/);
  });
});

describe('password reset', () => {
  it('answers the same 202 for a known and an unknown address', async () => {
    const account = await createAccount('confirmed');
    const known = await call(forgot, {
      path: '/api/password/forgot',
      body: { email: account.email },
      json: true,
    });
    const unknown = await call(forgot, {
      path: '/api/password/forgot',
      body: { email: 'nobody@example.org' },
      json: true,
    });
    expect([known.status, unknown.status]).toEqual([202, 202]);
    expect(await known.text()).toBe(await unknown.text());
  });

  it('asks for a usable email address by name', async () => {
    const empty = await call(forgot, {
      path: '/api/password/forgot',
      body: { email: ' ' },
      json: true,
    });
    expect((await readBody(empty)).errors.email).toBe('Enter your email address');
    const bad = await call(forgot, {
      path: '/api/password/forgot',
      body: { email: 'not-an-address' },
      json: true,
    });
    expect((await readBody(bad)).errors.email).toMatch(/name@example.com/);
  });

  it('sets a new password from the link, ends every session, and the link works once', async () => {
    const account = await createAccount('confirmed');
    const cookie = await logIn(account.username, account.password);
    await call(forgot, { path: '/api/password/forgot', body: form({ email: account.email }) });
    const token = tokenFromMail(account.email, '/reset-password/');

    const page = await call(reset, { method: 'GET', path: `/reset-password/?token=${token}` });
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await page.text()).toContain(`value="${token}"`);

    const weak = await call(reset, {
      path: '/api/password/reset',
      body: { token, password: 'password' },
      json: true,
    });
    expect(weak.status).toBe(422);
    expect((await readBody(weak)).errors.password).toBeTruthy();

    const done = await call(reset, {
      path: '/api/password/reset',
      body: form({ token, password: 'a brand new long passphrase' }),
    });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/reset-password/done/');
    expect(done.headers.get('referrer-policy')).toBe('no-referrer');

    const old = await call(session, { method: 'GET', path: '/api/session', cookie });
    expect(await readBody(old)).toEqual({ member: null });
    await expect(logIn(account.username, 'a brand new long passphrase')).resolves.toMatch(
      /^session=/,
    );

    const replay = await call(reset, {
      path: '/api/password/reset',
      body: { token, password: 'another long passphrase' },
      json: true,
    });
    expect(replay.status).toBe(422);
    expect((await readBody(replay)).errors.token).toMatch(/expired/);
  });
});
