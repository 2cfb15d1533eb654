/**
 * Two confirmations of one warrant number whose transactions overlap on
 * PostgreSQL (SQLite runs one write transaction at a time, so it cannot
 * interleave them): the unique key on the claim decides, and the one that
 * loses gets a clear answer, never an error. The other confirmation is held
 * open by a second connection until the first one is waiting on it.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { confirmMember } from '../../src/server/membership/decide.ts';
import { MEMBERSHIP_MESSAGES } from '../../src/server/membership/rules.ts';
import { registerMember, verifyEmail } from '../../src/server/registration.ts';
import { hmacWarrantNumber } from '../../src/server/warrant.ts';
import { importRollText, lastTokenFor, seedUser, useTestStore } from '../server/support.ts';

const ON_POSTGRES = Boolean(process.env.TEST_DATABASE_URL);

describe.runIf(ON_POSTGRES)('a confirmation racing another on postgres', () => {
  const store = useTestStore('postgres', { CONFIRM_POLICY: 'auto' });

  /** Claims `warrant` for `userId` in an open transaction; `commit` ends it once `waiters` wait. */
  async function holdClaim(userId: string, warrant: string) {
    const client = new pg.Client({ connectionString: store.config.databaseUrl });
    await client.connect();
    await client.query('begin');
    await client.query(`update users set status = 'confirmed', warrant_claim = $1 where id = $2`, [
      hmacWarrantNumber(warrant, store.config.warrantKey),
      userId,
    ]);
    return {
      /** Resolves when another session is blocked on this transaction's locks. */
      async untilWaitedOn(): Promise<void> {
        for (;;) {
          const { rows } = await client.query<{ n: number }>(
            `select count(*)::int as n from pg_stat_activity
             where wait_event_type = 'Lock' and $1 = any(pg_blocking_pids(pid))`,
            [(await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0].pid],
          );
          if (rows[0].n > 0) return;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      },
      async commit() {
        await client.query('commit');
        await client.end();
      },
    };
  }

  it('answers the staff confirmation that lost with the claimed message', async () => {
    const winner = await seedUser(store.db, {
      username: 'first',
      status: 'pending',
      warrant: '930001',
    });
    const loser = await seedUser(store.db, {
      username: 'second',
      status: 'pending',
      warrant: '930001',
    });
    const held = await holdClaim(winner, '930001');
    const confirming = confirmMember(loser, 'desk_staff');
    await held.untilWaitedOn();
    await held.commit();
    expect(await confirming).toEqual({ ok: false, message: MEMBERSHIP_MESSAGES.claimed });
    const row = await store.db
      .selectFrom('users')
      .select(['status', 'warrant_claim'])
      .where('id', '=', loser)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'pending', warrant_claim: null });
  });

  it('leaves an automatic confirmation that lost for staff, with the email verified', async () => {
    await importRollText('warrant_number,surname,status\n930002,Ng,serving\n');
    const holder = await seedUser(store.db, {
      username: 'holder',
      status: 'pending',
      warrant: '930002',
    });
    await registerMember({
      firstName: 'Li',
      surname: 'Ng',
      email: 'li.ng@example.com',
      username: 'lng',
      warrantNumber: '930002',
      password: 'lantern-otter-quartz',
    });
    const token = lastTokenFor(store.dataDir, 'li.ng@example.com', '/verify-email/');
    const held = await holdClaim(holder, '930002');
    const verifying = verifyEmail(token);
    await held.untilWaitedOn();
    await held.commit();
    expect(await verifying).toEqual({ ok: true, kind: 'registration', status: 'pending' });
    const row = await store.db
      .selectFrom('users')
      .select(['status', 'verified_at', 'warrant_claim'])
      .where('username_lower', '=', 'lng')
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('pending');
    expect(row.verified_at).not.toBeNull();
    expect(row.warrant_claim).toBeNull();
  });
});
