/**
 * The local server with the site's own functions while its PostgreSQL server
 * cannot be reached: files and the anonymous redirect to /login/ are served as
 * ever, a signed-in member gets the 503 page, and the server keeps running.
 */
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSiteServer, type SiteServer } from '../../scripts/serve.ts';
import { readConfig, setConfig } from '../../src/server/config.ts';
import { closeDb } from '../../src/server/store/db.ts';
import { fixtureRoot } from './support.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const COOKIE = `session=${'a'.repeat(26)}.${'b'.repeat(43)}`;

/** A port where something accepts connections and hangs up at once, counting them. */
async function hangingUpPort(): Promise<{
  port: number;
  connections: () => number;
  close: () => Promise<void>;
}> {
  let count = 0;
  const listener: Server = createServer((socket) => {
    count++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const { port } = listener.address() as { port: number };
  return {
    port,
    connections: () => count,
    close: () => new Promise((resolve) => listener.close(() => resolve())),
  };
}

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** The local server with the site's functions, its store at `databaseUrl`. */
async function startSite(databaseUrl: string): Promise<SiteServer> {
  const server = createSiteServer({
    root: fixtureRoot,
    distDir: 'www',
    functionsDir: path.join(ROOT, 'functions'),
    runSchedules: false,
  });
  await server.listen();
  setConfig(readConfig({ SITE_URL: server.url, DATABASE_URL: databaseUrl }));
  return server;
}

describe('the local server while the database is unreachable', () => {
  let server: SiteServer;
  const errors = vi.spyOn(console, 'error').mockImplementation(() => {});

  beforeAll(async () => {
    server = await startSite(`postgres://nobody@127.0.0.1:${await closedPort()}/none`);
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

describe('the local server while the database hangs up on every connection', () => {
  let server: SiteServer;
  let database: Awaited<ReturnType<typeof hangingUpPort>>;
  const errors = vi.spyOn(console, 'error').mockImplementation(() => {});

  beforeAll(async () => {
    database = await hangingUpPort();
    server = await startSite(`postgres://nobody@127.0.0.1:${database.port}/none`);
  });
  afterAll(async () => {
    await server.close();
    await closeDb();
    await database.close();
    setConfig(undefined);
    errors.mockRestore();
  });

  it('answers a signed-in GET 503 after one try of the store, as Netlify’s handler does', async () => {
    const members = (await import('../../functions/members.ts')).default;
    const headers = { cookie: COOKIE, accept: 'application/json' };
    const before = database.connections();
    const viaHandler = await members(
      new Request(`${server.url}/members/news/`, { headers }),
      {} as Parameters<typeof members>[1],
    );
    const handlerTries = database.connections() - before;
    const local = await fetch(`${server.url}/members/news/`, { headers });
    const localTries = database.connections() - before - handlerTries;

    expect(handlerTries).toBeGreaterThan(0);
    expect(localTries).toBe(handlerTries);
    expect(local.status).toBe(503);
    expect(local.headers.get('retry-after')).toBe(viaHandler.headers.get('retry-after'));
    expect(local.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await local.json()).toEqual(await viaHandler.json());
  });
});
