/**
 * A Node binary of the deploy's major version, from the npm registry's `node`
 * package (it ships the binary as node_modules/.bin/node), for running the
 * function bundles under the Node that Netlify runs them on while this
 * machine's own Node may be older. Installed once into a cache folder
 * (DEPLOY_NODE_CACHE, else node_modules/.cache/deploy-node, wiped by `npm ci`)
 * and reused after that.
 */
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

function cacheDir(): string {
  return path.resolve(
    process.env.DEPLOY_NODE_CACHE || path.join(root, 'node_modules', '.cache', 'deploy-node'),
  );
}

/** The Node major in netlify.toml's NODE_VERSION (e.g. "24"). */
export function nodeMajorOf(version: string | undefined): number {
  const major = Number(/^v?(\d+)/.exec(version ?? '')?.[1]);
  if (!Number.isInteger(major)) throw new Error(`not a Node version: "${version}"`);
  return major;
}

/** The binary's path and exact version. */
export interface DeployNode {
  bin: string;
  version: string;
}

async function versionOf(bin: string): Promise<string> {
  const { stdout } = await run(bin, ['--version']);
  return stdout.trim();
}

/** Returns a Node `major` binary, installing `node@<major>` from the registry on first use. */
export async function ensureDeployNode(major: number): Promise<DeployNode> {
  const home = path.join(cacheDir(), `node-${major}`);
  const bin = path.join(home, 'node_modules', '.bin', 'node');
  if (existsSync(bin)) {
    const version = await versionOf(bin);
    if (nodeMajorOf(version) === major) return { bin, version };
  }
  mkdirSync(cacheDir(), { recursive: true });
  // Install beside the final folder, then rename, so a concurrent run never sees half an install.
  const staging = mkdtempSync(path.join(cacheDir(), `.node-${major}-`));
  // Readable by all: the deploy test runs functions as an unprivileged user.
  chmodSync(staging, 0o755);
  try {
    await run(
      'npm',
      ['install', '--prefix', staging, '--no-audit', '--no-fund', '--no-save', `node@${major}`],
      { cwd: staging, timeout: 180_000 },
    );
    const staged = path.join(staging, 'node_modules', '.bin', 'node');
    const version = await versionOf(staged);
    if (nodeMajorOf(version) !== major) throw new Error(`node@${major} installed ${version}`);
    rmSync(home, { recursive: true, force: true });
    try {
      renameSync(staging, home);
    } catch (error) {
      // Another run finished first: use its copy.
      if (!existsSync(bin)) throw error;
    }
    return { bin, version: await versionOf(bin) };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
