import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite, reusingStatements } from '../../src/server/store/db.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function database() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'statements-'));
  dirs.push(dir);
  return openSqlite(path.join(dir, 'site.db'));
}

describe('the SQLite store’s statement reuse', () => {
  it('compiles a statement once and reuses it for the same SQL', async () => {
    const raw = await database();
    const db = reusingStatements(raw);
    const first = db.prepare('select 1 as one');
    expect(db.prepare('select 1 as one')).toBe(first);
    expect(db.prepare('select 2 as two')).not.toBe(first);
    db.close();
  });

  it('keeps at most its limit, dropping the least recently used', async () => {
    const db = reusingStatements(await database(), 2);
    const a = db.prepare('select 1');
    const b = db.prepare('select 2');
    expect(db.prepare('select 1')).toBe(a);
    db.prepare('select 3');
    expect(db.prepare('select 1')).toBe(a);
    expect(db.prepare('select 2')).not.toBe(b);
    db.close();
  });

  it('reads current rows through a reused statement, even after the schema changes', async () => {
    const raw = await database();
    const db = reusingStatements(raw);
    raw.exec('create table t (id text primary key, v text)');
    raw.prepare('insert into t values (?, ?)').run('a', 'one');
    const read = () => db.prepare('select * from t where id = ?').all(['a']);
    expect(read()).toEqual([{ id: 'a', v: 'one' }]);
    raw.prepare('delete from t where id = ?').run('a');
    expect(read()).toEqual([]);
    raw.exec('alter table t add column w text');
    raw.prepare('insert into t values (?, ?, ?)').run('a', 'two', 'x');
    expect(read()).toEqual([{ id: 'a', v: 'two', w: 'x' }]);
    db.close();
  });
});
