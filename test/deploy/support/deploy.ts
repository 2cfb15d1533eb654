/**
 * The deploy test's rig: fresh PostgreSQL databases (a database each, as a
 * site has in production), one deploy made as Netlify's build makes it, and
 * function instances started from its zips, each unpacked into a read-only
 * folder of its own.
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import {
  startFunction,
  unpackReadOnly,
  type FunctionInstance,
} from '../../../scripts/lib/bundle-host.ts';
import { makeDeployZips, type DeployZips } from '../../../scripts/lib/deploy-rig.ts';

export const BASE_URL = process.env.TEST_DATABASE_URL ?? '';
export const SITE = 'https://members.example.org';
export const WARRANT_KEY = 'deploy-test-warrant-key-0123456789abcdef';

/** A database made for one test and dropped after it. */
export interface FreshDatabase {
  name: string;
  url: string;
  /** Runs SQL on the fresh database (a connection of the test's own). */
  query<T extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<T>>;
  drop(): Promise<void>;
}

async function onBase<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: BASE_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty database beside TEST_DATABASE_URL's. */
export async function createFreshDatabase(prefix: string): Promise<FreshDatabase> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}`;
  await onBase((c) => c.query(`create database ${name}`));
  const url = new URL(BASE_URL);
  url.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  return {
    name,
    url: url.toString(),
    query: (text, values) => client.query(text, values),
    async drop() {
      await client.end().catch(() => {});
      await onBase((c) => c.query(`drop database if exists ${name} with (force)`));
    },
  };
}

/** A folder everyone can read (functions may run as `nobody`), removed by `cleanUp`. */
export const workDir = mkdtempSync(path.join(os.tmpdir(), 'deploy-test-'));
chmodSync(workDir, 0o755);

let deploy: Promise<DeployZips> | undefined;

/** The deploy (made once per run): bundles, migrations of `databaseUrl`, zips. */
export function makeDeploy(databaseUrl: string): Promise<DeployZips> {
  deploy ??= makeDeployZips({
    zipDir: path.join(workDir, 'zips'),
    env: { DATABASE_URL: databaseUrl, CONTEXT: 'production' },
  });
  return deploy;
}

let instances = 0;
const started: FunctionInstance[] = [];

/** Unpacks `name`'s zip into a new read-only folder and starts it with exactly `env`. */
export async function startDeployedFunction(
  zips: DeployZips,
  name: string,
  env: Record<string, string>,
): Promise<FunctionInstance> {
  const zip = zips.zips.find((z) => z.name === name);
  if (!zip) throw new Error(`no zip for function ${name}`);
  const slot = path.join(workDir, `instance-${++instances}`);
  mkdirSync(slot, { mode: 0o755 });
  const dir = path.join(slot, 'task');
  await unpackReadOnly(zip.zip, dir);
  const hostDir = path.join(slot, 'host');
  mkdirSync(hostDir, { mode: 0o755 });
  const instance = await startFunction({ dir, hostDir, nodeBin: zips.node.bin, env });
  started.push(instance);
  return instance;
}

/** The environment a production function gets when every variable is set. */
export function productionEnv(databaseUrl: string, smtpUrl: string): Record<string, string> {
  return {
    NODE_ENV: 'production',
    CONTEXT: 'production',
    DATABASE_URL: databaseUrl,
    WARRANT_KEY: WARRANT_KEY,
    SMTP_URL: smtpUrl,
    SITE_URL: SITE,
    URL: SITE,
  };
}

/** Stops every instance and removes the work folder (made writable again first). */
export async function cleanUp(): Promise<void> {
  await Promise.all(started.map((i) => i.stop()));
  const unlock = (dir: string) => {
    chmodSync(dir, 0o755);
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) unlock(path.join(dir, entry.name));
    }
  };
  unlock(workDir);
  rmSync(workDir, { recursive: true, force: true });
}

/** A request as a browser on the site sends it (same origin, fetch metadata). */
export function browserRequest(
  pathname: string,
  options: { method?: string; form?: Record<string, string>; cookie?: string; json?: boolean } = {},
): Request {
  const headers = new Headers({ 'sec-fetch-site': 'same-origin', origin: SITE });
  if (options.cookie) headers.set('cookie', options.cookie);
  if (options.json) headers.set('accept', 'application/json');
  let body: string | undefined;
  if (options.form) {
    headers.set('content-type', 'application/x-www-form-urlencoded');
    body = new URLSearchParams(options.form).toString();
  }
  return new Request(SITE + pathname, {
    method: options.method ?? (body ? 'POST' : 'GET'),
    headers,
    body,
  });
}

/** The `name=value` pairs of a response's Set-Cookie lines, as a Cookie header. */
export function cookieFrom(res: Response): string {
  return res.headers
    .getSetCookie()
    .map((line) => line.split(';')[0]!)
    .filter((pair) => !pair.endsWith('='))
    .join('; ');
}
