/**
 * The local server with the site's own functions while its PostgreSQL server
 * cannot be reached: files and the anonymous redirect to /login/ are served as
 * ever, a signed-in member gets the 503 page, and the server keeps running.
 */
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSiteServer, type SiteServer } from '../../scripts/serve.ts';
import { readConfig, setConfig } from '../../src/server/config.ts';
import { closeDb } from '../../src/server/store/db.ts';
import { fixtureRoot } from './support.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const COOKIE = `session=${'a'.repeat(26)}.${'b'.repeat(43)}`;

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('the local server while the database is unreachable', () => {
  let server: SiteServer;
  const errors = vi.spyOn(console, 'error').mockImplementation(() => {});

  beforeAll(async () => {
    server = createSiteServer({
      root: fixtureRoot,
      distDir: 'www',
      functionsDir: path.join(ROOT, 'functions'),
      runSchedules: false,
    });
    await server.listen();
    setConfig(
      readConfig({
        SITE_URL: server.url,
        DATABASE_URL: `postgres://nobody@127.0.0.1:${await closedPort()}/none`,
      }),
    );
  });
  afterAll(async () => {
    await server.close();
    await closeDb();
    setConfig(undefined);
    errors.mockRestore();
  });

  it('serves static files and sends a visitor without a session to log in', async () => {
    expect((await fetch(`${server.url}/`)).status).toBe(200);
    const gate = await fetch(`${server.url}/members/`, { redirect: 'manual' });
    expect(gate.status).toBe(303);
    expect(gate.headers.get('location')).toBe('/login/?next=%2Fmembers%2F');
  });

  it('answers a signed-in member 503 with Retry-After, and keeps serving', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${server.url}/members/`, { headers: { cookie: COOKIE } });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('10');
      expect(await res.text()).toContain('The members area is briefly unavailable');
    }
    expect((await fetch(`${server.url}/`)).status).toBe(200);
  });
});
