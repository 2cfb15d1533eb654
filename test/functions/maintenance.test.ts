import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAccount, SITE } from './support.ts';
import { readConfig, setConfig } from '../../src/server/config.ts';
import { closeDb, getDb } from '../../src/server/store/db.ts';
import { DAY } from '../../src/server/clock.ts';

const maintenance = (await import('../../functions/maintenance.ts')).default;

/** The call Netlify makes on schedule. */
const run = () =>
  maintenance(
    new Request(`${SITE}/.netlify/functions/maintenance`, {
      method: 'POST',
      body: JSON.stringify({ next_run: '2026-12-01T04:00:00.000Z' }),
    }),
  );

describe('the scheduled maintenance function', () => {
  it('removes an expired session and a stale unverified registration, and logs what it removed', async () => {
    const member = await createAccount('confirmed');
    const stale = await createAccount('unverified');
    const db = getDb();
    await db
      .updateTable('users')
      .set({ created_at: Date.now() - 31 * DAY })
      .where('id', '=', stale.id)
      .execute();
    await db
      .insertInto('sessions')
      .values({
        id: 'expired-session-id-000000000',
        user_id: member.id,
        secret_hash: 'ab',
        created_at: 1,
        expires_at: 2,
        absolute_expires_at: 3,
      })
      .execute();
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const res = await run();
    expect(res.status).toBe(200);
    const summary = await res.text();
    expect(summary).toMatch(/removed .*\b1 sessions\b/);
    expect(summary).toMatch(/\b1 unverifiedAccounts\b/);
    expect(log).toHaveBeenCalledWith(`maintenance: ${summary.trim()}`);
    log.mockRestore();
    expect(await db.selectFrom('users').select('id').where('id', '=', stale.id).execute()).toEqual(
      [],
    );
    expect(
      await db.selectFrom('users').select('id').where('id', '=', member.id).execute(),
    ).toHaveLength(1);
  });

  describe('when the store is out of reach', () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    beforeAll(async () => {
      await closeDb();
      setConfig(readConfig({ SITE_URL: SITE, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' }));
    });
    afterAll(async () => {
      await closeDb();
      setConfig(undefined);
      errors.mockRestore();
    });

    it('answers 503 and logs one line, so the next run tries again', async () => {
      expect((await run()).status).toBe(503);
      expect(errors.mock.calls.map((c) => c.join(' '))).toEqual([
        expect.stringMatching(/^maintenance: store unavailable \(unreachable\): ECONNREFUSED/),
      ]);
    });
  });
});
