// The images of a members-only article through the local server over the real build:
// not in dist/, served from sealed/ only to confirmed members, as the pages are.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCollection } from '../../site/support/content';
import { distDir, sealedDir } from '../../site/support/dist';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sealed-images-'));
process.env.DATA_DIR = dataDir;
delete process.env.DATABASE_URL;

const { createSiteServer } = await import('../../../scripts/serve.ts');
const { getDb, closeDb } = await import('../../../src/server/store/db.ts');
const { migrateToLatest } = await import('../../../src/server/store/migrations.ts');
const { hashPassword } = await import('../../../src/server/passwords.ts');
const { generateId } = await import('../../../src/server/crypto.ts');
const { newUserRow } = await import('../../../src/server/users.ts');

type Status = 'unverified' | 'pending' | 'confirmed' | 'rejected';
const PASSWORD = 'correct horse battery staple';
const server = createSiteServer();
let serial = 0;

/** An account with `status` straight in the store (registration is tested elsewhere). */
async function createAccount(status: Status): Promise<string> {
  const username = `reader_${status}_${++serial}`;
  await getDb()
    .insertInto('users')
    .values(
      newUserRow({
        id: generateId(),
        firstName: 'Sam',
        surname: 'Reader',
        email: `${username}@example.org`,
        username,
        passwordHash: await hashPassword(PASSWORD),
        role: 'member',
        status,
        now: Date.now(),
      }),
    )
    .execute();
  return username;
}

/** Signs in through /api/login and returns the session cookie pair. */
async function logIn(username: string): Promise<string> {
  const res = await fetch(`${server.url}/api/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'sec-fetch-site': 'same-origin',
    },
    body: new URLSearchParams({ username, password: PASSWORD }),
  });
  const cookie = res.headers.getSetCookie()[0]?.split(';')[0];
  if (res.status !== 303 || !cookie) throw new Error(`login failed with ${res.status}`);
  return cookie;
}

function get(pathname: string, cookie?: string): Promise<Response> {
  return fetch(`${server.url}${pathname}`, {
    redirect: 'manual',
    headers: cookie ? { cookie } : {},
  });
}

const article = readCollection('news').find(
  (e) => e.data.membersOnly === true && e.data.image && e.data.draft !== true,
);
let heroUrls: string[] = [];

beforeAll(async () => {
  await migrateToLatest(getDb());
  await server.listen();
  const html = readFileSync(
    path.join(sealedDir, `members/news/${article!.slug}/index.html`),
    'utf8',
  );
  const picture = html.match(/<picture class="hero">[\s\S]*?<\/picture>/)?.[0] ?? '';
  heroUrls = [
    ...new Set(
      [...picture.matchAll(/(?:src|srcset)="([^"]+)"/g)]
        .flatMap((m) => m[1].split(','))
        .map((c) => c.trim().split(/\s+/)[0]),
    ),
  ];
});

afterAll(async () => {
  await server.close();
  await closeDb();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the hero of a members-only article', () => {
  it('exists in the sample content, in AVIF, WebP and JPEG, under /members/_assets/', () => {
    expect(article, 'a members-only article with a hero').toBeDefined();
    expect(heroUrls.length).toBeGreaterThanOrEqual(9);
    for (const url of heroUrls)
      expect(url).toMatch(/^\/members\/_assets\/[^/]+\.(avif|webp|jpeg)$/);
  });

  it('is not among the public files, at its sealed name or under /_astro/', async () => {
    for (const url of heroUrls) {
      const name = path.basename(url);
      const res = await get(`/_astro/${name}`);
      expect(res.status, name).toBe(404);
    }
    const stem = path.basename(
      String(article!.data.image),
      path.extname(String(article!.data.image)),
    );
    const { listFiles } = await import('../../../src/integrations/sealed/public-output');
    expect(listFiles(distDir).filter((f) => path.basename(f).startsWith(`${stem}.`))).toEqual([]);
  });

  it('sends a visitor without a session to log in', async () => {
    for (const url of heroUrls) {
      const res = await get(url);
      expect(res.status, url).toBe(303);
      expect(res.headers.get('location')).toBe(`/login/?next=${encodeURIComponent(url)}`);
      expect(res.headers.get('cache-control')).toBe('private, no-store');
    }
  });

  it('is refused with 403 to members who are not confirmed', async () => {
    for (const status of ['unverified', 'pending', 'rejected'] as const) {
      const cookie = await logIn(await createAccount(status));
      const res = await get(heroUrls[0], cookie);
      expect(res.status, status).toBe(403);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await res.text()).not.toContain('\0');
    }
  });

  it('is served to a confirmed member with its media type, privately, byte for byte', async () => {
    const cookie = await logIn(await createAccount('confirmed'));
    const types = { avif: 'image/avif', webp: 'image/webp', jpeg: 'image/jpeg' } as const;
    for (const url of heroUrls) {
      const res = await get(url, cookie);
      expect(res.status, url).toBe(200);
      expect(res.headers.get('content-type')).toBe(
        types[path.extname(url).slice(1) as keyof typeof types],
      );
      expect(res.headers.get('cache-control')).toBe('private, no-store');
      const body = Buffer.from(await res.arrayBuffer());
      expect(body.equals(readFileSync(path.join(sealedDir, url))), url).toBe(true);
    }
  });

  it('is not shown on the public teaser', async () => {
    const res = await get(`/news/${article!.slug}/`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).not.toMatch(/<picture\b|<img\b|og:image/);
  });
});
