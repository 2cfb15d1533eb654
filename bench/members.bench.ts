// The members area under load: a members-only article served by the members
// function to a logged-in member (session check + sealed page + member bar)
// beside a public news article served as a static file, both from the local
// server at 50 concurrent keep-alive connections; and the time of one login
// (an argon2id verify plus a new session).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ensureBuilt } from '../scripts/lib/build.ts';

const root = path.resolve(import.meta.dirname, '..');
const CONNECTIONS = 50;
const ROUND_MS = 4_000;
const ROUNDS = 2;
const LOGINS = 7;

interface Load {
  perSecond: number;
  p50: number;
  p99: number;
  failures: number;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
    probe.on('error', reject);
  });
}

function getStatus(url: string, agent: Agent, cookie?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: cookie ? { cookie } : {} }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Keeps CONNECTIONS requests in flight for `ms`; counts anything but 200 as a failure. */
async function load(url: string, ms: number, cookie?: string): Promise<Load> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const latencies: number[] = [];
  let failures = 0;
  const started = performance.now();
  const worker = async () => {
    while (performance.now() - started < ms) {
      const t0 = performance.now();
      const status = await getStatus(url, agent, cookie).catch(() => 0);
      if (status === 200) latencies.push(performance.now() - t0);
      else failures++;
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    perSecond: latencies.length / ((performance.now() - started) / 1000),
    p50: at(0.5),
    p99: at(0.99),
    failures,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function startServer(port: number, dataDir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/serve.ts'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      DATA_DIR: dataDir,
      SITE_URL: `http://127.0.0.1:${port}`,
    },
    stdio: 'ignore',
  });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error('scripts/serve.ts exited early');
    if ((await fetch(`http://127.0.0.1:${port}/`).catch(() => null))?.status === 200) return child;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGTERM');
  throw new Error('scripts/serve.ts did not answer within 30 s');
}

/** Seeds the demo accounts into `dataDir` in a child process and returns the confirmed member's login. */
async function seedMember(dataDir: string): Promise<{ username: string; password: string }> {
  const script = `
    const { prepareLocalData } = await import('./src/server/local-data.ts');
    const { closeDb } = await import('./src/server/store/db.ts');
    const logins = await prepareLocalData();
    await closeDb();
    process.stdout.write(JSON.stringify(logins.find((l) => l.role === 'member')));`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  const code = await new Promise((resolve) => child.on('exit', resolve));
  if (code !== 0 || !out) throw new Error('seeding the demo member failed');
  return JSON.parse(out) as { username: string; password: string };
}

/** Logs in through /api/login; returns the cookie and how long the request took. */
async function timeLogin(base: string, login: { username: string; password: string }) {
  const t0 = performance.now();
  const res = await fetch(`${base}/api/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'sec-fetch-site': 'same-origin',
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ username: login.username, password: login.password }),
  });
  const ms = performance.now() - t0;
  const cookie = res.headers.getSetCookie()[0]?.split(';')[0];
  if (res.status !== 303 || !cookie) throw new Error(`login failed: ${res.status}`);
  return { cookie, ms };
}

/** The first members-only article and the first public one, by their built folders. */
function pickArticles(): { sealed: string; open: string } {
  const sealed = readdirSync(path.join(root, 'sealed', 'members', 'news'))[0];
  const open = readdirSync(path.join(root, 'dist', 'news')).find(
    (n) => !/^\d+$/.test(n) && n !== 'index.html',
  );
  if (!sealed || !open) throw new Error('the build has no members-only or public article');
  return { sealed: `/members/news/${sealed}/`, open: `/news/${open}/` };
}

/** Figures for `npm run bench`. */
export async function run(): Promise<Record<string, string | number>> {
  await ensureBuilt({ quiet: true });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'members-bench-'));
  const member = await seedMember(dataDir);
  const server = await startServer(port, dataDir);
  try {
    const logins: number[] = [];
    let cookie = '';
    for (let i = 0; i < LOGINS; i++) ({ cookie, ms: logins[i] } = await timeLogin(base, member));
    const { sealed, open } = pickArticles();
    await load(base + open, 500);
    await load(base + sealed, 500, cookie);
    const publicRuns: Load[] = [];
    const sealedRuns: Load[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      publicRuns.push(await load(base + open, ROUND_MS));
      sealedRuns.push(await load(base + sealed, ROUND_MS, cookie));
    }
    const rps = (runs: Load[]) => median(runs.map((r) => r.perSecond));
    const ms = (runs: Load[], key: 'p50' | 'p99') => median(runs.map((r) => r[key])).toFixed(2);
    return {
      connections: CONNECTIONS,
      'public article, static (req/s)': Math.round(rps(publicRuns)),
      'public article p50 (ms)': ms(publicRuns, 'p50'),
      'public article p99 (ms)': ms(publicRuns, 'p99'),
      'members-only article, logged in (req/s)': Math.round(rps(sealedRuns)),
      'members-only article p50 (ms)': ms(sealedRuns, 'p50'),
      'members-only article p99 (ms)': ms(sealedRuns, 'p99'),
      'ratio members-only / public': (rps(sealedRuns) / rps(publicRuns)).toFixed(2),
      'one login, median of 7 (ms)': median(logins).toFixed(1),
      'failed or non-200 responses': [...publicRuns, ...sealedRuns].reduce(
        (n, r) => n + r.failures,
        0,
      ),
    };
  } finally {
    if (server.exitCode === null) {
      const exited = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}
