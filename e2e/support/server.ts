import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../scripts/lib/free-port.ts';

const root = path.resolve(import.meta.dirname, '../..');

export interface RunningSite {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * Starts the local server (scripts/serve.ts: dist/, sealed pages and functions)
 * on a free port with its own empty data directory.
 */
export async function startSite(env: NodeJS.ProcessEnv = {}): Promise<RunningSite> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'site-e2e-'));
  const url = `http://localhost:${port}`;
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'scripts/serve.ts')],
    {
      cwd: root,
      env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, SITE_URL: url, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  await waitForHttp(url, child, () => output);
  return {
    url,
    dataDir,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs the members CLI (scripts/members.ts) against the running site's store. */
export function runMembersCli(site: RunningSite, ...args: string[]) {
  return promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/members.ts', ...args], {
    cwd: root,
    env: { ...process.env, DATA_DIR: site.dataDir, SITE_URL: site.url },
  });
}

async function waitForHttp(url: string, child: ChildProcess, output: () => string) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output()}`);
    try {
      const res = await fetch(url + '/');
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server did not answer within 60 s:\n${output()}`);
}
