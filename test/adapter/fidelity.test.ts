import { NetlifyDev } from '@netlify/dev';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiteServer } from '../../scripts/serve.ts';
import { fixtureRoot, outcomeOf, startFixtureServer } from './support.ts';

// The same requests through scripts/serve.ts and through Netlify's own emulator
// (@netlify/dev) must be routed alike: status, Location, and the headers rules give.

/** Serves the fixture through NetlifyDev, which reads netlify.toml, _headers and _redirects. */
async function startEmulator(): Promise<{ url: string; stop(): Promise<void> }> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://localhost:${(server.address() as AddressInfo).port}`;
  const dev = new NetlifyDev({
    projectRoot: fixtureRoot,
    serverAddress: url,
    skipGitignore: true,
    aiGateway: { enabled: false },
    blobs: { enabled: false },
    database: { enabled: false },
    edgeFunctions: { enabled: false },
    environmentVariables: { enabled: false },
    geolocation: { enabled: false },
    images: { enabled: false },
  });
  // The emulator looks for _redirects in the working directory, not the publish one.
  const cwd = process.cwd();
  process.chdir(path.join(fixtureRoot, 'www'));
  try {
    await dev.start();
  } finally {
    process.chdir(cwd);
  }
  const answer = async (req: IncomingMessage, res: ServerResponse) => {
    const result = await dev.handleAndIntrospectNodeRequest(req, { serverAddress: url });
    if (!result) return void res.writeHead(404).end('Not found');
    const headers: Record<string, string | string[]> = {};
    result.response.headers.forEach((value, name) => {
      if (name !== 'set-cookie') headers[name] = value;
    });
    headers['set-cookie'] = result.response.headers.getSetCookie();
    res.writeHead(result.response.status, headers);
    res.end(Buffer.from(await result.response.arrayBuffer()));
  };
  server.on('request', (req, res) => {
    answer(req, res).catch((error: unknown) =>
      res.destroy(error instanceof Error ? error : undefined),
    );
  });
  return {
    url,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await dev.stop();
    },
  };
}

/** Requests whose routing both servers must agree on. */
const TABLE: [method: string, target: string][] = [
  ['GET', '/'],
  ['GET', '/news/'],
  ['GET', '/assets/site.css'],
  ['GET', '/admin/'],
  ['GET', '/old-news/first/'],
  ['GET', '/old-news/first/?utm=mail'],
  ['GET', '/OLD-NEWS/first/'],
  ['GET', '/old-news'],
  ['GET', '/articles/2024'],
  ['GET', '/articles/2024/first'],
  ['GET', '/latest'],
  ['GET', '/about-us'],
  ['GET', '/news/first/'],
  ['GET', '/news/first/?preview=yes'],
  ['GET', '/legacy-api/a/b'],
  ['GET', '/api/echo'],
  ['GET', '/api/echo/'],
  ['POST', '/api/echo/a/b'],
  ['GET', '/api/items/7'],
  ['GET', '/api/things/9/'],
  ['GET', '/r/first'],
  ['GET', '/short'],
  ['GET', '/help/anything'],
  ['GET', '/no-such-page/'],
  ['GET', '/assets/data.json'],
  ['GET', '/api/items/'],
  ['GET', '/fallback'],
  ['GET', '/api/whoami'],
];

describe('routing matches Netlify’s emulator', () => {
  let adapter: SiteServer;
  let emulator: Awaited<ReturnType<typeof startEmulator>>;

  beforeAll(async () => {
    [adapter, emulator] = await Promise.all([startFixtureServer(), startEmulator()]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([adapter?.close(), emulator?.stop()]);
  });

  it.each(TABLE)('%s %s', async (method, target) => {
    const expected = await outcomeOf(emulator.url, method, target);
    const actual = await outcomeOf(adapter.url, method, target);
    expect(actual).toEqual(expected);
  });
});

// Where the emulator departs from Netlify's production CDN, the adapter follows
// production, as Netlify's documentation describes it.
describe('routing where the emulator differs from production', () => {
  let adapter: SiteServer;
  beforeAll(async () => {
    adapter = await startFixtureServer();
  });
  afterAll(() => adapter?.close());

  it('redirects a directory asked for without its slash with a 301 (the emulator serves it)', async () => {
    const outcome = await outcomeOf(adapter.url, 'GET', '/news?page=2');
    expect(outcome).toMatchObject({ status: 301, location: '/news/?page=2' });
  });

  it('gives a shadowing file the headers of its own path, not of the rule’s target', async () => {
    const outcome = await outcomeOf(adapter.url, 'GET', '/about/');
    expect(outcome).toMatchObject({
      status: 200,
      location: null,
      csp: null,
      cacheControl: 'public, max-age=0, must-revalidate',
    });
  });
});
