import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
let dataDir: string;

/** Runs `scripts/members.ts` as an operator would, with its own DATA_DIR. */
function members(
  ...args: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/members.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('members CLI', () => {
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'members-cli-'));
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('migrates a new store', async () => {
    const result = await members('migrate');
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toMatch(/Applied: 0001_initial/);
  });

  it('imports a roll and reports every bad line without changing anything', async () => {
    const good = path.join(dataDir, 'roll.csv');
    fs.writeFileSync(
      good,
      'warrant_number,surname,status\n810001,Hughes,serving\n810002,Reid,retired\n',
    );
    const ok = await members('import-roll', good);
    expect(ok).toMatchObject({
      code: 0,
      stdout:
        'Imported 2 roll entries (1 serving, 1 retired): 2 added, 0 removed, 0 changed status.\n',
    });
    const bad = path.join(dataDir, 'bad.csv');
    fs.writeFileSync(
      bad,
      'warrant_number,surname,status\n810003,Ok,serving\nP810004,Bad,serving\n810005,,gone\n',
    );
    const [refused, missing] = await Promise.all([
      members('import-roll', bad),
      members('import-roll', path.join(dataDir, 'missing.csv')),
    ]);
    expect(missing.stderr).toMatch(/No such file/);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('The roll was not changed');
    expect(refused.stderr).toContain(
      'Line 3: warrant number: Enter the 6 digits only, without the P or pay prefix',
    );
    expect(refused.stderr).toContain(
      'Line 4: the surname is missing; status must be serving or retired, not "gone"',
    );
    expect(refused.stderr).not.toContain('810004');
  });

  it('creates a staff account with a generated password printed once', async () => {
    const result = await members('create-staff', 'office@example.org', 'office.lead');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Password \(shown once, store it safely\): \S{20,}/);
    const again = await members('create-staff', 'office@example.org', 'office.two');
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists/);
  });

  it('lists, confirms and rejects members by username', async () => {
    const { openTestStoreAt } = await import('./cli-support.ts');
    await openTestStoreAt(dataDir, async (seed) => {
      await seed('casey', 'pending');
      await seed('drew', 'pending');
    });
    const pending = await members('list', '--status', 'pending');
    expect(
      pending.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\t')[0]),
    ).toEqual(['casey', 'drew']);
    const [confirmed, rejected, unknown] = await Promise.all([
      members('confirm', 'casey'),
      members('reject', 'drew', 'Not', 'on', 'the', 'roll'),
      members('confirm', 'nobody'),
    ]);
    expect(confirmed).toMatchObject({ code: 0, stdout: 'Confirmed Test Person (casey).\n' });
    expect(rejected).toMatchObject({
      code: 0,
      stdout: 'Rejected Test Person (drew); they have been emailed the reason.\n',
    });
    expect(unknown).toMatchObject({
      code: 2,
      stderr: 'There is no such account: it may have been erased.\n',
    });
    const all = await members('list');
    expect(all.stdout).toMatch(/^casey\tconfirmed/m);
    expect(all.stdout).toMatch(/^drew\trejected/m);
    expect(all.stdout).toMatch(/^office\.lead\tconfirmed/m);
  });

  it('explains usage mistakes', async () => {
    const [status, unknown, bare] = await Promise.all([
      members('list', '--status', 'odd'),
      members('frobnicate'),
      members(),
    ]);
    expect(status.stderr).toMatch(/--status must be one of/);
    expect(unknown.stderr).toMatch(/Unknown command "frobnicate"/);
    expect(bare.stdout).toMatch(/Usage: npm run members/);
  });
});

describe('members CLI on a store that was never migrated', () => {
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'members-cli-empty-'));
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('says to run the migrations instead of printing a stack trace', async () => {
    const result = await members('list');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /no migrations table .*run the migrations \(npm run members -- migrate\)/,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect((await members('migrate')).code).toBe(0);
    expect(await members('list')).toMatchObject({ code: 0, stdout: 'No accounts.\n' });
  });
});
