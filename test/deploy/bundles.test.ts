/**
 * The site as Netlify deploys it: the build command's deploy step and
 * @netlify/zip-it-and-ship-it run from netlify.toml, each zip unpacked into a
 * read-only folder with nothing around it and run under the deploy's Node
 * (netlify.toml NODE_VERSION, from the npm registry) against PostgreSQL, with
 * mail delivered over SMTP to a sink this test runs.
 */
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { listFunctions } from '@netlify/zip-it-and-ship-it';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATION_LOCK_KEY, migrateWithLock } from '../../scripts/lib/deploy-migrations.ts';
import type { DeployZips } from '../../scripts/lib/deploy-rig.ts';
import { DEPLOY_STEP, NETLIFY_BUILD_SCRIPT, runDeployStep } from '../../scripts/lib/deploy-rig.ts';
import type { FunctionInstance } from '../../scripts/lib/bundle-host.ts';
import { startSmtpSink, type SmtpSink } from '../../scripts/lib/smtp-sink.ts';
import {
  BASE_URL,
  SITE,
  browserRequest,
  cookieFrom,
  createFreshDatabase,
  makeDeploy,
  productionEnv,
  startDeployedFunction,
  launcher,
  type FreshDatabase,
} from './support/deploy.ts';

const root = path.resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

/** Every file in a folder, relative to it. */
function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory()
      ? filesUnder(full, `${prefix}${name}/`)
      : [`${prefix}${name}`];
  });
}

/** Files Netlify adds to every zip: entry point, bootstrap, telemetry loader, metadata. */
const NETLIFY_FILE = /^___netlify-[\w-]+\.(mjs|json)$/;

