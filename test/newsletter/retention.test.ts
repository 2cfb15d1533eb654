import { describe, expect, it } from 'vitest';
import { ENGINES, useTestStore } from '../server/support.ts';
import { seedSubscribers } from './support.ts';
import { DAY, HOUR } from '../../src/server/clock.ts';
import { purgeExpiredData } from '../../src/server/maintenance.ts';

for (const engine of ENGINES) {
  describe(`newsletter data the hourly clean-up removes (${engine})`, () => {
    const store = useTestStore(engine);

    it('deletes used or expired confirmation links and subscriptions never confirmed after 30 days', async () => {
      const { db, config } = store;
      const NOW = Date.now();
      const [oldPending, newPending] = await seedSubscribers(db, config, 2, {
        prefix: 'pending',
        status: 'pending',
      });
      const [oldSubscribed] = await seedSubscribers(db, config, 1, { prefix: 'kept' });
      await db
        .updateTable('newsletter_subscribers')
        .set({ created_at: NOW - 30 * DAY })
        .where('email_lower', 'in', [oldPending, oldSubscribed])
        .execute();
      const idOf = async (email: string) =>
        (
          await db
            .selectFrom('newsletter_subscribers')
            .select('id')
            .where('email_lower', '=', email)
            .executeTakeFirstOrThrow()
        ).id;
      const fresh = await idOf(newPending);
      const token = (hash: string, expires: number, used: number | null) => ({
        token_hash: hash,
        subscriber_id: fresh,
        created_at: NOW - HOUR,
        expires_at: expires,
        used_at: used,
      });
      await db
        .insertInto('newsletter_tokens')
        .values([
          token('used', NOW + DAY, NOW - HOUR),
          token('expired', NOW, null),
          token('live', NOW + DAY, null),
        ])
        .execute();
      const removed = await purgeExpiredData(db, { now: NOW, unverifiedRetentionDays: 30 });
      expect(removed).toMatchObject({ newsletterTokens: 2, unconfirmedSubscribers: 1 });
      const left = await db.selectFrom('newsletter_subscribers').select('email_lower').execute();
      expect(left.map((r) => r.email_lower).sort()).toEqual([oldSubscribed, newPending].sort());
      const tokens = await db.selectFrom('newsletter_tokens').select('token_hash').execute();
      expect(tokens.map((t) => t.token_hash)).toEqual(['live']);
    });
  });
}
