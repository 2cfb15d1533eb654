/**
 * The members CLI run while another process keeps the store locked: it waits
 * out the lock timeout, then tells the operator what happened, changing nothing.
 */
import { describe, expect, it } from 'vitest';
import { openSqlite, sqliteFile } from '../../src/server/store/db.ts';
import { seedUser, useTestStore } from '../server/support.ts';
import { runMembersCliWith } from './callers.ts';

describe('the members CLI while another process holds the store’s lock', () => {
  const store = useTestStore('sqlite');

  it('says the store is busy and to try again, and leaves the registration pending', async () => {
    const id = await seedUser(store.db, { username: 'waiting_member', status: 'pending' });
    const other = await openSqlite(sqliteFile(store.dataDir), { lockTimeoutMs: 0 });
    other.exec('begin immediate');
    try {
      const answer = await runMembersCliWith(
        store,
        { DATABASE_LOCK_TIMEOUT_MS: '300' },
        'confirm',
        'waiting_member',
      );
      expect(answer.code).toBe(2);
      expect(answer.text).toMatch(
        /^The store is busy: another process kept it locked for longer than DATABASE_LOCK_TIMEOUT_MS allows\. Try again in a moment\./,
      );
    } finally {
      other.exec('rollback');
      other.close();
    }
    const row = await store.db
      .selectFrom('users')
      .select('status')
      .where('id', '=', id)
      .executeTakeFirst();
    expect(row).toEqual({ status: 'pending' });
  });
});
