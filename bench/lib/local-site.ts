/**
 * Running the local server for a benchmark: a Node child that answers HTTP, a
 * store seeded with the demo accounts, and a member's session cookie.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

/** A username and password to sign in with. */
export interface Login {
  username: string;
  password: string;
}

/** Starts a Node program in the repository and waits (up to 30 s) until `url` answers 200. */
export async function startProcess(
  args: string[],
  env: NodeJS.ProcessEnv,
  url: string,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: 'ignore',
  });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited early`);
    if ((await fetch(url).catch(() => null))?.status === 200) return child;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGTERM');
  throw new Error(`${url} did not answer within 30 s`);
}

/** Starts scripts/serve.ts on `port` with its store in `dataDir`. */
export function startLocalServer(port: number, dataDir: string): Promise<ChildProcess> {
  const origin = `http://127.0.0.1:${port}`;
  return startProcess(
    ['--import', 'tsx', 'scripts/serve.ts'],
    { PORT: String(port), DATA_DIR: dataDir, SITE_URL: origin },
    `${origin}/`,
  );
}

/** A bare node:http server answering every request with one file's bytes as HTML. */
const BARE_SERVER = `
const http = require('node:http');
const body = require('node:fs').readFileSync(process.env.PAGE);
http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': body.length });
  res.end(body);
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

/**
 * Starts the reference every server figure is compared with: node:http sending
 * the bytes of `page` (a file) on `port`, with no routing, rules or session.
 */
export function startBareServer(port: number, page: string): Promise<ChildProcess> {
  return startProcess(
    ['-e', BARE_SERVER],
    { PORT: String(port), PAGE: page },
    `http://127.0.0.1:${port}/`,
  );
}

/** Ends a child started here and waits for it to exit. */
export function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/**
 * Seeds the demo accounts into `dataDir` (or the store `env` names) in a child
 * process whose config reads its environment, and returns the confirmed member's login.
 */
export async function seedDemoMember(dataDir: string, env: NodeJS.ProcessEnv = {}): Promise<Login> {
  const script = `
    const { prepareLocalData } = await import('./src/server/local-data.ts');
    const { closeDb } = await import('./src/server/store/db.ts');
    const logins = await prepareLocalData();
    await closeDb();
    process.stdout.write(JSON.stringify(logins.find((l) => l.role === 'member')));`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const code = await new Promise((resolve) => child.on('exit', resolve));
  if (code !== 0 || !out) throw new Error('seeding the demo member failed');
  return JSON.parse(out) as Login;
}

/** Logs in through /api/login at `origin`; returns the session cookie and how long it took. */
export async function logIn(origin: string, login: Login): Promise<{ cookie: string; ms: number }> {
  const t0 = performance.now();
  const res = await fetch(`${origin}/api/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      origin,
      'sec-fetch-site': 'same-origin',
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ username: login.username, password: login.password }),
  });
  const ms = performance.now() - t0;
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  if (res.status !== 303 || !cookie)
    throw new Error(`logging the demo member in failed: ${res.status}`);
  return { cookie, ms };
}
