import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { listAudit } from '../../src/server/audit.ts';
import { readRollFile, readRollText } from '../../src/server/roll/read.ts';
import {
  importRoll,
  listRollImports,
  ROLL_REPLACEMENT_REFUSALS,
} from '../../src/server/roll/replace.ts';
import { hmacWarrantNumber } from '../../src/server/warrant.ts';
import { ROLL_FILE_CASES } from '../support/roll-files.ts';
import { ENGINES, importRollText, seedUser, useTestStore } from './support.ts';

describe('reading a roll file', () => {
  it.each(ROLL_FILE_CASES)('answers exactly for $name', async ({ bytes, expected }) => {
    const result = await readRollFile(bytes);
    if ('errors' in expected) expect(result).toEqual({ ok: false, errors: expected.errors });
    else {
      expect(result.ok).toBe(true);
      if (result.ok) expect(result.rows.map((r) => r.surname)).toEqual(expected.surnames);
    }
  });

  it('keeps line numbers of the file, counting skipped empty rows and quoted line breaks', async () => {
    const result = await readRollText(
      'warrant_number,surname,status\r\n\r\n,,\r\n"123456","Smith",serving\r\n654321,Lee,retired\r\n',
    );
    expect(result).toEqual({
      ok: true,
      rows: [
        { line: 4, warrantNumber: '123456', surname: 'Smith', status: 'serving' },
        { line: 5, warrantNumber: '654321', surname: 'Lee', status: 'retired' },
      ],
    });
  });

  it('lists at most 100 bad lines and counts the rest', async () => {
    const lines = ['warrant_number,surname,status'];
    for (let i = 0; i < 150; i++) lines.push(`${200000 + i},Name${i},gone`);
    const result = await readRollText(lines.join('\n'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toHaveLength(101);
    expect(result.errors.at(-1)).toBe(
      '…and 50 more lines with problems: fix the lines above and import again to see them.',
    );
  });
});

describe.each(ENGINES)('roll import on %s', (engine) => {
  const store = useTestStore(engine);

  const roll = async () =>
    store.db.selectFrom('roll_entries').selectAll().orderBy('warrant_hmac').execute();

  it('replaces the roll, storing HMACs only, and records the import and audit entry', async () => {
    await importRollText('warrant_number,surname,status\n111111,Old,serving\n', 'first-staffer');
    const result = await importRollText(
      'warrant_number,surname,status\n123456,Smith,serving\n654321,Lee,retired\n',
      'staffer',
    );
    expect(result.preview).toMatchObject({ rows: 2, serving: 1, retired: 1, added: 2, removed: 1 });
    const rows = await roll();
    expect(rows.map((r) => r.warrant_hmac).sort()).toEqual(
      ['123456', '654321'].map((d) => hmacWarrantNumber(d, store.config.warrantKey)).sort(),
    );
    expect(JSON.stringify(rows)).not.toMatch(/123456|654321/);
    expect((await listRollImports())[0]).toMatchObject({
      actor: 'staffer',
      row_count: 2,
      serving_count: 1,
      retired_count: 1,
    });
    expect((await listAudit())[0]).toMatchObject({
      actor: 'staffer',
      action: 'roll.import',
      detail: { rows: 2, added: 2, removed: 1, lapsed: 0 },
    });
  });

  it('stores surnames in the one comparison form', async () => {
    await importRollText('warrant_number,surname,status\n123456,Østergård,serving\n', 'staffer');
    expect((await roll())[0]?.surname_norm).toBe('ostergard');
  });

  it('records a confirmed member who left the roll as lapsed', async () => {
    await importRollText('warrant_number,surname,status\n700001,Hale,serving\n', 'staffer');
    const id = await seedUser(store.db, {
      username: 'hale',
      surname: 'Hale',
      status: 'confirmed',
      warrant: '700001',
    });
    const read = await readRollText('warrant_number,surname,status\n700002,Other,serving\n');
    if (!read.ok) throw new Error('fixture');
    const result = await importRoll(read.rows, 'staffer');
    expect(result.lapsed).toEqual([{ userId: id, name: 'Test Hale', username: 'hale' }]);
    const lapse = await store.db
      .selectFrom('roll_lapses')
      .selectAll()
      .where('user_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(lapse).toMatchObject({ import_id: result.importId, decided_at: null });
  });

  it('imports a large roll in one go', async () => {
    const lines = ['warrant_number,surname,status'];
    for (let i = 0; i < 5000; i++)
      lines.push(`${String(100000 + i)},Surname${i},${i % 3 ? 'serving' : 'retired'}`);
    const result = await importRollText(lines.join('\n'), 'staffer');
    expect(result.preview.rows).toBe(5000);
    expect(await roll()).toHaveLength(5000);
  });

  it('leaves one whole roll, never a mix, when two imports run at once', async () => {
    const rollFrom = (first: number, rows: number) =>
      ['warrant_number,surname,status']
        .concat(Array.from({ length: rows }, (_, i) => `${first + i},Name${i},serving`))
        .join('\n');
    const files = [rollFrom(400000, 3000), rollFrom(500000, 2000)];
    const outcomes = await Promise.allSettled(
      files.map((text, i) => importRollText(text, `staffer${i}`)),
    );
    // One lands; the other lands after it, or is refused for comparing with the roll it replaced.
    expect(outcomes.some((o) => o.status === 'fulfilled')).toBe(true);
    for (const o of outcomes)
      if (o.status === 'rejected')
        expect(String(o.reason)).toContain(ROLL_REPLACEMENT_REFUSALS.changed);
    const hmacsOf = (text: string) =>
      text
        .split('\n')
        .slice(1)
        .map((line) => hmacWarrantNumber(line.split(',')[0], store.config.warrantKey))
        .sort();
    const stored = (await roll()).map((r) => r.warrant_hmac);
    expect(files.map(hmacsOf)).toContainEqual(stored);
  });
});

describe.runIf(ENGINES.includes('postgres'))('a roll import kept waiting on postgres', () => {
  const store = useTestStore('postgres', { DATABASE_LOCK_TIMEOUT_MS: '300' });

  it('is refused as busy, in words, once the lock timeout passes, changing nothing', async () => {
    await importRollText('warrant_number,surname,status\n111111,Old,serving\n');
    // Another replacement holds the roll, as one taking long to apply would.
    const holder = new pg.Client({ connectionString: store.config.databaseUrl });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('lock table roll_entries in exclusive mode');
      await expect(
        importRollText('warrant_number,surname,status\n222222,New,serving\n'),
      ).rejects.toThrow(ROLL_REPLACEMENT_REFUSALS.busy);
    } finally {
      await holder.query('rollback');
      await holder.end();
    }
    const rows = await store.db.selectFrom('roll_entries').select('warrant_hmac').execute();
    expect(rows.map((r) => r.warrant_hmac)).toEqual([
      hmacWarrantNumber('111111', store.config.warrantKey),
    ]);
  });
});
