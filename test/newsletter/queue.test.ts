import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ENGINES, useTestStore } from '../server/support.ts';
import { seedSubscribers, sampleArticle } from './support.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';
import { queueArticle, listSends } from '../../src/server/newsletter/queue.ts';
import { queueNewsletterArticles } from '../../src/server/newsletter/deploy.ts';
import { drainNewsletterQueue, MAX_ATTEMPTS } from '../../src/server/newsletter/worker.ts';
import type { NewsletterMessage } from '../../src/server/newsletter/message.ts';
import { ARTICLE_INDEX_FILE, articleBodyFile } from '../../src/server/newsletter/articles.ts';
import { MINUTE } from '../../src/server/clock.ts';

async function clearNewsletter(db: import('../../src/server/store/db.ts').Db) {
  await db.deleteFrom('newsletter_deliveries').execute();
  await db.deleteFrom('newsletter_sends').execute();
  await db.deleteFrom('newsletter_articles').execute();
  await db.deleteFrom('newsletter_subscribers').execute();
  await db.deleteFrom('rate_limits').execute();
}

/** A build's sealed/ folder holding the newsletter index and bodies. */
function writeBuild(articles: ReturnType<typeof sampleArticle>[]): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'newsletter-build-'));
  const index = articles.map(({ bodyHtml: _body, ...listing }) => listing);
  mkdirSync(path.join(root, 'members', 'newsletter-articles'), { recursive: true });
  writeFileSync(path.join(root, ARTICLE_INDEX_FILE), JSON.stringify({ articles: index }));
  for (const a of articles)
    writeFileSync(
      path.join(root, articleBodyFile(a.slug)),
      JSON.stringify({ bodyHtml: a.bodyHtml }),
    );
  return root;
}

