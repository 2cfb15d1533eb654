import { describe, expect, it } from 'vitest';
import { parseRollCsv } from '../../src/server/roll-csv.ts';
import { importRollCsv, listRollImports } from '../../src/server/roll.ts';
import { hmacWarrantNumber } from '../../src/server/warrant.ts';
import { listAudit } from '../../src/server/audit.ts';
import { ENGINES, useTestStore } from './support.ts';

describe('roll file parsing', () => {
  it('reads rows, ignoring extra columns, blank lines and a BOM', () => {
    const text =
      '\uFEFFsurname,warrant_number,status,notes\r\nSmith,123456,serving,x\r\n\r\n"O\'Neill, Jr",654321,Retired,\r\n';
    expect(parseRollCsv(text)).toEqual({
      ok: true,
      rows: [
        { line: 2, warrantNumber: '123456', surname: 'Smith', status: 'serving' },
        { line: 4, warrantNumber: '654321', surname: "O'Neill, Jr", status: 'retired' },
      ],
    });
  });

  it('names every bad line by number and says why', () => {
    const text = [
      'warrant_number,surname,status',
      '123456,Smith,serving',
      'P123456,Jones,serving',
      '12345,,serving',
      '223344,Brown,resigned',
      '123456,Smith,retired',
      '"334455,Open,serving',
    ].join('\n');
    expect(parseRollCsv(text)).toEqual({
      ok: false,
      errors: [
        'Line 3: warrant number: Enter the 6 digits only, without the P or pay prefix',
        'Line 4: warrant number: A warrant number has exactly 6 digits; you entered 5; the surname is missing',
        'Line 5: status must be serving or retired, not "resigned"',
        'Line 6: the warrant number repeats line 2',
        'Line 7: a quoted field is not closed',
      ],
    });
  });

  it('refuses a file without the required header or without rows', () => {
    expect(parseRollCsv('number,name\n1,2')).toEqual({
      ok: false,
      errors: ['Line 1: the header row must name the columns warrant_number, surname and status'],
    });
    expect(parseRollCsv('warrant_number,surname,status\n')).toMatchObject({ ok: false });
    expect(parseRollCsv('')).toMatchObject({ ok: false });
  });
});

describe.each(ENGINES)('roll import on %s', (engine) => {
  const store = useTestStore(engine);

  const roll = async () =>
    store.db.selectFrom('roll_entries').selectAll().orderBy('warrant_hmac').execute();

  it('replaces the roll, storing HMACs only, and records the import and audit entry', async () => {
    await importRollCsv('warrant_number,surname,status\n111111,Old,serving\n', 'first-staffer');
    const result = await importRollCsv(
      'warrant_number,surname,status\n123456,Smith,serving\n654321,Lee,retired\n',
      'staffer',
    );
    expect(result).toEqual({ ok: true, summary: { rows: 2, serving: 1, retired: 1 } });
    const rows = await roll();
    expect(rows).toHaveLength(2);
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
      detail: { rows: 2 },
    });
  });

  it('changes nothing when any line is bad', async () => {
    const before = await roll();
    const result = await importRollCsv(
      'warrant_number,surname,status\n222222,Good,serving\n22222,Bad,serving\n',
      'staffer',
    );
    expect(result).toEqual({
      ok: false,
      errors: ['Line 3: warrant number: A warrant number has exactly 6 digits; you entered 5'],
    });
    expect(await roll()).toEqual(before);
  });

  it('imports a large roll in one go', async () => {
    const lines = ['warrant_number,surname,status'];
    for (let i = 0; i < 5000; i++)
      lines.push(`${String(100000 + i)},Surname${i},${i % 3 ? 'serving' : 'retired'}`);
    const result = await importRollCsv(lines.join('\n'), 'staffer');
    expect(result).toMatchObject({ ok: true, summary: { rows: 5000 } });
    expect(await roll()).toHaveLength(5000);
  });
});
