/**
 * A deploy made here as Netlify's build makes it, for the deploy test and the
 * bench: the deploy's Node (netlify.toml NODE_VERSION) from the registry, the
 * build command's steps after `astro build` run under it (bundles, then
 * migrations when DATABASE_URL is given), and every function zipped from
 * netlify.toml by @netlify/zip-it-and-ship-it; then fresh PostgreSQL
 * databases and function instances started from the zips.
 */
import { spawn } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  statSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startFunction, unpackReadOnly, type FunctionInstance } from './bundle-host.ts';
import { ensureDeployNode, nodeMajorOf, type DeployNode } from './deploy-node.ts';
import {
  readDeploySettings,
  zipSiteFunctions,
  type DeploySettings,
  type ZippedFunction,
} from './netlify-zip.ts';

const root = path.resolve(import.meta.dirname, '../..');

/** The npm script netlify.toml's build command runs, and the step of it after `astro build`. */
export const NETLIFY_BUILD_SCRIPT = 'build:netlify';
export const DEPLOY_STEP = 'tsx scripts/netlify-build.ts';

/** The deploy's Node, installed on first use. */
export async function deployNode(settings: DeploySettings): Promise<DeployNode> {
  return ensureDeployNode(nodeMajorOf(settings.environment.NODE_VERSION));
}

/**
 * Runs the deploy step (scripts/netlify-build.ts) under `node` with netlify.toml's
 * build environment plus `env`; resolves with its output, rejects with it on failure.
 */
export function runDeployStep(
  node: DeployNode,
  settings: DeploySettings,
  env: Record<string, string | undefined>,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      node.bin,
      [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'scripts/netlify-build.ts'],
      {
        cwd: root,
        env: { ...process.env, ...settings.environment, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('exit', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`deploy step failed (${code}):\n${output}`)),
    );
  });
}

/** A deploy's zips, with what made them. */
export interface DeployZips {
  node: DeployNode;
  settings: DeploySettings;
  /** Output of the deploy step (bundle list, migrations). */
  stepOutput: string;
  zips: ZippedFunction[];
}

/**
 * Builds the functions as a deploy does (call it after `astro build`): the
 * deploy step under the deploy's Node, then the zips into `zipDir`.
 */
export async function makeDeployZips(options: {
  zipDir: string;
  env?: Record<string, string | undefined>;
}): Promise<DeployZips> {
  const settings = await readDeploySettings(root);
  const node = await deployNode(settings);
  const stepOutput = await runDeployStep(node, settings, options.env ?? {});
  const zips = await zipSiteFunctions({ root, destDir: options.zipDir });
  return { node, settings, stepOutput, zips };
}

/** A database made for one test or bench and dropped after it. */
export interface FreshDatabase {
  name: string;
  url: string;
  /** Runs SQL on the fresh database (a connection of the caller's own). */
  query<T extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<T>>;
  drop(): Promise<void>;
}

