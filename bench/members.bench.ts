// The members area under load: a members-only article served by the members
// function to a logged-in member (session check + sealed page + member bar)
// beside a public news article served as a static file, both from the local
// server at 50 concurrent keep-alive connections; and the time of one login
// (an argon2id verify plus a new session).
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureBuilt } from '../scripts/lib/build.ts';
import { freePort } from '../scripts/lib/free-port.ts';
import {
  CONNECTIONS,
  countFailures,
  generateLoad,
  median,
  medianMs,
  medianRate,
  type LoadResult,
} from './lib/load.ts';
import { logIn, seedDemoMember, startLocalServer, stopProcess } from './lib/local-site.ts';

const root = path.resolve(import.meta.dirname, '..');
const ROUND_MS = 4_000;
const ROUNDS = 2;
const LOGINS = 7;

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
  const member = await seedDemoMember(dataDir);
  const server = await startLocalServer(port, dataDir);
  try {
    const logins: number[] = [];
    let cookie = '';
    for (let i = 0; i < LOGINS; i++) ({ cookie, ms: logins[i] } = await logIn(base, member));
    const { sealed, open } = pickArticles();
    await generateLoad(base + open, 500);
    await generateLoad(base + sealed, 500, { cookie });
    const publicRuns: LoadResult[] = [];
    const sealedRuns: LoadResult[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      publicRuns.push(await generateLoad(base + open, ROUND_MS));
      sealedRuns.push(await generateLoad(base + sealed, ROUND_MS, { cookie }));
    }
    return {
      connections: CONNECTIONS,
      'public article, static (req/s)': Math.round(medianRate(publicRuns)),
      'public article p50 (ms)': medianMs(publicRuns, 'p50'),
      'public article p99 (ms)': medianMs(publicRuns, 'p99'),
      'members-only article, logged in (req/s)': Math.round(medianRate(sealedRuns)),
      'members-only article p50 (ms)': medianMs(sealedRuns, 'p50'),
      'members-only article p99 (ms)': medianMs(sealedRuns, 'p99'),
      'ratio members-only / public': (medianRate(sealedRuns) / medianRate(publicRuns)).toFixed(2),
      'one login, median of 7 (ms)': median(logins).toFixed(1),
      'failed or non-200 responses': countFailures([...publicRuns, ...sealedRuns]),
    };
  } finally {
    await stopProcess(server);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
