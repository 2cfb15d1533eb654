import { describe, expect, it } from 'vitest';
import { giveTotp, totpCodeAt } from '../server/support.ts';
import { call, createAccount, form, logIn, sessionCookieFrom } from './support.ts';

const members = (await import('../../functions/members.ts')).default;
const verify = (await import('../../functions/two-factor-verify.ts')).default;
const { getDb } = await import('../../src/server/store/db.ts');

function get(path: string, cookie?: string) {
  return call(members, { method: 'GET', path, cookie });
}

describe('GET /members/* and /staff/*', () => {
  it('sends a visitor without a session to log in, remembering the page', async () => {
    const res = await get('/members/news/pay-talks/');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/login/?next=%2Fmembers%2Fnews%2Fpay-talks%2F');
    expect(res.headers.get('cache-control')).toBe('private, no-store');
  });

  it('keeps the trailing-slash redirect on this site for a path that starts with two slashes', async () => {
    const res = await get('/.//members');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
    const plain = await get('/members/news?x=1');
    expect(plain.headers.get('location')).toBe('/members/news/?x=1');
  });

  it('serves a confirmed member the page with their name and a log-out form', async () => {
    const account = await createAccount('confirmed');
    const cookie = await logIn(account.username, account.password);
    const res = await get('/members/news/pay-talks/', cookie);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await res.text();
    expect(html).toContain('sealed-pay-talks');
    expect(html).toContain('Alex Morgan');
    expect(html).toContain('<form class="member-bar__logout" method="post" action="/api/logout">');
    expect(html).not.toContain('<!--member-bar-->');
  });

  it('answers each unconfirmed status with 403 and the page that explains it', async () => {
    for (const status of ['unverified', 'pending', 'rejected'] as const) {
      const account = await createAccount(status);
      const cookie = await logIn(account.username, account.password);
      const res = await get('/members/', cookie);
      expect(res.status, status).toBe(403);
      const html = await res.text();
      expect(html).toContain(`status-page-${status}`);
      expect(html).not.toContain('sealed-members-home');
    }
  });

  it('keeps /staff/ for staff: 403 for a member, 200 for staff', async () => {
    const member = await createAccount('confirmed');
    const memberRes = await get('/staff/', await logIn(member.username, member.password));
    expect(memberRes.status).toBe(403);
    expect(await memberRes.text()).toContain('status-page-staff-only');
    const staff = await createAccount('confirmed', 'staff');
    const key = await giveTotp(getDb(), staff.id);
    const half = await logIn(staff.username, staff.password);
    const verified = await call(verify, {
      path: '/api/two-factor/verify',
      cookie: half,
      body: form({ code: await totpCodeAt(key, Date.now()), next: '/staff/' }),
    });
    const staffRes = await get('/staff/', sessionCookieFrom(verified)!);
    expect(staffRes.status).toBe(200);
    expect(await staffRes.text()).toContain('sealed-staff-console');
  });

  it('sends staff without a second factor to set one up from every console page', async () => {
    const staff = await createAccount('confirmed', 'staff');
    const login = (await import('../../functions/login.ts')).default;
    const res = await call(login, {
      path: '/api/login',
      body: form({ username: staff.username, password: staff.password, next: '/staff/' }),
    });
    expect(res.headers.get('location')).toBe('/two-factor/setup/?next=%2Fstaff%2F');
    const cookie = sessionCookieFrom(res)!;
    for (const path of ['/staff/', '/staff/newsletter/', '/staff/anything/']) {
      const page = await get(path, cookie);
      expect(page.status, path).toBe(303);
      expect(page.headers.get('location'), path).toBe(
        `/two-factor/setup/?next=${encodeURIComponent(path)}`,
      );
    }
    // The members area stays open to them.
    expect((await get('/members/', cookie)).status).toBe(200);
  });

  it('answers 404 for a page that does not exist and for traversal attempts', async () => {
    const account = await createAccount('confirmed');
    const cookie = await logIn(account.username, account.password);
    for (const path of [
      '/members/no-such-page/',
      '/members/%2e%2e/%2e%2e/etc/',
      '/members/..%2f..%2f/',
      '/members/_forms/',
    ]) {
      const res = await get(path, cookie);
      expect(res.status, path).toBe(404);
      expect(await res.text()).toContain('status-page-not-found');
    }
  });

  it('adds the trailing slash before anything else', async () => {
    const res = await get('/members/news/pay-talks');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/members/news/pay-talks/');
  });

  it('answers POST with 405', async () => {
    const res = await call(members, { path: '/members/' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
  });
});
