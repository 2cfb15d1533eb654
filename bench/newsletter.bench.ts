// The newsletter at size, on SQLite: queueing one article for 30,000
// subscribers (one INSERT … SELECT), rendering every recipient's message (two
// variants rendered once, then the token put in per recipient), the worker
// draining the whole send with no mail server in the way, and messages per
// second through pooled SMTP (nodemailer) to a local SMTP sink.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readConfig, setConfig } from '../src/server/config.ts';
import { closeDb, getDb } from '../src/server/store/db.ts';
import { migrateToLatest } from '../src/server/store/migrations.ts';
import { personalise, prepareMessage } from '../src/server/newsletter/message.ts';
import { queueArticle } from '../src/server/newsletter/queue.ts';
import { unsubscribeToken } from '../src/server/newsletter/subscribers.ts';
import { drainNewsletterQueue } from '../src/server/newsletter/worker.ts';
import { sampleArticle, seedSubscribers } from '../test/newsletter/support.ts';
import { startSmtpSink } from '../test/support/smtp-sink.ts';

const SUBSCRIBERS = 30_000;
const SMTP_MESSAGES = 2_000;

const mib = (bytes: number) => Math.round(bytes / 1024 / 1024);

/** A realistic article body: about 6 KB of paragraphs, a heading and a list. */
function articleBody(): string {
  const paragraph =
    '<p>The federation has met the Commissioner to press for a fair settlement on pay, allowances and rest days, and will report back to members as talks go on. <a href="/news/pay/">Read the background</a>.</p>';
  return `${paragraph.repeat(20)}<h2>What happens next</h2><ul><li>Talks resume</li><li>Ballot</li></ul>`;
}

/** Figures for `npm run bench`. */
export async function run(): Promise<Record<string, string | number>> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'newsletter-bench-'));
  const config = readConfig({ DATA_DIR: dataDir, SITE_URL: 'https://www.example.org' });
  setConfig(config);
  const db = getDb();
  try {
    await migrateToLatest(db);
    await seedSubscribers(db, config, SUBSCRIBERS);
    const article = sampleArticle({ bodyHtml: articleBody() });

    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sample = () => (peak = Math.max(peak, process.memoryUsage().rss));

    let start = performance.now();
    const queued = await queueArticle(article, { source: 'cli', actor: 'bench' });
    const queueMs = performance.now() - start;
    sample();
    if (!queued.queued || queued.recipients !== SUBSCRIBERS) throw new Error('queueing failed');

    // Rendering every message as the worker does, without sending.
    const ids = await db.selectFrom('newsletter_subscribers').select(['id', 'email']).execute();
    start = performance.now();
    const prepared = prepareMessage(article, 'full', config);
    let bytes = 0;
    for (let i = 0; i < ids.length; i += 1) {
      const message = personalise(
        prepared,
        config,
        ids[i].email,
        unsubscribeToken(ids[i].id, config),
      );
      bytes += message.html.length + message.text.length;
      if (i % 1000 === 0) sample();
    }
    const renderMs = performance.now() - start;
    sample();

    // The worker over the whole send, delivering to nothing (claims, marks, counts).
    start = performance.now();
    const drained = await drainNewsletterQueue({
      deliver: () => {
        sample();
        return Promise.resolve();
      },
      rate: null,
      batchSize: 500,
      concurrency: 16,
    });
    const drainMs = performance.now() - start;
    if (drained.sent !== SUBSCRIBERS) throw new Error(`drained ${drained.sent}`);

    // Pooled SMTP to a local sink.
    await db.deleteFrom('newsletter_deliveries').execute();
    await db.deleteFrom('newsletter_subscribers').execute();
    await seedSubscribers(db, config, SMTP_MESSAGES, { prefix: 'smtp' });
    await queueArticle(sampleArticle({ slug: 'smtp-run', bodyHtml: articleBody() }), {
      source: 'cli',
      actor: 'bench',
    });
    const sink = await startSmtpSink({ keepData: false });
    let smtpMs = 0;
    try {
      start = performance.now();
      const report = await drainNewsletterQueue({
        config: { ...config, smtpUrl: sink.url },
        rate: null,
        batchSize: 200,
      });
      smtpMs = performance.now() - start;
      if (report.sent !== SMTP_MESSAGES || sink.messages.length !== SMTP_MESSAGES)
        throw new Error(`SMTP run sent ${report.sent}, sink got ${sink.messages.length}`);
    } finally {
      await sink.close();
    }

    return {
      subscribers: SUBSCRIBERS,
      'queue the send (ms)': Math.round(queueMs),
      'render every message (ms)': Math.round(renderMs),
      'rendered per message (µs)': Math.round((renderMs * 1000) / SUBSCRIBERS),
      'average message (KB)': Math.round(bytes / SUBSCRIBERS / 1024),
      'worker drain, no SMTP (s)': Number((drainMs / 1000).toFixed(1)),
      'worker drain, no SMTP (msg/s)': Math.round(SUBSCRIBERS / (drainMs / 1000)),
      'peak RSS over queue+render+drain (MiB)': mib(peak),
      'RSS growth (MiB)': mib(peak - rssBefore),
      'SMTP sink messages': SMTP_MESSAGES,
      'pooled SMTP to sink (msg/s)': Math.round(SMTP_MESSAGES / (smtpMs / 1000)),
    };
  } finally {
    await closeDb();
    setConfig(undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
