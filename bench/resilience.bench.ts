// The local server (`scripts/serve.ts`, as `npm start` runs it) on PostgreSQL
// while the database drops its connections: a logged-in member's page is
// loaded at 50 concurrent keep-alive connections, and every few seconds each
// of the server's database connections is ended with pg_terminate_backend.
// Reports crashes (the server exiting or refusing connections: must be 0),
// 500s (must be 0), the 503s answered meanwhile, and how long after each
// termination the last failed answer came (the service is back within it).
//
// Load comes from Node (bench/lib's approach, with each answer's status and
// time kept). wrk, where installed, cannot tell a 503 from a 500 or time an
// answer without a Lua script, so it is not used here.
//
// Needs PostgreSQL: BENCH_DATABASE_URL, else TEST_DATABASE_URL; without either
// the figures say so.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { Agent, get } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ensureBuilt } from '../scripts/lib/build.ts';
import { freePort } from '../scripts/lib/free-port.ts';
import { CONNECTIONS, percentile } from './lib/load.ts';
import { logIn, seedDemoMember, stopProcess } from './lib/local-site.ts';

const root = path.resolve(import.meta.dirname, '..');
/** How long the load runs, and when (ms after its start) the connections are terminated. */
const RUN_MS = 10_000;
const TERMINATE_AT_MS = [2_000, 4_500, 7_000];
/** Server connections are named so only they are terminated. */
const APPLICATION_NAME = `resilience-bench-${process.pid}`;

/** One answer (or failure to get one): when it started and ended (ms from the run's start). */
interface Answer {
  start: number;
  end: number;
  /** The HTTP status, or 0 when the connection failed. */
  status: number;
}

/** The database URL with a fresh schema of its own and the server's application name. */
async function createBenchSchema(base: string): Promise<{ url: string; drop(): Promise<void> }> {
  const schema = `bench_${randomBytes(6).toString('hex')}`;
  const run = async (statement: string) => {
    const client = new pg.Client({ connectionString: base });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await run(`create schema ${schema}`);
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  url.searchParams.set('application_name', APPLICATION_NAME);
  return { url: url.toString(), drop: () => run(`drop schema ${schema} cascade`) };
}

/** Ends every backend the server holds; returns how many there were. */
async function terminateServerConnections(base: string): Promise<number> {
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  try {
    const { rows } = await client.query(
      'select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1',
      [APPLICATION_NAME],
    );
    return rows.length;
  } finally {
    await client.end();
  }
}

/** Starts scripts/serve.ts on PostgreSQL and waits until it answers; its stderr is kept. */
async function startServer(
  port: number,
  env: NodeJS.ProcessEnv,
): Promise<{ child: ChildProcess; stderr: () => string }> {
  const origin = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/serve.ts'], {
    cwd: root,
    env: { ...process.env, PORT: String(port), SITE_URL: origin, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited early:\n${stderr}`);
    if ((await fetch(`${origin}/`).catch(() => null))?.status === 200) {
      return { child, stderr: () => stderr };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stopProcess(child);
  throw new Error(`${origin} did not answer within 30 s`);
}

function requestOnce(url: string, agent: Agent, cookie: string): Promise<number> {
  return new Promise((resolve) => {
    get(url, { agent, headers: { cookie } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(0));
    }).on('error', () => resolve(0));
  });
}

/** Keeps CONNECTIONS requests in flight for RUN_MS, terminating the server's connections on cue. */
async function loadWithTerminations(
  url: string,
  cookie: string,
  databaseUrl: string,
): Promise<{ answers: Answer[]; terminated: { at: number; backends: number }[] }> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const answers: Answer[] = [];
  const terminated: { at: number; backends: number }[] = [];
  const t0 = performance.now();
  const now = () => performance.now() - t0;
  const killer = (async () => {
    for (const at of TERMINATE_AT_MS) {
      await new Promise((r) => setTimeout(r, Math.max(0, at - now())));
      const when = now();
      terminated.push({ at: when, backends: await terminateServerConnections(databaseUrl) });
    }
  })();
  const worker = async () => {
    while (now() < RUN_MS) {
      const start = now();
      const status = await requestOnce(url, agent, cookie);
      answers.push({ start, end: now(), status });
    }
  };
  await Promise.all([killer, ...Array.from({ length: CONNECTIONS }, worker)]);
  agent.destroy();
  return { answers, terminated };
}

/** The first members-only article in the build. */
function sealedArticle(): string {
  const name = readdirSync(path.join(root, 'sealed', 'members', 'news'))[0];
  if (!name) throw new Error('the build has no members-only article');
  return `/members/news/${name}/`;
}

/** Figures for `npm run bench`. */
export async function run(): Promise<Record<string, string | number>> {
  const base = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!base) return { skipped: 'set BENCH_DATABASE_URL or TEST_DATABASE_URL (PostgreSQL)' };
  await ensureBuilt({ quiet: true });
  const schema = await createBenchSchema(base);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'resilience-bench-'));
  const env = { DATABASE_URL: schema.url, DATA_DIR: dataDir };
  try {
    const member = await seedDemoMember(dataDir, env);
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const server = await startServer(port, env);
    try {
      const { cookie } = await logIn(origin, member);
      const url = origin + sealedArticle();
      const { answers, terminated } = await loadWithTerminations(url, cookie, base);
      // Crashes: the server exited, or a connection to it failed.
      const exited = server.child.exitCode !== null ? 1 : 0;
      const refused = answers.filter((a) => a.status === 0).length;
      const after = await fetch(url, { headers: { cookie } }).catch(() => null);
      const recoveries = terminated.map(({ at }, i) => {
        const until = terminated[i + 1]?.at ?? Infinity;
        const failed = answers.filter((a) => a.end >= at && a.end < until && a.status !== 200);
        return failed.length ? Math.max(...failed.map((a) => a.end)) - at : 0;
      });
      const ok = answers.filter((a) => a.status === 200).map((a) => a.end - a.start);
      ok.sort((a, b) => a - b);
      return {
        connections: CONNECTIONS,
        'run (s)': RUN_MS / 1000,
        terminations: terminated.length,
        'terminated at (ms into the run)': terminated.map((t) => t.at.toFixed(0)).join(' '),
        'backends terminated': terminated.reduce((n, t) => n + t.backends, 0),
        requests: answers.length,
        '200 answers': ok.length,
        '503 answers (store briefly unavailable)': answers.filter((a) => a.status === 503).length,
        '500 answers (must be 0)': answers.filter((a) => a.status >= 500 && a.status !== 503)
          .length,
        'other answers': answers.filter((a) => a.status !== 0 && a.status !== 200 && a.status < 500)
          .length,
        'crashes: server exited or refused (must be 0)': exited + refused,
        'served after the run': after?.status ?? 'no answer',
        'service back within, worst termination (ms, must be < 1000)': Math.max(
          ...recoveries,
        ).toFixed(0),
        'store unavailable lines logged': (server.stderr().match(/store unavailable/g) ?? [])
          .length,
        'lost idle connections logged': (
          server.stderr().match(/idle PostgreSQL connection was lost/g) ?? []
        ).length,
        'p50 of 200s (ms)': percentile(ok, 0.5).toFixed(2),
        'p99 of 200s (ms)': percentile(ok, 0.99).toFixed(2),
      };
    } finally {
      await stopProcess(server.child);
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    await schema.drop();
  }
}
