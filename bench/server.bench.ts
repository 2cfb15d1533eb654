// The local server under load: a static page from the built site at 50
// concurrent keep-alive connections, beside a bare node:http server sending
// the same bytes. The machine is noisy, so the ratio is the figure to watch.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, get } from 'node:http';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ensureBuilt } from '../scripts/lib/build.ts';

const root = path.resolve(import.meta.dirname, '..');
const CONNECTIONS = 50;
const ROUND_MS = 4_000;
const ROUNDS = 2;
const MAX_REQUESTS = 500_000;

/** Figures of one load run. */
interface LoadResult {
  requests: number;
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

function requestOnce(url: string, agent: Agent, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', reject);
  });
}

/** Keeps `CONNECTIONS` requests in flight on loopback for `ms` (or `MAX_REQUESTS`). */
async function generateLoad(
  url: string,
  ms: number,
  headers: Record<string, string> = {},
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const latencies: number[] = [];
  let failures = 0;
  const started = performance.now();
  const deadline = started + ms;
  const worker = async () => {
    while (performance.now() < deadline && latencies.length + failures < MAX_REQUESTS) {
      const t0 = performance.now();
      try {
        const status = await requestOnce(url, agent, headers);
        if (status !== 200) failures++;
        else latencies.push(performance.now() - t0);
      } catch {
        failures++;
      }
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    requests: latencies.length,
    perSecond: latencies.length / elapsed,
    p50: at(0.5),
    p99: at(0.99),
    failures,
  };
}

/** Starts a Node program and waits until `url` answers. */
async function startProcess(
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
    try {
      if ((await fetch(url)).status === 200) return child;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error(`${url} did not answer within 30 s`);
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** A bare node:http server answering every request with the page's bytes. */
const BARE_SERVER = `
const http = require('node:http');
const body = require('node:fs').readFileSync(process.env.PAGE);
http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': body.length });
  res.end(body);
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** Seeds demo data into `dataDir` (in a child, whose config reads DATA_DIR); returns the member's login. */
async function seedDemoMember(dataDir: string): Promise<{ username: string; password: string }> {
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
  if (code !== 0 || !out) throw new Error('seeding the demo data failed');
  return JSON.parse(out) as { username: string; password: string };
}

/** Logs the demo member in through /api/login and returns the session cookie. */
async function logIn(
  siteUrl: string,
  login: { username: string; password: string },
): Promise<string> {
  const res = await fetch(siteUrl + 'api/login', {
    method: 'POST',
    redirect: 'manual',
    headers: {
      origin: new URL(siteUrl).origin,
      'sec-fetch-site': 'same-origin',
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ username: login.username, password: login.password }),
  });
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  if (!cookie) throw new Error(`logging the demo member in failed: ${res.status}`);
  return cookie;
}

/**
 * Requests per second and latency for the home page (local server against a
 * bare server) and for /members/ as a logged-in member (session check + sealed page).
 */
export async function run(): Promise<Record<string, string | number>> {
  await ensureBuilt({ quiet: true });
  const page = path.join(root, 'dist', 'index.html');
  const pageBytes = readFileSync(page).length;
  const [sitePort, barePort] = await Promise.all([freePort(), freePort()]);
  const siteUrl = `http://127.0.0.1:${sitePort}/`;
  const bareUrl = `http://127.0.0.1:${barePort}/`;
  const membersUrl = siteUrl + 'members/';
  // A store of its own with the demo accounts, seeded before the server starts.
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'site-bench-'));
  const member = await seedDemoMember(dataDir);
  const site = await startProcess(
    ['--import', 'tsx', 'scripts/serve.ts'],
    { PORT: String(sitePort), DATA_DIR: dataDir, SITE_URL: `http://127.0.0.1:${sitePort}` },
    siteUrl,
  );
  const bare = await startProcess(
    ['-e', BARE_SERVER],
    { PORT: String(barePort), PAGE: page },
    bareUrl,
  );
  try {
    const cookie = await logIn(siteUrl, member);
    // Warm-up.
    await generateLoad(siteUrl, 500);
    await generateLoad(bareUrl, 500);
    await generateLoad(membersUrl, 500, { cookie });
    const siteRuns: LoadResult[] = [];
    const bareRuns: LoadResult[] = [];
    const memberRuns: LoadResult[] = [];
    // Alternate, so a noisy neighbour hurts every side alike.
    for (let i = 0; i < ROUNDS; i++) {
      siteRuns.push(await generateLoad(siteUrl, ROUND_MS));
      bareRuns.push(await generateLoad(bareUrl, ROUND_MS));
      memberRuns.push(await generateLoad(membersUrl, ROUND_MS, { cookie }));
    }
    const siteRps = median(siteRuns.map((r) => r.perSecond));
    const bareRps = median(bareRuns.map((r) => r.perSecond));
    const memberRps = median(memberRuns.map((r) => r.perSecond));
    const ms = (runs: LoadResult[], key: 'p50' | 'p99') =>
      median(runs.map((r) => r[key])).toFixed(2);
    return {
      'home page size (bytes)': pageBytes,
      connections: CONNECTIONS,
      'home page, local server (req/s)': Math.round(siteRps),
      'home page, local server p50 (ms)': ms(siteRuns, 'p50'),
      'home page, local server p99 (ms)': ms(siteRuns, 'p99'),
      'home page, bare node:http (req/s)': Math.round(bareRps),
      'home page, bare node:http p50 (ms)': ms(bareRuns, 'p50'),
      'home page, bare node:http p99 (ms)': ms(bareRuns, 'p99'),
      'ratio home page local / bare': (siteRps / bareRps).toFixed(2),
      '/members/ as a member (req/s)': Math.round(memberRps),
      '/members/ as a member p50 (ms)': ms(memberRuns, 'p50'),
      '/members/ as a member p99 (ms)': ms(memberRuns, 'p99'),
      'ratio /members/ / bare': (memberRps / bareRps).toFixed(2),
      'failed or non-200 responses': [...siteRuns, ...bareRuns, ...memberRuns].reduce(
        (n, r) => n + r.failures,
        0,
      ),
    };
  } finally {
    await Promise.all([stop(site), stop(bare)]);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
