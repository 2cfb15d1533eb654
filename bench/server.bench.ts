// The local server under load: a static page from the built site at 50
// concurrent keep-alive connections, beside a bare node:http server sending
// the same bytes. The machine is noisy, so the ratio is the figure to watch.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, get } from 'node:http';
import { createServer } from 'node:net';
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

function requestOnce(url: string, agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', reject);
  });
}

/** Keeps `CONNECTIONS` requests in flight on loopback for `ms` (or `MAX_REQUESTS`). */
async function generateLoad(url: string, ms: number): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const latencies: number[] = [];
  let failures = 0;
  const started = performance.now();
  const deadline = started + ms;
  const worker = async () => {
    while (performance.now() < deadline && latencies.length + failures < MAX_REQUESTS) {
      const t0 = performance.now();
      try {
        const status = await requestOnce(url, agent);
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

/** Requests per second and latency for the home page, local server against a bare server. */
export async function run(): Promise<Record<string, string | number>> {
  await ensureBuilt({ quiet: true });
  const page = path.join(root, 'dist', 'index.html');
  const pageBytes = readFileSync(page).length;
  const [sitePort, barePort] = await Promise.all([freePort(), freePort()]);
  const siteUrl = `http://127.0.0.1:${sitePort}/`;
  const bareUrl = `http://127.0.0.1:${barePort}/`;
  const site = await startProcess(
    ['--import', 'tsx', 'scripts/serve.ts'],
    { PORT: String(sitePort) },
    siteUrl,
  );
  const bare = await startProcess(
    ['-e', BARE_SERVER],
    { PORT: String(barePort), PAGE: page },
    bareUrl,
  );
  try {
    await generateLoad(siteUrl, 500); // warm-up
    await generateLoad(bareUrl, 500);
    const siteRuns: LoadResult[] = [];
    const bareRuns: LoadResult[] = [];
    // Alternate, so a noisy neighbour hurts both sides alike.
    for (let i = 0; i < ROUNDS; i++) {
      siteRuns.push(await generateLoad(siteUrl, ROUND_MS));
      bareRuns.push(await generateLoad(bareUrl, ROUND_MS));
    }
    const siteRps = median(siteRuns.map((r) => r.perSecond));
    const bareRps = median(bareRuns.map((r) => r.perSecond));
    return {
      'page size (bytes)': pageBytes,
      connections: CONNECTIONS,
      'static page, local server (req/s)': Math.round(siteRps),
      'static page, local server p50 (ms)': median(siteRuns.map((r) => r.p50)).toFixed(2),
      'static page, local server p99 (ms)': median(siteRuns.map((r) => r.p99)).toFixed(2),
      'static page, bare node:http (req/s)': Math.round(bareRps),
      'static page, bare node:http p50 (ms)': median(bareRuns.map((r) => r.p50)).toFixed(2),
      'static page, bare node:http p99 (ms)': median(bareRuns.map((r) => r.p99)).toFixed(2),
      'ratio local / bare': (siteRps / bareRps).toFixed(2),
      'failed or non-200 responses': [...siteRuns, ...bareRuns].reduce((n, r) => n + r.failures, 0),
    };
  } finally {
    await Promise.all([stop(site), stop(bare)]);
  }
}
