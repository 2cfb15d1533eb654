import { describe, expect, it } from 'vitest';
import { call, createAccount, logIn } from './support.ts';

const members = (await import('../../functions/members.ts')).default;

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
    const staffRes = await get('/staff/', await logIn(staff.username, staff.password));
    expect(staffRes.status).toBe(200);
    expect(await staffRes.text()).toContain('sealed-staff-console');
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
