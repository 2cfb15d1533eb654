// The deploy's functions, before and after bundling: each zip's size, and each
// function's cold start — the CPU time (user + system) of a fresh process under
// the deploy's Node from importing the function's module to its first complete
// response, median of 5 processes. Netlify's bootstrap (the same for both) is
// not part of it. "Before" is zip-it-and-ship-it as netlify.toml had it (NFT
// packing functions/*.ts with every npm package file by file); "after" is the
// build command's bundles, zipped as netlify.toml now says.
// Cold starts need PostgreSQL (BENCH_DATABASE_URL, else TEST_DATABASE_URL).
// Budgets: members gate ≤ 200 ms, register and login ≤ 400 ms (one argon2 hash
// or verify each), no zip over 1 MB.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensureBuilt } from '../scripts/lib/build.ts';
import type { FunctionInstance } from '../scripts/lib/bundle-host.ts';
import {
  browserRequest,
  cookieFrom,
  createFreshDatabase,
  createFunctionLauncher,
  makeDeployZips,
  productionEnv,
  type FunctionLauncher,
} from '../scripts/lib/deploy-rig.ts';
import type { ZippedFunction } from '../scripts/lib/netlify-zip.ts';
import { zipSiteFunctions } from '../scripts/lib/netlify-zip.ts';
import { startSmtpSink, type SmtpSink } from '../scripts/lib/smtp-sink.ts';
import { median } from './lib/load.ts';

const root = path.resolve(import.meta.dirname, '..');
const SITE = 'https://members.example.org';
const SAMPLES = 5;
const BUDGET_MS: Record<string, number> = { members: 200, register: 400, login: 400 };
const ZIP_BUDGET = 1_000_000;

/** netlify.toml's functions settings before the deploy bundles: NFT over the sources. */
const BEFORE_TOML = `[build]
  command = "npm run build"
  publish = "dist"
[build.environment]
  NODE_VERSION = "20"
[functions]
  directory = "functions"
  node_bundler = "esbuild"
  external_node_modules = ["better-sqlite3", "@node-rs/argon2"]
  included_files = ["sealed/**", "data/common-passwords.txt"]
`;

/** What one cold start asks, so that it does its real work (store, argon2, mail). */
interface ColdRequest {
  request: () => Request;
  ip?: string;
  expect: number;
}

let serial = 0;
const registration = () => {
  serial += 1;
  return {
    firstName: 'Robin',
    surname: 'Ellis',
    email: `robin.${serial}@example.org`,
    username: `robin_${serial}`,
    warrantNumber: String(300000 + serial),
    password: 'correct horse battery staple',
  };
};

/** Registers, verifies and confirms a member through the after-bundles; returns a session cookie. */
async function signInMember(
  start: (name: string) => Promise<FunctionInstance>,
  smtp: SmtpSink,
  confirm: (username: string) => Promise<void>,
): Promise<{ username: string; password: string; cookie: string }> {
  const member = registration();
  const register = await start('register');
  await register.invoke(browserRequest(SITE, '/api/register', { form: member, json: true }));
  const mail = await smtp.waitFor((m) => m.to.includes(member.email));
  const token = /verify-email\/\?token=([\w-]+)/.exec(mail.text)?.[1];
  if (!token) throw new Error('no verification link in the mail');
  const verify = await start('verify-email');
  await verify.invoke(browserRequest(SITE, '/api/verify-email', { form: { token }, json: true }));
  await confirm(member.username);
  const login = await start('login');
  const res = await login.invoke(
    browserRequest(SITE, '/api/login', {
      form: { username: member.username, password: member.password },
      json: true,
    }),
  );
  if (res.status !== 200) throw new Error(`login answered ${res.status}: ${await res.text()}`);
  return { username: member.username, password: member.password, cookie: cookieFrom(res) };
}

/** Median CPU ms over SAMPLES fresh processes from one unpacked zip, each answering `cold`. */
async function coldStart(
  launcher: FunctionLauncher,
  dir: string,
  nodeBin: string,
  env: Record<string, string>,
  cold: ColdRequest,
): Promise<{ ms: number; statuses: number[] }> {
  const samples: number[] = [];
  const statuses: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const instance = await launcher.startUnpacked(dir, nodeBin, env);
    const res = await instance.invoke(cold.request(), { ip: cold.ip ?? `192.0.2.${i + 1}` });
    await res.arrayBuffer();
    statuses.push(res.status);
    samples.push(instance.cpuMs);
    await instance.stop();
  }
  return { ms: median(samples), statuses };
}

