// The staff console at the federation's scale, through the real functions and a
// real SQLite store: importing a 150,000-row roll from the browser (upload and
// preview, then apply), with wall time and peak memory measured in a fresh
// process; and the review queue page with 5,000 pending registrations.
//
// While the roll is uploaded and applied, another visitor asks the same process
// for `GET /` over HTTP, one request after another, from a worker thread (its
// own event loop, so its clock is not held up by the work it measures): the
// p99 and the longest of those answers show whether the import blocks others.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import os from 'node:os';
import path from 'node:path';

type Figures = Record<string, string | number>;

const ROLL_ROWS = 150_000;
const PENDING = 5_000;
const SITE = 'http://bench.test';

/** Runs this file again as a child doing one job, and reads its JSON figures. */
function runChild(job: string): Promise<Figures> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename], {
      env: { ...process.env, STAFF_BENCH_JOB: job },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`staff bench ${job} exited with ${code}`));
      resolve(JSON.parse(out.trim().split('\n').at(-1)!) as Figures);
    });
  });
}

/** Benchmarks the roll import and the review queue. */
export async function run(): Promise<Figures> {
  return { ...(await runChild('import')), ...(await runChild('queue')) };
}

async function setUp() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'staff-bench-'));
  process.env.DATA_DIR = dataDir;
  process.env.SITE_URL = SITE;
  delete process.env.DATABASE_URL;
  const { getDb } = await import('../src/server/store/db.ts');
  const { migrateToLatest } = await import('../src/server/store/migrations.ts');
  const { createStaff } = await import('../src/server/staff/accounts.ts');
  const { createSession } = await import('../src/server/sessions.ts');
  const db = getDb();
  await migrateToLatest(db);
  await createStaff({ email: 'bench@example.org', username: 'benchstaff' }, 'bench');
  const staff = await db
    .selectFrom('users')
    .select('id')
    .where('username', '=', 'benchstaff')
    .executeTakeFirstOrThrow();
  // The console needs a second factor: give the bench account an authenticator.
  const { getConfig } = await import('../src/server/config.ts');
  const { sealBytes } = await import('../src/server/two-factor/secret-box.ts');
  const { generateTotpKey } = await import('../src/server/two-factor/totp.ts');
  await db
    .updateTable('users')
    .set({ totp_secret: sealBytes(generateTotpKey(), getConfig().totpKey) })
    .where('id', '=', staff.id)
    .execute();
  const { token } = await createSession(staff.id, 'staff', { twoFactorVerified: true });
  const call = (
    handler: (r: Request, c: never) => Promise<Response>,
    p: string,
    init: RequestInit = {},
  ) => {
    const headers = new Headers(init.headers);
    headers.set('cookie', `session=${token}`);
    headers.set('sec-fetch-site', 'same-origin');
    return handler(new Request(SITE + p, { ...init, headers }), {
      params: {},
      ip: '127.0.0.1',
    } as never);
  };
  return { db, dataDir, call };
}

function rollCsv(rows: number): string {
  const lines = ['warrant_number,surname,status'];
  for (let i = 0; i < rows; i++)
    lines.push(`${100000 + i},Surname${i % 5000},${i % 7 === 0 ? 'retired' : 'serving'}`);
  return lines.join('\n') + '\n';
}

/** Samples resident memory while `fn` runs; returns its time and the peak. */
async function measure<T>(
  fn: () => Promise<T>,
): Promise<{ ms: number; peakMiB: number; value: T }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 10);
  const started = performance.now();
  const value = await fn();
  const ms = performance.now() - started;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage.rss());
  return { ms, peakMiB: peak / 1024 / 1024, value };
}

/** A page the size of the home page, answered from memory as the local server answers static files. */
const HOME_PAGE = `<!doctype html><title>Home</title>${'<p>News and notices.</p>'.repeat(500)}`;

/**
 * The other visitor: starts a request for `url` every 10 ms whether or not the
 * last one was answered (so a stalled server is measured by every request that
 * waits on it, not by one), recording [start (epoch ms), latency ms] of each.
 */
