import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
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

describe('GET /members/_assets/*: the images of members-only content', () => {
  // A built AVIF's first bytes stand in for the file; the gate never looks inside.
  const avif = Buffer.from('\0\0\0\x1cftypavif\0\0\0\0avifmif1miaf', 'latin1');
  const name = 'claims-hero.Ab12Cd34_Z1xYz.avif';
  // support.ts points SEALED_DIR at a temporary folder of built-looking pages.
  const assets = path.join(process.env.SEALED_DIR!, 'members/_assets');
  mkdirSync(assets, { recursive: true });
  writeFileSync(path.join(assets, name), avif);
  writeFileSync(path.join(assets, 'chart.Ab12Cd34_q1.jpeg'), 'jpeg');

  it('sends a visitor without a session to log in, caching nothing', async () => {
    const res = await get(`/members/_assets/${name}`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(
      `/login/?next=${encodeURIComponent(`/members/_assets/${name}`)}`,
    );
    expect(res.headers.get('cache-control')).toBe('private, no-store');
  });

  it('serves a confirmed member the file with its type, privately', async () => {
    const account = await createAccount('confirmed');
    const cookie = await logIn(account.username, account.password);
    const res = await get(`/members/_assets/${name}`, cookie);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/avif');
    expect(res.headers.get('content-length')).toBe(String(avif.length));
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(avif);
    const jpeg = await get('/members/_assets/chart.Ab12Cd34_q1.jpeg', cookie);
    expect(jpeg.headers.get('content-type')).toBe('image/jpeg');
  });

  it('serves staff too, since staff accounts are confirmed', async () => {
    const staff = await createAccount('confirmed', 'staff');
    const res = await get(`/members/_assets/${name}`, await logIn(staff.username, staff.password));
    expect(res.status).toBe(200);
  });

  it('refuses every other status with 403 and the page that explains it, never the file', async () => {
    for (const status of ['unverified', 'pending', 'rejected'] as const) {
      const account = await createAccount(status);
      const res = await get(
        `/members/_assets/${name}`,
        await logIn(account.username, account.password),
      );
      expect(res.status, status).toBe(403);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('private, no-store');
      expect(await res.text()).toContain(`status-page-${status}`);
    }
  });

  it('answers 404 for a missing file, traversal, other folders and unknown endings', async () => {
    const account = await createAccount('confirmed');
    const cookie = await logIn(account.username, account.password);
    for (const target of [
      '/members/_assets/no-such.Ab12_x.avif',
      '/members/_assets/..%2f..%2fsealed%2fmembers%2findex.html',
      '/members/_assets/%2e%2e/index.html',
      '/members/_assets/sub/claims.avif',
      '/members/_assets/notes.html',
      '/members/_assets/.avif',
    ]) {
      const res = await get(target, cookie);
      const final = res.status === 303 ? await get(res.headers.get('location')!, cookie) : res;
      expect(final.status, target).toBe(404);
      expect(final.headers.get('content-type'), target).toBe('text/html; charset=utf-8');
    }
  });
});