describe.skipIf(!BASE_URL)('the deploy bundles', () => {
  let store: FreshDatabase;
  let deploy: DeployZips;
  let smtp: SmtpSink;
  let unpacked: Map<string, string[]>;

  beforeAll(async () => {
    store = await createFreshDatabase('deploy_site');
    smtp = await startSmtpSink();
    deploy = await makeDeploy(store.url);
    // What each zip holds, read by unzipping it the way the platform does.
    const { unpackReadOnly } = await import('../../scripts/lib/bundle-host.ts');
    unpacked = new Map();
    for (const zip of deploy.zips) {
      const dir = path.join(launcher.workDir, 'contents', zip.name);
      await unpackReadOnly(zip.zip, dir);
      unpacked.set(zip.name, filesUnder(dir));
    }
  });

  afterAll(async () => {
    await launcher.cleanUp();
    await smtp?.close();
    await store?.drop();
  });

  describe('what netlify.toml makes', () => {
    it("runs the deploy step from netlify.toml's build command", () => {
      const scripts = (
        JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
          scripts: Record<string, string>;
        }
      ).scripts;
      expect(deploy.settings.buildCommand).toBe(`npm run ${NETLIFY_BUILD_SCRIPT}`);
      expect(scripts[NETLIFY_BUILD_SCRIPT]).toBe(`astro build && ${DEPLOY_STEP}`);
    });

    it('deploys every function on the Node major the build uses, which is the one run here', () => {
      const major = deploy.settings.environment.NODE_VERSION;
      expect(deploy.node.version).toMatch(new RegExp(`^v${major}\\.`));
      const functions = readdirSync(path.join(root, 'functions')).filter((f) => f.endsWith('.ts'));
      expect(deploy.zips.map((z) => `${z.name}.ts`).sort()).toEqual(functions.sort());
      for (const zip of deploy.zips) expect(zip.runtime, zip.name).toBe(`nodejs${major}.x`);
    });

    it('ships each function as one module plus only the files and native code it uses, under 1 MB', () => {
      const withArgon2: string[] = [];
      for (const zip of deploy.zips) {
        const files = unpacked.get(zip.name)!;
        const own = files.filter((f) => !NETLIFY_FILE.test(f));
        const modules = own.filter((f) => /\.(c|m)?js$/.test(f) && !f.startsWith('node_modules/'));
        expect(modules, zip.name).toEqual([`.netlify/functions-bundled/${zip.name}.mjs`]);
        const packages = new Set(
          own
            .filter((f) => f.startsWith('node_modules/'))
            .map((f) => f.split('/').slice(1, 3).join('/')),
        );
        expect(
          [...packages].every((p) => p.startsWith('@node-rs/argon2')),
          zip.name,
        ).toBe(true);
        if (packages.size > 0) withArgon2.push(zip.name);
        expect(
          files.filter((f) => /better.sqlite3/.test(f)),
          zip.name,
        ).toEqual([]);
        expect(zip.bytes, `${zip.name}.zip is ${zip.bytes} bytes`).toBeLessThanOrEqual(1_000_000);
      }
      // argon2's native code goes exactly where a bundle imports it (netlify.toml lists them).
      const bundleText = (name: string) =>
        readFileSync(
          path.join(launcher.workDir, 'contents', name, `.netlify/functions-bundled/${name}.mjs`),
          'utf8',
        );
      const importers = deploy.zips
        .filter((zip) => /from\s*["']@node-rs\/argon2["']/.test(bundleText(zip.name)))
        .map((zip) => zip.name);
      expect(withArgon2.sort()).toEqual(importers.sort());
      expect(importers).toEqual(expect.arrayContaining(['login', 'register', 'password-reset']));
      expect(importers).not.toContain('members');
      for (const name of withArgon2) {
        expect(unpacked.get(name)).toContain(
          'node_modules/@node-rs/argon2-linux-x64-gnu/argon2.linux-x64-gnu.node',
        );
      }
      // The common-password list goes exactly to the bundles that read it.
      const readers = deploy.zips
        .filter((zip) => bundleText(zip.name).includes('data/common-passwords.txt'))
        .map((zip) => zip.name);
      const withList = deploy.zips
        .filter((zip) => unpacked.get(zip.name)!.includes('data/common-passwords.txt'))
        .map((zip) => zip.name);
      expect(withList.sort()).toEqual(readers.sort());
      expect(readers).toEqual(expect.arrayContaining(['register', 'password-reset']));
      // The console's shell goes to every bundle that draws a console page.
      const shellReaders = deploy.zips
        .filter((zip) => /["']staff\/index\.html["']/.test(bundleText(zip.name)))
        .map((zip) => zip.name);
      expect(shellReaders).toEqual(expect.arrayContaining(['staff-roll', 'staff-reauth']));
      for (const name of shellReaders)
        expect(unpacked.get(name), name).toContain('sealed/staff/index.html');
      // The sealed pages go only to the members gate; form shells to the form functions.
      expect(unpacked.get('members')).toContain('sealed/members/index.html');
      expect(unpacked.get('register')).toContain('sealed/_forms/register.html');
      expect(unpacked.get('register')!.filter((f) => f.startsWith('sealed/members/'))).toEqual([]);
      expect(unpacked.get('account-password')).toContain('sealed/members/account/index.html');
    });

    it('keeps every route, method and schedule Netlify reads from the sources', async () => {
      const read = async (dir: string) =>
        Object.fromEntries(
          (await listFunctions(dir, { parseISC: true })).map((f) => [
            f.name,
            { routes: f.routes, excluded: f.excludedRoutes, schedule: f.schedule },
          ]),
        );
      const fromSources = await read(path.join(root, 'functions'));
      expect(await read(deploy.settings.functionsDirectory)).toEqual(fromSources);
      expect(fromSources.maintenance?.schedule).toBeTruthy();
      for (const zip of deploy.zips) {
        expect(zip.routes, zip.name).toEqual(
          (fromSources[zip.name].routes ?? []).map((r) => r.pattern),
        );
        expect(zip.schedule, zip.name).toBe(fromSources[zip.name].schedule);
      }
    });

    it('migrated the new database during the deploy step, before any function ran', async () => {
      expect(deploy.stepOutput).toMatch(/Migrated the store: 0001_initial/);
      const { rows } = await store.query<{ name: string }>('select name from kysely_migration');
      expect(rows.length).toBeGreaterThan(0);
    });
  });

  describe('a member joining, on the deployed functions', () => {
    let env: Record<string, string>;
    let members: FunctionInstance;
    let cookie: string;
    const member = {
      firstName: 'Alex',
      surname: 'Morgan',
      email: 'alex.morgan@example.org',
      username: 'alex_morgan',
      warrantNumber: '246810',
      password: 'correct horse battery staple',
    };

    beforeAll(() => {
      env = productionEnv(store.url, smtp.url);
    });

    it('registers, verifies by the emailed link, is confirmed, logs in and reads a sealed page', async () => {
      const register = await startDeployedFunction(deploy, 'register', env);
      // The password rules read the common-password list shipped beside the bundle.
      const common = await register.invoke(
        browserRequest('/api/register', {
          form: { ...member, password: '1qaz2wsx3edc' },
          json: true,
        }),
      );
      expect(common.status).toBe(422);
      expect(((await common.json()) as { errors: Record<string, string> }).errors.password).toMatch(
        /most common passwords/,
      );
      const registered = await register.invoke(
        browserRequest('/api/register', { form: member, json: true }),
      );
      expect(registered.status, await registered.clone().text()).toBe(202);

      const mail = await smtp.waitFor((m) => m.to.includes(member.email));
      const token = new RegExp(`${SITE}/verify-email/\\?token=([\\w-]+)`).exec(mail.text)?.[1];
      expect(token, mail.text).toBeTruthy();

      const verify = await startDeployedFunction(deploy, 'verify-email', env);
      const verified = await verify.invoke(
        browserRequest('/api/verify-email', { form: { token: token! }, json: true }),
      );
      expect(verified.status, await verified.clone().text()).toBe(200);

      // Staff confirm the member with the operator CLI, against the same database.
      const cli = await run(
        process.execPath,
        [
          path.join(root, 'node_modules/tsx/dist/cli.mjs'),
          'scripts/members.ts',
          'confirm',
          member.username,
        ],
        { cwd: root, env: { ...process.env, DATABASE_URL: store.url, NODE_ENV: '' } },
      );
      expect(cli.stdout).toMatch(/confirm/i);

      const login = await startDeployedFunction(deploy, 'login', env);
      const loggedIn = await login.invoke(
        browserRequest('/api/login', {
          form: { username: member.username, password: member.password },
          json: true,
        }),
      );
      expect(loggedIn.status, await loggedIn.clone().text()).toBe(200);
      cookie = cookieFrom(loggedIn);
      expect(cookie).toMatch(/session=/);

      members = await startDeployedFunction(deploy, 'members', env);
      const page = await members.invoke(browserRequest('/members/', { cookie }));
      expect(page.status).toBe(200);
      const sealed = readFileSync(path.join(root, 'sealed/members/index.html'), 'utf8');
      const title = /<title>([^<]*)<\/title>/.exec(sealed)![1];
      expect(await page.text()).toContain(`<title>${title}</title>`);
    });

    it('keeps answering, warm, after PostgreSQL ends its connections', async () => {
      expect(members, 'the journey above signed a member in').toBeDefined();
      const { rows } = await store.query<{ ended: boolean }>(
        `select pg_terminate_backend(pid) as ended from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid()`,
      );
      expect(rows.length, 'the warm function held a connection').toBeGreaterThan(0);
      // The server's goodbye reaches the idle client at once; give it a moment to land.
      await new Promise((r) => setTimeout(r, 300));
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 3 && statuses.at(-1) !== 200; attempt++) {
        const res = await members.invoke(browserRequest('/members/', { cookie }));
        statuses.push(res.status);
      }
      expect(members.exited, members.output()).toBe(false);
      expect(statuses.at(-1), `answers after the cut: ${statuses.join(', ')}`).toBe(200);
      expect(statuses.filter((s) => s !== 200 && s !== 503)).toEqual([]);
    });

    it('answers 503 with Retry-After, within its timeout, while a table it needs is locked', async () => {
      expect(cookie, 'the journey above signed a member in').toBeDefined();
      const members = await startDeployedFunction(deploy, 'members', env);
      expect((await members.invoke(browserRequest('/members/', { cookie }))).status).toBe(200);
      const locker = new pg.Client({ connectionString: store.url });
      await locker.connect();
      await locker.query('begin');
      await locker.query('lock table sessions in access exclusive mode');
      // Released after 20 s whatever happens, so a function without a timeout fails the
      // assertion below (a 200 after the wait) instead of hanging the run.
      const release = setTimeout(() => void locker.query('rollback'), 20_000);
      try {
        const res = await members.invoke(browserRequest('/members/', { cookie }));
        const lockStillHeld = await store.query<{ n: number }>(
          `select count(*)::int as n from pg_locks where locktype = 'relation' and mode = 'AccessExclusiveLock' and granted`,
        );
        expect(lockStillHeld.rows[0].n, 'answered while the lock was held').toBeGreaterThan(0);
        expect(res.status).toBe(503);
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      } finally {
        clearTimeout(release);
        await locker.query('rollback').catch(() => {});
        await locker.end();
      }
      expect(members.exited).toBe(false);
    });
  });

  describe('a function set up wrongly', () => {
    const refusals = [
      ['DATABASE_URL', {}],
      ['WARRANT_KEY', {}],
      ['TOTP_KEY', {}],
      ['SMTP_URL', {}],
      ['SITE_URL', { URL: '' }],
    ] as const;

    it.each(refusals)(
      'refuses to register anyone without %s, saying which variable to set, and sends nothing',
      async (variable, extra) => {
        const env: Record<string, string> = { ...productionEnv(store.url, smtp.url), ...extra };
        delete env[variable];
        for (const [name, value] of Object.entries(env)) if (value === '') delete env[name];
        const register = await startDeployedFunction(deploy, 'register', env);
        const email = `nobody.${variable.toLowerCase()}@example.org`;
        const res = await register.invoke(
          browserRequest('/api/register', {
            form: {
              firstName: 'Sam',
              surname: 'Jones',
              email,
              username: `sam_${variable.toLowerCase()}`,
              warrantNumber: '135790',
              password: 'correct horse battery staple',
            },
            json: true,
          }),
          { ip: `198.51.100.${refusals.findIndex(([v]) => v === variable) + 1}` },
        );
        expect(res.status, await res.clone().text()).toBeGreaterThanOrEqual(500);
        expect(register.output()).toContain(variable);
        expect(smtp.messages.some((m) => m.to.includes(email))).toBe(false);
      },
    );

    it('answers 503 and says why when the database was never migrated', async () => {
      const empty = await createFreshDatabase('deploy_empty');
      try {
        const login = await startDeployedFunction(
          deploy,
          'login',
          productionEnv(empty.url, smtp.url),
        );
        const res = await login.invoke(
          browserRequest('/api/login', {
            form: { username: 'someone', password: 'correct horse battery staple' },
            json: true,
          }),
          { ip: '198.51.100.99' },
        );
        expect(res.status, await res.clone().text()).toBe(503);
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(login.output()).toMatch(/migrat/i);
        await login.stop();
      } finally {
        await empty.drop();
      }
    });
  });

  describe('migrations on deploy', () => {
    it('fail a production deploy whose build has no DATABASE_URL, saying which scopes to give it', async () => {
      await expect(
        runDeployStep(deploy.node, deploy.settings, { CONTEXT: 'production', DATABASE_URL: '' }),
      ).rejects.toThrow(/DATABASE_URL is not set for builds.*"Builds" and "Functions" scopes/);
    });

    it('wait for a deploy that is already migrating, then find nothing left to do', async () => {
      const fresh = await createFreshDatabase('deploy_lock');
      const holder = new pg.Client({ connectionString: fresh.url });
      await holder.connect();
      try {
        // Another deploy holds the migration lock.
        await holder.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY.toString()]);
        const first = migrateWithLock(fresh.url);
        const second = migrateWithLock(fresh.url);
        // Both are seen waiting on the advisory lock, and nothing is migrated meanwhile.
        for (;;) {
          const { rows } = await fresh.query<{ n: number }>(
            `select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted`,
          );
          if (rows[0].n === 2) break;
          await new Promise((r) => setTimeout(r, 50));
        }
        const tables = await fresh.query(
          `select 1 from information_schema.tables where table_name = 'users'`,
        );
        expect(tables.rowCount).toBe(0);
        await holder.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY.toString()]);
        const applied = await Promise.all([first, second]);
        // One applied every migration, the other none, and the store is whole.
        expect(applied.map((a) => a.length).sort()).toEqual([0, applied.flat().length]);
        const { rows } = await fresh.query<{ name: string }>('select name from kysely_migration');
        expect(rows.map((r) => r.name).sort()).toEqual([...applied.flat()].sort());
      } finally {
        await holder.end();
        await fresh.drop();
      }
    });
  });
});
