/**
 * Confirming roll matches in bulk: when a change fails part-way, everyone
 * already confirmed has had their email; when its time runs out, the next run
 * goes on where it stopped.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { confirmRollMatches } from '../../src/server/membership/decide.ts';
import { refreshRollFlags } from '../../src/server/roll/match.ts';
import { importRollText, readOutbox, seedUser, useTestStore } from '../server/support.ts';

describe('bulk confirmation of roll matches that stops part-way', () => {
  const store = useTestStore('sqlite');

  it('has emailed every member it confirmed before the failure', async () => {
    const start = Date.now() - 60_000;
    const surnames = ['Adams', 'Baker', 'Clarke', 'Failing', 'Evans'];
    const rows = ['warrant_number,surname,status'];
    for (const [i, surname] of surnames.entries()) {
      const warrant = String(710001 + i);
      await seedUser(store.db, {
        username: `bulk_${i}`,
        surname,
        status: 'pending',
        warrant,
        now: start + i * 1000,
      });
      rows.push(`${warrant},${surname},serving`);
    }
    await importRollText(`${rows.join('\n')}\n`);
    await refreshRollFlags(store.db);
    // The fourth confirmation fails, as a store that went away part-way would fail it.
    await sql`create trigger fail_fourth before update of status on users
      when new.surname = 'Failing' and new.status = 'confirmed'
      begin select raise(abort, 'the store went away'); end`.execute(store.db);
    try {
      await expect(confirmRollMatches('test_staff')).rejects.toThrow('the store went away');
    } finally {
      await sql`drop trigger fail_fourth`.execute(store.db);
    }
    const statuses = await store.db
      .selectFrom('users')
      .select(['email', 'status'])
      .where('username', 'like', 'bulk_%')
      .orderBy('username')
      .execute();
    expect(statuses.map((u) => u.status)).toEqual([
      'confirmed',
      'confirmed',
      'confirmed',
      'pending',
      'pending',
    ]);
    const mailed = readOutbox(store.dataDir).map((m) => m.to);
    for (const { email } of statuses.slice(0, 3)) expect(mailed).toContain(email);
    for (const { email } of statuses.slice(3)) expect(mailed).not.toContain(email);
  });

  it('stops starting confirmations when its time runs out, and the next run goes on from there', async () => {
    const rows = ['warrant_number,surname,status'];
    for (let i = 0; i < 5; i++) {
      const warrant = String(720001 + i);
      await seedUser(store.db, {
        username: `budget_${i}`,
        surname: 'Budget',
        status: 'pending',
        warrant,
      });
      rows.push(`${warrant},Budget,serving`);
    }
    await importRollText(`${rows.join('\n')}\n`);
    await refreshRollFlags(store.db);
    // A clock that moves one millisecond each time it is read: two confirmations fit in three.
    let ms = 0;
    const first = await confirmRollMatches('test_staff', { budgetMs: 3, elapsed: () => ms++ });
    expect(first).toMatchObject({ confirmed: 2, skipped: 0, remaining: 3 });
    expect(first.message).toMatch(
      /^Confirmed 2 roll-matched registrations\. 3 more are still waiting: confirm again/,
    );
    const mailed = () => readOutbox(store.dataDir).filter((m) => m.to.startsWith('budget_'));
    expect(mailed()).toHaveLength(2);
    const second = await confirmRollMatches('test_staff');
    expect(second).toMatchObject({ confirmed: 3, skipped: 0, remaining: 0 });
    expect(second.message).toBe('Confirmed 3 roll-matched registrations.');
    expect(mailed()).toHaveLength(5);
  });
});
