/**
 * A deploy made here as Netlify's build makes it, for the deploy test and the
 * bench: the deploy's Node (netlify.toml NODE_VERSION) from the registry, the
 * build command's steps after `astro build` run under it (bundles, then
 * migrations when DATABASE_URL is given), and every function zipped from
 * netlify.toml by @netlify/zip-it-and-ship-it.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ensureDeployNode, nodeMajorOf, type DeployNode } from './deploy-node.ts';
import {
  readDeploySettings,
  zipSiteFunctions,
  type DeploySettings,
  type ZippedFunction,
} from './netlify-zip.ts';

const root = path.resolve(import.meta.dirname, '../..');

/** The npm script netlify.toml's build command runs, and the step of it after `astro build`. */
export const NETLIFY_BUILD_SCRIPT = 'build:netlify';
export const DEPLOY_STEP = 'tsx scripts/netlify-build.ts';

/** The deploy's Node, installed on first use. */
export async function deployNode(settings: DeploySettings): Promise<DeployNode> {
  return ensureDeployNode(nodeMajorOf(settings.environment.NODE_VERSION));
}

/**
 * Runs the deploy step (scripts/netlify-build.ts) under `node` with netlify.toml's
 * build environment plus `env`; resolves with its output, rejects with it on failure.
 */
export function runDeployStep(
  node: DeployNode,
  settings: DeploySettings,
  env: Record<string, string | undefined>,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      node.bin,
      [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'scripts/netlify-build.ts'],
      {
        cwd: root,
        env: { ...process.env, ...settings.environment, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('exit', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`deploy step failed (${code}):\n${output}`)),
    );
  });
}

/** A deploy's zips, with what made them. */
export interface DeployZips {
  node: DeployNode;
  settings: DeploySettings;
  /** Output of the deploy step (bundle list, migrations). */
  stepOutput: string;
  zips: ZippedFunction[];
}

/**
 * Builds the functions as a deploy does (call it after `astro build`): the
 * deploy step under the deploy's Node, then the zips into `zipDir`.
 */
export async function makeDeployZips(options: {
  zipDir: string;
  env?: Record<string, string | undefined>;
}): Promise<DeployZips> {
  const settings = await readDeploySettings(root);
  const node = await deployNode(settings);
  const stepOutput = await runDeployStep(node, settings, options.env ?? {});
  const zips = await zipSiteFunctions({ root, destDir: options.zipDir });
  return { node, settings, stepOutput, zips };
}
