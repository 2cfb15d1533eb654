// The members area under load: a members-only article served by the members
// function to a logged-in member (session check + sealed page + member bar)
// beside a public news article served as a static file (plain, and compressed
// for a client that accepts it), both from the local server, and beside a bare
// node:http server sending the members page's bytes, all at 50 concurrent
// keep-alive connections; and the time of one login (an argon2id verify plus a
// new session). The rounds alternate, so a noisy neighbour hurts every side alike.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureBuilt } from '../scripts/lib/build.ts';
import { freePort } from '../scripts/lib/free-port.ts';
import {
  CONNECTIONS,
  countFailures,
  generateLoad,
  loadGenerator,
  median,
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
const LOGINS = 7;
/** What a browser sends. */
const ACCEPT_COMPRESSED = { 'accept-encoding': 'gzip, deflate, br, zstd' };

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
  const [port, barePort] = await Promise.all([freePort(), freePort()]);
  const base = `http://127.0.0.1:${port}`;
  const bareUrl = `http://127.0.0.1:${barePort}/`;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'members-bench-'));
  const member = await seedDemoMember(dataDir);
  const server = await startLocalServer(port, dataDir);
  let bare: Awaited<ReturnType<typeof startBareServer>> | null = null;
  try {
    const logins: number[] = [];
    let cookie = '';
    for (let i = 0; i < LOGINS; i++) ({ cookie, ms: logins[i] } = await logIn(base, member));
    const { sealed, open } = pickArticles();
    // The reference sends exactly the bytes the member receives.
    const memberPage = path.join(dataDir, 'member-page.html');
    const page = await fetch(base + sealed, { headers: { cookie } });
    if (page.status !== 200) throw new Error(`${sealed} answered ${page.status}`);
    writeFileSync(memberPage, Buffer.from(await page.arrayBuffer()));
    bare = await startBareServer(barePort, memberPage);
    await generateLoad(base + open, 500);
    await generateLoad(base + open, 500, ACCEPT_COMPRESSED);
    await generateLoad(base + sealed, 500, { cookie });
    await generateLoad(bareUrl, 500);
    const publicRuns: LoadResult[] = [];
    const compressedRuns: LoadResult[] = [];
    const sealedRuns: LoadResult[] = [];
    const bareRuns: LoadResult[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      publicRuns.push(await generateLoad(base + open, ROUND_MS));
      sealedRuns.push(await generateLoad(base + sealed, ROUND_MS, { cookie }));
      bareRuns.push(await generateLoad(bareUrl, ROUND_MS));
      compressedRuns.push(await generateLoad(base + open, ROUND_MS, ACCEPT_COMPRESSED));
    }
    const publicRate = medianRate(publicRuns);
    const sealedRate = medianRate(sealedRuns);
    return {
      'load generator': loadGenerator(),
      connections: CONNECTIONS,
      'public article, static (req/s)': Math.round(publicRate),
      'public article p50 (ms)': medianMs(publicRuns, 'p50'),
      'public article p99 (ms)': medianMs(publicRuns, 'p99'),
      'public article, compressed (req/s)': Math.round(medianRate(compressedRuns)),
      'public article, compressed p99 (ms)': medianMs(compressedRuns, 'p99'),
      'members-only article, logged in (req/s)': Math.round(sealedRate),
      'members-only article p50 (ms)': medianMs(sealedRuns, 'p50'),
      'members-only article p99 (ms)': medianMs(sealedRuns, 'p99'),
      'members page bytes, bare node:http (req/s)': Math.round(medianRate(bareRuns)),
      'members page bytes, bare p99 (ms)': medianMs(bareRuns, 'p99'),
      'ratio members-only / public': (sealedRate / publicRate).toFixed(2),
      'ratio members-only / bare': (sealedRate / medianRate(bareRuns)).toFixed(2),
      'ratio public compressed / public': (medianRate(compressedRuns) / publicRate).toFixed(2),
      'one login, median of 7 (ms)': median(logins).toFixed(1),
      'failed or non-200 responses': countFailures([
        ...publicRuns,
        ...compressedRuns,
        ...sealedRuns,
        ...bareRuns,
      ]),
    };
  } finally {
    await Promise.all([stopProcess(server), bare ? stopProcess(bare) : Promise.resolve()]);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
