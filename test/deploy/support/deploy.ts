/**
 * The deploy test's settings and its one deploy, made as Netlify's build makes
 * it (scripts/lib/deploy-rig.ts), with the helpers bound to the test's site.
 */
import path from 'node:path';
import type { FunctionInstance } from '../../../scripts/lib/bundle-host.ts';
import * as rig from '../../../scripts/lib/deploy-rig.ts';

export const BASE_URL = process.env.TEST_DATABASE_URL ?? '';
export const SITE = 'https://members.example.org';
export const WARRANT_KEY = 'deploy-test-warrant-key-0123456789abcdef';

export type { FreshDatabase } from '../../../scripts/lib/deploy-rig.ts';

export const launcher = rig.createFunctionLauncher('deploy-test-');

let deploy: Promise<rig.DeployZips> | undefined;

/** The deploy (made once per run): bundles, migrations of `databaseUrl`, zips. */
export function makeDeploy(databaseUrl: string): Promise<rig.DeployZips> {
  deploy ??= rig.makeDeployZips({
    zipDir: path.join(launcher.workDir, 'zips'),
    env: { DATABASE_URL: databaseUrl, CONTEXT: 'production' },
  });
  return deploy;
}

export const createFreshDatabase = (prefix: string) => rig.createFreshDatabase(BASE_URL, prefix);

/** Starts `name`'s zip from a read-only folder of its own with exactly `env`. */
export function startDeployedFunction(
  zips: rig.DeployZips,
  name: string,
  env: Record<string, string>,
): Promise<FunctionInstance> {
  const zip = zips.zips.find((z) => z.name === name);
  if (!zip) throw new Error(`no zip for function ${name}`);
  return launcher.start(zip.zip, zips.node.bin, env);
}

export const productionEnv = (databaseUrl: string, smtpUrl: string) =>
  rig.productionEnv({ databaseUrl, smtpUrl, siteUrl: SITE, warrantKey: WARRANT_KEY });

export const browserRequest = (
  pathname: string,
  options?: Parameters<typeof rig.browserRequest>[2],
) => rig.browserRequest(SITE, pathname, options);

export const cookieFrom = rig.cookieFrom;
