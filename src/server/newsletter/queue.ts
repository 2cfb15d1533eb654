/**
 * Newsletter sends: an article is queued for every subscribed address at most
 * once ever (the `newsletter_articles` primary key decides, on both engines),
 * with one delivery row per recipient (primary key send + subscriber, so no
 * recipient can be queued twice for one send).
 */
import { sql } from 'kysely';
import { recordAudit } from '../audit.ts';
import { resolveNow } from '../clock.ts';
import { generateId } from '../crypto.ts';
import { getDb, type Db } from '../store/db.ts';
import type { NewsletterSend, SendStatus } from '../store/schema.ts';
import type { NewsletterArticle } from './articles.ts';

/** Who asked for a send. */
export type SendSource = 'deploy' | 'cli' | 'staff';

/** The outcome of queueing an article. */
export type QueueResult =
  | { queued: true; sendId: string; recipients: number }
  | { queued: false; reason: 'already-queued'; queuedAt: number };

/**
 * Queues `article` for every subscribed address, unless it was ever queued
 * before. The article is stored with the send, so later edits or rebuilds
 * change nothing. Audited as `newsletter.queue`.
 */
export async function queueArticle(
  article: NewsletterArticle,
  options: { source: SendSource; actor: string; now?: number; db?: Db },
): Promise<QueueResult> {
  const now = resolveNow(options.now);
  const sendId = generateId();
  return (options.db ?? getDb()).transaction().execute(async (trx): Promise<QueueResult> => {
    const claimed = await trx
      .insertInto('newsletter_articles')
      .values({ slug: article.slug, send_id: sendId, queued_at: now, source: options.source })
      .onConflict((oc) => oc.column('slug').doNothing())
      .returning('slug')
      .executeTakeFirst();
    if (!claimed) {
      const earlier = await trx
        .selectFrom('newsletter_articles')
        .select('queued_at')
        .where('slug', '=', article.slug)
        .executeTakeFirstOrThrow();
      return { queued: false, reason: 'already-queued', queuedAt: earlier.queued_at };
    }
    await trx
      .insertInto('newsletter_sends')
      .values({
        id: sendId,
        article_slug: article.slug,
        article_title: article.title,
        article: JSON.stringify(article),
        status: 'queued',
        source: options.source,
        created_by: options.actor,
        recipient_count: 0,
        created_at: now,
        started_at: null,
        finished_at: null,
        cancelled_at: null,
      })
      .execute();
    await trx
      .insertInto('newsletter_deliveries')
      .columns(['send_id', 'subscriber_id', 'status', 'attempts', 'next_attempt_at'])
      .expression((eb) =>
        eb
          .selectFrom('newsletter_subscribers')
          .select([
            sql.lit(sendId).as('send_id'),
            'id',
            sql.lit('queued').as('status'),
            sql.lit(0).as('attempts'),
            sql.lit(now).as('next_attempt_at'),
          ])
          .where('status', '=', 'subscribed'),
      )
      .execute();
    const count = await trx
      .selectFrom('newsletter_deliveries')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('send_id', '=', sendId)
      .executeTakeFirstOrThrow();
    const recipients = Number(count.n);
    await trx
      .updateTable('newsletter_sends')
      .set({ recipient_count: recipients })
      .where('id', '=', sendId)
      .execute();
    await recordAudit(trx, {
      actor: options.actor,
      action: 'newsletter.queue',
      target: article.slug,
      detail: { sendId, recipients, source: options.source },
      now,
    });
    return { queued: true, sendId, recipients };
  });
}

/**
 * Stops a send that has not finished: every delivery still waiting is
 * cancelled (messages already handed to the mail server cannot be recalled).
 * Audited as `newsletter.cancel`. False when the send is unknown or finished.
 */
export async function cancelSend(
  sendId: string,
  options: { actor: string; now?: number; db?: Db },
): Promise<boolean> {
  const now = resolveNow(options.now);
  return (options.db ?? getDb()).transaction().execute(async (trx) => {
    const send = await trx
      .updateTable('newsletter_sends')
      .set({ status: 'cancelled', cancelled_at: now, finished_at: now })
      .where('id', '=', sendId)
      .where('status', 'in', ['queued', 'sending'])
      .returning(['article_slug'])
      .executeTakeFirst();
    if (!send) return false;
    const cancelled = await trx
      .updateTable('newsletter_deliveries')
      .set({ status: 'cancelled' })
      .where('send_id', '=', sendId)
      .where('status', '=', 'queued')
      .executeTakeFirst();
    await recordAudit(trx, {
      actor: options.actor,
      action: 'newsletter.cancel',
      target: send.article_slug,
      detail: { sendId, cancelled: Number(cancelled.numUpdatedRows) },
      now,
    });
    return true;
  });
}

/** A send with its delivery counts, for the staff page and the CLI. */
export interface SendSummary {
  id: string;
  slug: string;
  title: string;
  status: SendStatus;
  source: string;
  createdBy: string;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  recipients: number;
  queued: number;
  sent: number;
  failed: number;
  bounced: number;
  skipped: number;
  cancelled: number;
}

function summarise(send: NewsletterSend, counts: Map<string, number>): SendSummary {
  const n = (status: string) => counts.get(status) ?? 0;
  return {
    id: send.id,
    slug: send.article_slug,
    title: send.article_title,
    status: send.status,
    source: send.source,
    createdBy: send.created_by,
    createdAt: send.created_at,
    startedAt: send.started_at,
    finishedAt: send.finished_at,
    recipients: send.recipient_count,
    queued: n('queued') + n('sending'),
    sent: n('sent'),
    failed: n('failed'),
    bounced: n('bounced'),
    skipped: n('skipped'),
    cancelled: n('cancelled'),
  };
}

/** The most recent sends, newest first, with counts by delivery status. */
export async function listSends(options: { limit?: number; db?: Db } = {}): Promise<SendSummary[]> {
  const db = options.db ?? getDb();
  const sends = await db
    .selectFrom('newsletter_sends')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(options.limit ?? 20)
    .execute();
  if (sends.length === 0) return [];
  const rows = await db
    .selectFrom('newsletter_deliveries')
    .select(['send_id', 'status', (eb) => eb.fn.countAll<number>().as('n')])
    .where(
      'send_id',
      'in',
      sends.map((s) => s.id),
    )
    .groupBy(['send_id', 'status'])
    .execute();
  const bySend = new Map<string, Map<string, number>>();
  for (const row of rows) {
    const counts = bySend.get(row.send_id) ?? new Map<string, number>();
    counts.set(row.status, Number(row.n));
    bySend.set(row.send_id, counts);
  }
  return sends.map((send) => summarise(send, bySend.get(send.id) ?? new Map<string, number>()));
}

/** When each article slug was queued, for marking articles already sent. */
export async function listQueuedArticles(db: Db = getDb()): Promise<Map<string, number>> {
  const rows = await db.selectFrom('newsletter_articles').select(['slug', 'queued_at']).execute();
  return new Map(rows.map((r) => [r.slug, r.queued_at]));
}