for (const engine of ENGINES) {
  describe(`newsletter queue (${engine})`, () => {
    const store = useTestStore(engine);
    beforeEach(() => clearNewsletter(store.db));

    it('has two workers draining 10,000 recipients at once send each exactly one message', async () => {
      const addresses = await seedSubscribers(store.db, store.config, 10_000);
      const queued = await queueArticle(sampleArticle(), { source: 'cli', actor: 'test' });
      expect(queued).toMatchObject({ queued: true, recipients: 10_000 });
      const received = new Map<string, number>();
      const deliver = async (message: NewsletterMessage) => {
        received.set(message.to, (received.get(message.to) ?? 0) + 1);
        await new Promise((resolve) => setImmediate(resolve));
      };
      const worker = () =>
        drainNewsletterQueue({ deliver, rate: null, batchSize: 250, concurrency: 8 });
      const [a, b] = await Promise.all([worker(), worker()]);
      expect(a.sent + b.sent).toBe(10_000);
      expect(a.sent).toBeGreaterThan(0);
      expect(b.sent).toBeGreaterThan(0);
      expect(received.size).toBe(10_000);
      expect([...received.values()].every((n) => n === 1)).toBe(true);
      expect(addresses.every((address) => received.has(address))).toBe(true);
      const [send] = await listSends();
      expect(send).toMatchObject({ status: 'sent', sent: 10_000, queued: 0, recipients: 10_000 });
      // A later run finds nothing to send.
      expect(await worker()).toMatchObject({ sent: 0, remaining: 0 });
    });

    it('queues an article once however many deploys succeed, and never a draft', async () => {
      await seedSubscribers(store.db, store.config, 3);
      const root = writeBuild([
        sampleArticle({ slug: 'ticked' }),
        sampleArticle({ slug: 'not-ticked', newsletter: false }),
      ]);
      const runs = await Promise.all(
        Array.from({ length: 5 }, () => queueNewsletterArticles({ root })),
      );
      expect(runs.flatMap((r) => r.queued.map((q) => q.slug))).toEqual(['ticked']);
      expect(runs.flatMap((r) => r.alreadyQueued)).toEqual([
        'ticked',
        'ticked',
        'ticked',
        'ticked',
      ]);
      // A rebuild after an edit (new title, still ticked) sends nothing new.
      const edited = writeBuild([sampleArticle({ slug: 'ticked', title: 'Edited title' })]);
      expect(await queueNewsletterArticles({ root: edited })).toEqual({
        queued: [],
        alreadyQueued: ['ticked'],
      });
      const sends = await listSends();
      expect(sends).toHaveLength(1);
      expect(sends[0]).toMatchObject({ slug: 'ticked', recipients: 3 });
    });

    describe('over SMTP', () => {
      let sink: SmtpSink;
      const failures = new Map<string, string[]>();
      beforeAll(async () => {
        sink = await startSmtpSink({ reply: (address) => failures.get(address)?.shift() ?? null });
      });
      afterAll(() => sink.close());

      it('retries a temporary failure with back-off and then sends it once', async () => {
        const [ok, flaky] = await seedSubscribers(store.db, store.config, 2, { prefix: 'temp' });
        failures.set(flaky, ['451 4.3.0 Mailbox busy, try later']);
        await queueArticle(sampleArticle({ slug: 'retry' }), { source: 'cli', actor: 'test' });
        const config = { ...store.config, smtpUrl: sink.url };
        let now = Date.now();
        const first = await drainNewsletterQueue({ config, rate: null, now: () => now });
        expect(first).toMatchObject({ sent: 1, retried: 1, remaining: 1 });
        expect(sink.countFor(ok)).toBe(1);
        expect(sink.countFor(flaky)).toBe(0);
        // Not yet due: the back-off holds it.
        expect(await drainNewsletterQueue({ config, rate: null, now: () => now })).toMatchObject({
          sent: 0,
          remaining: 1,
        });
        now += 2 * MINUTE;
        expect(await drainNewsletterQueue({ config, rate: null, now: () => now })).toMatchObject({
          sent: 1,
          remaining: 0,
        });
        expect(sink.countFor(flaky)).toBe(1);
        expect(sink.countFor(ok)).toBe(1);
        const [send] = await listSends();
        expect(send).toMatchObject({ status: 'sent', sent: 2, failed: 0 });
      });

      it(`gives up as failed after ${MAX_ATTEMPTS} temporary failures`, async () => {
        const [address] = await seedSubscribers(store.db, store.config, 1, { prefix: 'down' });
        failures.set(address, Array<string>(MAX_ATTEMPTS).fill('421 4.4.2 Try again later'));
        await queueArticle(sampleArticle({ slug: 'gives-up' }), { source: 'cli', actor: 'test' });
        const config = { ...store.config, smtpUrl: sink.url };
        let now = Date.now();
        for (let i = 0; i < MAX_ATTEMPTS; i += 1) {
          await drainNewsletterQueue({ config, rate: null, now: () => now });
          now += 60 * MINUTE;
        }
        const [send] = await listSends();
        expect(send).toMatchObject({ status: 'sent', sent: 0, failed: 1 });
        expect(sink.countFor(address)).toBe(0);
      });

      it('marks an address bounced on a permanent failure and sends it nothing more', async () => {
        const [gone, fine] = await seedSubscribers(store.db, store.config, 2, { prefix: 'perm' });
        failures.set(gone, ['550 5.1.1 No such user']);
        await queueArticle(sampleArticle({ slug: 'first' }), { source: 'cli', actor: 'test' });
        const config = { ...store.config, smtpUrl: sink.url };
        const report = await drainNewsletterQueue({ config, rate: null });
        expect(report).toMatchObject({ sent: 1, bounced: 1, retried: 0, remaining: 0 });
        const row = await store.db
          .selectFrom('newsletter_subscribers')
          .select(['status', 'bounced_at'])
          .where('email_lower', '=', gone)
          .executeTakeFirstOrThrow();
        expect(row.status).toBe('bounced');
        expect(row.bounced_at).not.toBeNull();
        await queueArticle(sampleArticle({ slug: 'second' }), { source: 'cli', actor: 'test' });
        await drainNewsletterQueue({ config, rate: null });
        expect(sink.countFor(gone)).toBe(0);
        expect(sink.countFor(fine)).toBe(2);
        const [second, first] = await listSends();
        expect(first).toMatchObject({ bounced: 1, sent: 1 });
        expect(second).toMatchObject({ recipients: 1, sent: 1 });
      });

      it('retries when the mail server cannot be reached', async () => {
        const [address] = await seedSubscribers(store.db, store.config, 1, { prefix: 'conn' });
        await queueArticle(sampleArticle({ slug: 'offline' }), { source: 'cli', actor: 'test' });
        const closed = await startSmtpSink();
        await closed.close();
        let now = Date.now();
        const offline = { ...store.config, smtpUrl: closed.url };
        expect(
          await drainNewsletterQueue({ config: offline, rate: null, now: () => now }),
        ).toMatchObject({ sent: 0, retried: 1, remaining: 1 });
        now += 2 * MINUTE;
        const online = { ...store.config, smtpUrl: sink.url };
        expect(
          await drainNewsletterQueue({ config: online, rate: null, now: () => now }),
        ).toMatchObject({ sent: 1, remaining: 0 });
        expect(sink.countFor(address)).toBe(1);
      });
    });

    it('holds NEWSLETTER_RATE across workers within a minute', async () => {
      await seedSubscribers(store.db, store.config, 30, { prefix: 'rate' });
      await queueArticle(sampleArticle({ slug: 'rated' }), { source: 'cli', actor: 'test' });
      let count = 0;
      const deliver = () => {
        count += 1;
        return Promise.resolve();
      };
      const now = Date.now();
      const [a, b] = await Promise.all([
        drainNewsletterQueue({ deliver, rate: 12, now: () => now }),
        drainNewsletterQueue({ deliver, rate: 12, now: () => now }),
      ]);
      expect(count).toBe(12);
      expect(a.sent + b.sent).toBe(12);
      expect(a.rateLimitedFor ?? b.rateLimitedFor).toBeGreaterThan(0);
      expect(await drainNewsletterQueue({ deliver, rate: 12, now: () => now })).toMatchObject({
        sent: 0,
        remaining: 18,
      });
      const later = await drainNewsletterQueue({ deliver, rate: 12, now: () => now + MINUTE });
      expect(later.sent).toBe(12);
    });
  });
}
