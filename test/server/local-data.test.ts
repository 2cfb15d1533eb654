import { afterEach, describe, expect, it } from 'vitest';
import { prepareLocalData } from '../../src/server/local-data.ts';
import { authenticateMember } from '../../src/server/authentication.ts';
import { listMembers } from '../../src/server/membership/list.ts';
import { closeDb, getDb } from '../../src/server/store/db.ts';
import { readConfig, setConfig } from '../../src/server/config.ts';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

let dir: string | undefined;
function useFreshDataDir(env: Record<string, string> = {}) {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'members-local-'));
  setConfig(readConfig({ DATA_DIR: dir, ...env }));
}

afterEach(async () => {
  await closeDb();
  setConfig(undefined);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('local demo data', () => {
  it('seeds a roll and a confirmed member, a pending member and a staff account whose logins work', async () => {
    useFreshDataDir();
    const logins = await prepareLocalData();
    expect(logins.map((l) => l.role)).toEqual(['member', 'pending member', 'staff']);
    const statuses = Object.fromEntries(
      (await listMembers()).map((m) => [m.username, [m.role, m.status]]),
    );
    expect(statuses).toEqual({
      'demo.member': ['member', 'confirmed'],
      'demo.pending': ['member', 'pending'],
      'demo.staff': ['staff', 'confirmed'],
    });
    for (const login of logins) {
      expect((await authenticateMember(login.username, login.password)).ok).toBe(true);
    }
    const roll = await getDb().selectFrom('roll_entries').select('warrant_hmac').execute();
    expect(roll.length).toBeGreaterThanOrEqual(3);
  });

  it('leaves a store that already has accounts alone', async () => {
    useFreshDataDir();
    await prepareLocalData();
    expect(await prepareLocalData()).toEqual([]);
    expect(await listMembers()).toHaveLength(3);
  });

  it('uses random demo passwords in production', async () => {
    useFreshDataDir({ WARRANT_KEY: 'p'.repeat(40) });
    // Production proper needs PostgreSQL and SMTP; the seeding only reads the flag.
    setConfig({ ...readConfig({ DATA_DIR: dir!, WARRANT_KEY: 'p'.repeat(40) }), production: true });
    const logins = await prepareLocalData();
    expect(logins.map((l) => l.password)).not.toContain('walnut-harbour-lantern');
    expect(new Set(logins.map((l) => l.password)).size).toBe(3);
  });
});