async function onServer<T>(baseUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates an empty database on `baseUrl`'s server: a database of its own, as a
 * site has in production, so that ending every connection to it (as a managed
 * PostgreSQL does) touches no one else's.
 */
export async function createFreshDatabase(baseUrl: string, prefix: string): Promise<FreshDatabase> {
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}`;
  await onServer(baseUrl, (c) => c.query(`create database ${name}`));
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  return {
    name,
    url: url.toString(),
    query: (text, values) => client.query(text, values),
    async drop() {
      await client.end().catch(() => {});
      await onServer(baseUrl, (c) => c.query(`drop database if exists ${name} with (force)`));
    },
  };
}

/** Starts function instances from zips, each unpacked into a read-only folder of its own. */
export interface FunctionLauncher {
  /** A folder everyone can read (functions may run as `nobody`). */
  workDir: string;
  /** Unpacks `zip` into a new read-only folder and starts it under `nodeBin` with exactly `env`. */
  start(zip: string, nodeBin: string, env: Record<string, string>): Promise<FunctionInstance>;
  /** Unpacks `zip` once; `startUnpacked` then starts fresh processes from it. */
  unpack(zip: string): Promise<string>;
  startUnpacked(
    dir: string,
    nodeBin: string,
    env: Record<string, string>,
  ): Promise<FunctionInstance>;
  /** Stops every instance and removes the work folder. */
  cleanUp(): Promise<void>;
}

/** True when users other than the owner may reach and run `file` (every folder above it searchable). */
function othersCanRun(file: string): boolean {
  const p = realpathSync(file);
  if ((statSync(p).mode & 0o001) === 0) return false;
  for (let dir = path.dirname(p); ; dir = path.dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return false;
    if (dir === path.dirname(dir)) return true;
  }
}

export function createFunctionLauncher(prefix: string): FunctionLauncher {
  const workDir = mkdtempSync(path.join(os.tmpdir(), prefix));
  chmodSync(workDir, 0o755);
  let slots = 0;
  const running = new Set<FunctionInstance>();
  const slot = () => {
    const dir = path.join(workDir, `slot-${++slots}`);
    mkdirSync(dir, { mode: 0o755 });
    return dir;
  };
  const unpack = async (zip: string) => {
    const dir = path.join(slot(), 'task');
    await unpackReadOnly(zip, dir);
    return dir;
  };
  // Functions run as `nobody` when this process is root: a Node binary inside a folder only
  // root may enter (a checkout under /root) is copied once into the work folder.
  const reachable = new Map<string, string>();
  const runnable = (nodeBin: string) => {
    let bin = reachable.get(nodeBin);
    if (!bin) {
      bin = process.getuid?.() === 0 && !othersCanRun(nodeBin) ? copyNode(nodeBin) : nodeBin;
      reachable.set(nodeBin, bin);
    }
    return bin;
  };
  const copyNode = (nodeBin: string) => {
    const copy = path.join(slot(), 'node');
    copyFileSync(realpathSync(nodeBin), copy);
    chmodSync(copy, 0o755);
    return copy;
  };
  const startUnpacked = async (dir: string, nodeBin: string, env: Record<string, string>) => {
    const instance = await startFunction({ dir, hostDir: slot(), nodeBin: runnable(nodeBin), env });
    running.add(instance);
    return instance;
  };
  return {
    workDir,
    unpack,
    startUnpacked,
    start: async (zip, nodeBin, env) => startUnpacked(await unpack(zip), nodeBin, env),
    async cleanUp() {
      await Promise.all([...running].map((i) => i.stop()));
      const unlock = (dir: string) => {
        chmodSync(dir, 0o755);
        for (const entry of readdirSync(dir, { withFileTypes: true })) {
          if (entry.isDirectory()) unlock(path.join(dir, entry.name));
        }
      };
      unlock(workDir);
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

/** The environment a production function gets when every variable is set. */
export function productionEnv(options: {
  databaseUrl: string;
  smtpUrl: string;
  siteUrl: string;
  warrantKey: string;
}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    CONTEXT: 'production',
    DATABASE_URL: options.databaseUrl,
    WARRANT_KEY: options.warrantKey,
    SMTP_URL: options.smtpUrl,
    SITE_URL: options.siteUrl,
    URL: options.siteUrl,
  };
}

/** A request as a browser on `site` sends it (same origin, fetch metadata). */
export function browserRequest(
  site: string,
  pathname: string,
  options: { method?: string; form?: Record<string, string>; cookie?: string; json?: boolean } = {},
): Request {
  const headers = new Headers({ 'sec-fetch-site': 'same-origin', origin: site });
  if (options.cookie) headers.set('cookie', options.cookie);
  if (options.json) headers.set('accept', 'application/json');
  let body: string | undefined;
  if (options.form) {
    headers.set('content-type', 'application/x-www-form-urlencoded');
    body = new URLSearchParams(options.form).toString();
  }
  return new Request(site + pathname, {
    method: options.method ?? (body ? 'POST' : 'GET'),
    headers,
    body,
  });
}

/** The `name=value` pairs of a response's Set-Cookie lines, as a Cookie header. */
export function cookieFrom(res: Response): string {
  return res.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .filter((pair) => !pair.endsWith('='))
    .join('; ');
}
