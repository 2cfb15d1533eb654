import path from 'node:path';
import { createSiteServer, type SiteServer } from '../../scripts/serve.ts';

/** The fixture site: netlify.toml, www/ (with _headers and _redirects) and functions/. */
export const fixtureRoot = path.resolve(import.meta.dirname, '../fixtures');

/** Starts scripts/serve.ts on the fixture site, on a free port. */
export async function startFixtureServer(): Promise<SiteServer> {
  const server = createSiteServer({ root: fixtureRoot, distDir: 'www', functionsDir: 'functions' });
  await server.listen();
  return server;
}

/** A response reduced to what routing decides. */
export interface Outcome {
  status: number;
  location: string | null;
  csp: string | null;
  cacheControl: string | null;
  servedBy: string | null;
  cookies: number;
}

/** Fetches without following redirects; Location is reduced to path and query. */
export async function outcomeOf(base: string, method: string, target: string): Promise<Outcome> {
  const res = await fetch(base + target, { method, redirect: 'manual' });
  await res.arrayBuffer();
  const location = res.headers.get('location');
  const located = location ? new URL(location, base) : null;
  return {
    status: res.status,
    location: located ? located.pathname + located.search : null,
    csp: res.headers.get('content-security-policy'),
    cacheControl: res.status === 200 ? res.headers.get('cache-control') : null,
    servedBy: res.headers.get('x-served-by'),
    cookies: res.headers.getSetCookie().length,
  };
}