/** A request each function answers for real; others get a GET of their first route. */
function coldRequestFor(zip: ZippedFunction, cookie: string): ColdRequest {
  if (zip.name === 'members') {
    return { request: () => browserRequest(SITE, '/members/', { cookie }), expect: 200 };
  }
  if (zip.name === 'register') {
    return {
      request: () => browserRequest(SITE, '/api/register', { form: registration(), json: true }),
      expect: 202,
    };
  }
  if (zip.name === 'login') {
    return {
      request: () =>
        browserRequest(SITE, '/api/login', {
          form: { username: loginName, password: 'correct horse battery staple' },
          json: true,
        }),
      expect: 200,
    };
  }
  const route = (zip.routes[0] ?? `/.netlify/functions/${zip.name}`).replace(/:\w+|\*/g, 'x');
  return { request: () => browserRequest(SITE, route), expect: 0 };
}

let loginName = '';

/** Figures for `npm run bench`. */
export async function run(): Promise<Record<string, string | number>> {
  await ensureBuilt({ quiet: true });
  const baseUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL;
  const launcher = createFunctionLauncher('deploy-bench-');
  const figures: Record<string, string | number> = {};
  const store = baseUrl ? await createFreshDatabase(baseUrl, 'deploy_bench') : undefined;
  const smtp = await startSmtpSink();
  try {
    const after = await makeDeployZips({
      zipDir: path.join(launcher.workDir, 'after'),
      env: store ? { DATABASE_URL: store.url } : {},
    });
    const beforeConfig = path.join(launcher.workDir, 'before', 'netlify.toml');
    mkdirSync(path.dirname(beforeConfig), { recursive: true });
    writeFileSync(beforeConfig, BEFORE_TOML);
    const before = await zipSiteFunctions({
      root,
      destDir: path.join(launcher.workDir, 'before', 'zips'),
      configPath: beforeConfig,
    });
    const kb = (bytes: number) => Math.round(bytes / 1024);
    const sum = (zips: ZippedFunction[]) => zips.reduce((n, z) => n + z.bytes, 0);
    figures['node (deploy)'] = after.node.version;
    figures['zips, all functions: KiB before → after'] =
      `${kb(sum(before))} → ${kb(sum(after.zips))}`;
    figures['largest zip: KiB before → after'] =
      `${kb(Math.max(...before.map((z) => z.bytes)))} → ${kb(Math.max(...after.zips.map((z) => z.bytes)))}`;
    const overBudget = after.zips.filter((z) => z.bytes > ZIP_BUDGET).map((z) => z.name);
    figures['zips over 1 MB after (budget: none)'] = overBudget.join(', ') || 'none';

    if (!store) {
      figures['cold starts'] = 'skipped: set BENCH_DATABASE_URL or TEST_DATABASE_URL';
      for (const zip of after.zips) {
        const old = before.find((z) => z.name === zip.name)!;
        figures[`${zip.name}: zip KiB`] = `${kb(old.bytes)} → ${kb(zip.bytes)}`;
      }
      return figures;
    }

    const env = productionEnv({
      databaseUrl: store.url,
      smtpUrl: smtp.url,
      siteUrl: SITE,
      warrantKey: 'deploy-bench-warrant-key-0123456789abcdef',
    });
    const startAfter = (name: string) =>
      launcher.start(after.zips.find((z) => z.name === name)!.zip, after.node.bin, env);
    const { spawn } = await import('node:child_process');
    const confirm = (username: string) =>
      new Promise<void>((resolve, reject) => {
        const cli = spawn(
          process.execPath,
          [
            path.join(root, 'node_modules/tsx/dist/cli.mjs'),
            'scripts/members.ts',
            'confirm',
            username,
          ],
          { cwd: root, env: { ...process.env, DATABASE_URL: store.url }, stdio: 'ignore' },
        );
        cli.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`confirm: ${code}`))));
      });
    const member = await signInMember(startAfter, smtp, confirm);
    loginName = member.username;

    const budgets: string[] = [];
    for (const zip of after.zips) {
      const old = before.find((z) => z.name === zip.name)!;
      const cold = coldRequestFor(zip, member.cookie);
      const [beforeDir, afterDir] = await Promise.all([
        launcher.unpack(old.zip),
        launcher.unpack(zip.zip),
      ]);
      const was = await coldStart(launcher, beforeDir, after.node.bin, env, cold);
      const now = await coldStart(launcher, afterDir, after.node.bin, env, cold);
      for (const status of [...was.statuses, ...now.statuses]) {
        if (cold.expect && status !== cold.expect) {
          throw new Error(`${zip.name} answered ${status} where ${cold.expect} was expected`);
        }
      }
      figures[`${zip.name}: zip KiB`] = `${kb(old.bytes)} → ${kb(zip.bytes)}`;
      figures[`${zip.name}: cold start CPU ms`] = `${Math.round(was.ms)} → ${Math.round(now.ms)}`;
      const budget = BUDGET_MS[zip.name];
      if (budget) {
        budgets.push(
          `${zip.name} ${Math.round(now.ms)}/${budget}${now.ms <= budget ? '' : ' OVER'}`,
        );
      }
    }
    figures['budgets (after, CPU ms / budget)'] = budgets.join('; ');
    return figures;
  } finally {
    await launcher.cleanUp();
    await smtp.close();
    await store?.drop();
  }
}
