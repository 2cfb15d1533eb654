// The local server under load: a static page from the built site at 50
// concurrent keep-alive connections, beside a bare node:http server sending
// the same bytes. The machine is noisy, so the ratio is the figure to watch.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureBuilt } from '../scripts/lib/build.ts';
import { freePort } from '../scripts/lib/free-port.ts';
import {
  CONNECTIONS,
  countFailures,
  generateLoad,
  loadGenerator,
  medianMs,
  medianRate,
  type LoadResult,
} from './lib/load.ts';
import {
  logIn,
  seedDemoMember,
  startBareServer,
  startLocalServer,
  stopProcess,
} from './lib/local-site.ts';

const root = path.resolve(import.meta.dirname, '..');
const ROUND_MS = 4_000;
const ROUNDS = 2;

/**
 * Requests per second and latency for the home page (local server against a
 * bare server) and for /members/ as a logged-in member (session check + sealed page).
 */
export async function run(): Promise<Record<string, string | number>> {
  await ensureBuilt({ quiet: true });
  const page = path.join(root, 'dist', 'index.html');
  const pageBytes = readFileSync(page).length;
  const [sitePort, barePort] = await Promise.all([freePort(), freePort()]);
  const origin = `http://127.0.0.1:${sitePort}`;
  const siteUrl = `${origin}/`;
  const bareUrl = `http://127.0.0.1:${barePort}/`;
  const membersUrl = siteUrl + 'members/';
  // A store of its own with the demo accounts, seeded before the server starts.
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'site-bench-'));
  const member = await seedDemoMember(dataDir);
  const site = await startLocalServer(sitePort, dataDir);
  const bare = await startBareServer(barePort, page);
  try {
    const { cookie } = await logIn(origin, member);
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
    const siteRps = medianRate(siteRuns);
    const bareRps = medianRate(bareRuns);
    const memberRps = medianRate(memberRuns);
    return {
      'load generator': loadGenerator(),
      'home page size (bytes)': pageBytes,
      connections: CONNECTIONS,
      'home page, local server (req/s)': Math.round(siteRps),
      'home page, local server p50 (ms)': medianMs(siteRuns, 'p50'),
      'home page, local server p99 (ms)': medianMs(siteRuns, 'p99'),
      'home page, bare node:http (req/s)': Math.round(bareRps),
      'home page, bare node:http p50 (ms)': medianMs(bareRuns, 'p50'),
      'home page, bare node:http p99 (ms)': medianMs(bareRuns, 'p99'),
      'ratio home page local / bare': (siteRps / bareRps).toFixed(2),
      '/members/ as a member (req/s)': Math.round(memberRps),
      '/members/ as a member p50 (ms)': medianMs(memberRuns, 'p50'),
      '/members/ as a member p99 (ms)': medianMs(memberRuns, 'p99'),
      'ratio /members/ / bare': (memberRps / bareRps).toFixed(2),
      'ratio /members/ / home page': (memberRps / siteRps).toFixed(2),
      'failed or non-200 responses': countFailures([...siteRuns, ...bareRuns, ...memberRuns]),
    };
  } finally {
    await Promise.all([stopProcess(site), stopProcess(bare)]);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