const VISITOR = `
const http = require('node:http');
const { parentPort, workerData } = require('node:worker_threads');
const samples = [];
let open = 0;
const ask = () => {
  const started = performance.timeOrigin + performance.now();
  const done = () => {
    open--;
    samples.push([started, performance.timeOrigin + performance.now() - started]);
  };
  open++;
  http
    .get(workerData.url, (res) => {
      res.resume();
      res.on('end', done);
      res.on('error', done);
    })
    .on('error', done);
};
const timer = setInterval(ask, 10);
parentPort.on('message', () => {
  clearInterval(timer);
  const wait = setInterval(() => {
    if (open > 0) return;
    clearInterval(wait);
    parentPort.postMessage(samples);
  }, 5);
});
`;

/** Serves `GET /` from this process and keeps a visitor requesting it until `stop()`. */
async function startVisitor() {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(HOME_PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const worker = new Worker(VISITOR, {
    eval: true,
    workerData: { url: `http://127.0.0.1:${port}/` },
  });
  const done = new Promise<[number, number][]>((resolve) => worker.once('message', resolve));
  return {
    async stop() {
      worker.postMessage('stop');
      const samples = await done;
      await worker.terminate();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      return samples;
    },
  };
}

/** Epoch milliseconds, comparable with the visitor's clock. */
const wallNow = () => performance.timeOrigin + performance.now();

/** p99 and longest latency of the samples that started within [from, to). */
function latencies(samples: [number, number][], from: number, to: number) {
  const ms = samples
    .filter(([at]) => at >= from && at < to)
    .map(([, latency]) => latency)
    .sort((a, b) => a - b);
  const p99 = ms[Math.min(ms.length - 1, Math.floor(ms.length * 0.99))] ?? 0;
  return { p99: Number(p99.toFixed(1)), max: Number((ms.at(-1) ?? 0).toFixed(1)), n: ms.length };
}

/** A roll upload as the browser sends it: the multipart body's bytes and its content type. */
interface MultipartBody {
  bytes: Uint8Array<ArrayBuffer>;
  type: string;
}

/** The form the roll page posts, with `text` as its file, encoded once. */
async function multipartBody(text: string): Promise<MultipartBody> {
  const form = new FormData();
  form.set('roll', new File([text], 'roll.csv', { type: 'text/csv' }));
  const encoded = new Request(SITE, { method: 'POST', body: form });
  return {
    bytes: new Uint8Array(await encoded.arrayBuffer()),
    type: encoded.headers.get('content-type')!,
  };
}

async function importJob(): Promise<Figures> {
  const { dataDir, call } = await setUp();
  const roll = (await import('../functions/staff-roll.ts')).default;
  const apply = (await import('../functions/staff-roll-apply.ts')).default;
  const csv = rollCsv(ROLL_ROWS);
  const baseline = process.memoryUsage.rss() / 1024 / 1024;
  const upload = async (form: MultipartBody) => {
    const res = await call(roll, '/api/staff/roll', {
      method: 'POST',
      headers: { 'content-type': form.type },
      body: form.bytes,
    });
    const id = new URL(res.headers.get('location')!, SITE).searchParams.get('preview')!;
    const page = await (await call(roll, `/api/staff/roll?preview=${id}`)).text();
    return { id, sha: /name="sha256" value="([0-9a-f]{64})"/.exec(page)![1] };
  };
  const applyIt = async (p: { id: string; sha: string }) => {
    const res = await call(apply, '/api/staff/roll/apply', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ id: p.id, sha256: p.sha }).toString(),
    });
    if (res.status !== 303) throw new Error(`apply answered ${res.status}`);
  };
  // A second file against the full roll: 1,000 rows change status. Made before the
  // visitor starts, so the bench's own work never holds up the answers it measures.
  const changed = csv.replace(
    /(1[0-9]{5}),(Surname[0-9]+),serving\n/g,
    (line, n: string, s: string) => (Number(n) < 101_000 ? `${n},${s},retired\n` : line),
  );
  // The browser's side of both uploads (the multipart bodies), made before the visitor starts too.
  const [firstUpload, secondUpload] = await Promise.all([
    multipartBody(csv),
    multipartBody(changed),
  ]);
  const visitor = await startVisitor();
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  await pause(500);
  const t0 = wallNow();
  const preview = await measure(() => upload(firstUpload));
  const t1 = wallNow();
  // Staff read the preview before applying it; the pauses also keep the requests
  // made near the end of one step from being held up by the start of the next.
  await pause(200);
  const t1Apply = wallNow();
  const applied = await measure(() => applyIt(preview.value));
  const t2 = wallNow();
  await pause(200);
  const t3 = wallNow();
  const again = await measure(() => upload(secondUpload));
  const t4 = wallNow();
  const samples = await visitor.stop();
  rmSync(dataDir, { recursive: true, force: true });
  const idle = latencies(samples, t0 - 500, t0);
  const duringUpload = latencies(samples, t0, t1);
  const duringApply = latencies(samples, t1Apply, t2);
  const duringReupload = latencies(samples, t3, t4);
  return {
    'roll rows': ROLL_ROWS,
    'roll file MiB': Number((Buffer.byteLength(csv) / 1024 / 1024).toFixed(1)),
    'upload + preview (empty roll) ms': Math.round(preview.ms),
    'apply 150k rows ms': Math.round(applied.ms),
    'upload + preview (full roll) ms': Math.round(again.ms),
    'memory before import MiB': Math.round(baseline),
    'peak memory during import MiB': Math.round(
      Math.max(preview.peakMiB, applied.peakMiB, again.peakMiB),
    ),
    'GET / idle p99 ms': idle.p99,
    'GET / during upload p99 ms': duringUpload.p99,
    'GET / during upload max ms': duringUpload.max,
    'GET / during upload requests': duringUpload.n,
    'GET / during apply p99 ms': duringApply.p99,
    'GET / during apply max ms': duringApply.max,
    'GET / during apply requests': duringApply.n,
    'GET / during upload (full roll) p99 ms': duringReupload.p99,
    'GET / during upload (full roll) max ms': duringReupload.max,
  };
}

