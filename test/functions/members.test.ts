import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { giveTotp, totpCodeAt } from '../server/support.ts';
import { call, createAccount, form, logIn, sessionCookieFrom, SITE } from './support.ts';

const membersModule = await import('../../functions/members.ts');
const members = membersModule.default;
const verify = (await import('../../functions/two-factor-verify.ts')).default;
const { getDb } = await import('../../src/server/store/db.ts');
const { setConfig } = await import('../../src/server/config.ts');

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
    expect(await staffRes.text()).toContain('<h2 id="attention-title">Needs attention</h2>');
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

describe('plainGet: the same answers without Web objects (the local server’s way in)', () => {
  /** The Netlify handler's answer and plainGet's, as comparable data. */
  async function bothWays(path: string, cookie?: string, json = false) {
    const viaHandler = await call(members, { method: 'GET', path, cookie, json });
    const plain = await membersModule.plainGet({
      url: new URL(SITE + path),
      cookie: cookie ?? null,
      accept: json ? 'application/json' : null,
    });
    const plainHeaders = new Headers();
    for (const [name, value] of plain.headers) plainHeaders.append(name, value);
    return {
      handler: {
        status: viaHandler.status,
        headers: [...viaHandler.headers],
        body: Buffer.from(await viaHandler.arrayBuffer()).toString('latin1'),
      },
      plain: {
        status: plain.status,
        headers: [...plainHeaders],
        body: Buffer.concat(plain.body).toString('latin1'),
      },
    };
  }

  it('gives the same status, headers and bytes as the handler, whoever asks for whatever', async () => {
    const member = await createAccount('confirmed');
    const memberCookie = await logIn(member.username, member.password);
    const pending = await createAccount('pending');
    const pendingCookie = await logIn(pending.username, pending.password);
    const staff = await createAccount('confirmed', 'staff');
    const staffNoSecondFactor = await logIn(staff.username, staff.password);
    const cases: [string, string | undefined][] = [
      ['/members/news/pay-talks/', undefined],
      ['/members/news', undefined],
      ['/members/news/pay-talks/', 'session=not-a-token'],
      ['/members/news/pay-talks/', memberCookie],
      ['/members/', memberCookie],
      ['/members/account/', memberCookie],
      ['/members/no-such-page/', memberCookie],
      ['/members/%2e%2e/', memberCookie],
      ['/members/_assets/chart.Ab12Cd34_q1.jpeg', memberCookie],
      ['/members/_assets/missing.Ab12Cd34_q1.jpeg', memberCookie],
      ['/staff/', memberCookie],
      ['/members/', pendingCookie],
      ['/staff/members/', staffNoSecondFactor],
    ];
    for (const [path, cookie] of cases) {
      const { handler, plain } = await bothWays(path, cookie);
      expect(plain, `${path} ${cookie ?? 'no cookie'}`).toEqual(handler);
    }
  });

  it('reads the configuration first and answers a refused one as the handler does', async () => {
    const saved = { ...process.env };
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    // Production without a mail server: the configuration is refused.
    process.env.NODE_ENV = 'production';
    process.env.DATABASE_URL = 'postgres://site@db.example.org/site';
    process.env.WARRANT_KEY = 'k'.repeat(40);
    process.env.TOTP_KEY = 't'.repeat(40);
    delete process.env.SMTP_URL;
    setConfig(undefined);
    try {
      for (const json of [false, true]) {
        const { handler, plain } = await bothWays('/members/', undefined, json);
        expect(plain.status).toBe(503);
        expect(plain).toEqual(handler);
      }
    } finally {
      process.env = saved;
      setConfig(undefined);
      errors.mockRestore();
    }
  });
});