async function queueJob(): Promise<Figures> {
  const { db, dataDir, call } = await setUp();
  const review = (await import('../functions/staff-review.ts')).default;
  const now = Date.now();
  const rows = Array.from({ length: PENDING }, (_, i) => ({
    id: `pending${i}`,
    first_name: 'Pat',
    surname: `Surname${i}`,
    email: `pat${i}@example.org`,
    email_lower: `pat${i}@example.org`,
    username: `pat${i}`,
    username_lower: `pat${i}`,
    password_hash: 'not-a-real-hash',
    warrant_hmac: `hmac${i}`,
    warrant_last2: String(i % 100).padStart(2, '0'),
    warrant_claim: null,
    role: 'member' as const,
    status: 'pending' as const,
    roll_on_roll: i % 2,
    roll_surname_match: i % 2,
    roll_status: i % 2 ? ('serving' as const) : null,
    roll_duplicate: 0,
    reject_reason: null,
    created_at: now - i,
    verified_at: now - i,
    confirmed_at: null,
    updated_at: now,
  }));
  for (let i = 0; i < rows.length; i += 500)
    await db
      .insertInto('users')
      .values(rows.slice(i, i + 500))
      .execute();
  const time = async (p: string, runs = 20) => {
    await (await call(review, p)).text();
    const started = performance.now();
    let bytes = 0;
    for (let i = 0; i < runs; i++) bytes = (await (await call(review, p)).text()).length;
    return { ms: (performance.now() - started) / runs, bytes };
  };
  const first = await time('/api/staff/review');
  const last = await time('/api/staff/review?page=100');
  const matched = await time('/api/staff/review?filter=matched');
  const bulk = await measure(async () =>
    call(review, '/api/staff/review', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'action=confirm-matched',
    }),
  );
  rmSync(dataDir, { recursive: true, force: true });
  return {
    'pending registrations': PENDING,
    'queue page 1 render ms': Number(first.ms.toFixed(1)),
    'queue page KiB': Math.round(first.bytes / 1024),
    'queue last page render ms': Number(last.ms.toFixed(1)),
    'queue roll-matched filter ms': Number(matched.ms.toFixed(1)),
    'confirm 2,500 roll-matched ms': Math.round(bulk.ms),
  };
}

if (process.env.STAFF_BENCH_JOB) {
  const job = process.env.STAFF_BENCH_JOB === 'import' ? importJob : queueJob;
  // Mail to the bench addresses goes to the temporary outbox, like the tests.
  job().then(
    (figures) => {
      process.stdout.write(JSON.stringify(figures) + '\n');
      process.exit(0);
    },
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
