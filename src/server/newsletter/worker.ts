/**
 * The newsletter worker: drains queued deliveries in batches under
 * NEWSLETTER_RATE. Workers may run at once (a scheduled run overlapping the
 * CLI); each claims its rows in one statement that no other worker can also
 * win (`FOR UPDATE SKIP LOCKED` on Postgres; on SQLite one UPDATE, which runs
 * under the database's single write lock, taking only rows still `queued`),
 * so every recipient gets a send at most once (SECURITY.md 33).
 *
 * A temporary failure (4xx, connection) is retried with back-off; a permanent
 * one (5xx) marks the address bounced and nothing more is sent to it. A row a
 * crashed worker left `sending` is marked failed, never sent again: the mail
 * server may already have it, and "at most once" wins over "at least once".
 */
import { sql } from 'kysely';
import { MINUTE } from '../clock.ts';
import { ConfigError, getConfig, type ServerConfig } from '../config.ts';
import { generateId } from '../crypto.ts';
import { consumeRateLimit } from '../rate-limit.ts';
import { engineOf, getDb, type Db } from '../store/db.ts';
import { parseStoredArticle } from './articles.ts';
import {
  personalise,
  prepareMessage,
  variantFor,
  type PreparedMessage,
  type Variant,
} from './message.ts';
import { unsubscribeToken } from './subscribers.ts';
import {
  classifySendError,
  describeSendError,
  openNewsletterTransport,
  SMTP_POOL_SIZE,
  type Deliver,
} from './transport.ts';

/** Messages per minute when NEWSLETTER_RATE is not set: within common providers' limits. */
export const DEFAULT_NEWSLETTER_RATE = 60;

/** Tries before a temporarily failing delivery is given up as failed. */
export const MAX_ATTEMPTS = 5;

/** A row left `sending` longer than this belonged to a worker that stopped. */
export const STALE_CLAIM_MS = 15 * MINUTE;

/** Wait before try number `attempts + 1`: 2, 4, 8, 16 minutes. */
export function retryDelay(attempts: number): number {
  return 2 ** Math.min(attempts, 10) * MINUTE;
}

/** Reads NEWSLETTER_RATE: a whole number of messages per minute, at least 1. */
export function readNewsletterRate(env: Record<string, string | undefined> = process.env): number {
  const raw = env.NEWSLETTER_RATE?.trim();
  if (!raw) return DEFAULT_NEWSLETTER_RATE;
  const rate = Number(raw);
  if (!Number.isInteger(rate) || rate < 1) {
    throw new ConfigError(
      `NEWSLETTER_RATE must be a whole number of messages per minute, not "${raw}".`,
    );
  }
  return rate;
}

/** What one run did. */
export interface DrainReport {
  sent: number;
  retried: number;
  failed: number;
  bounced: number;
  skipped: number;
  /** Deliveries still waiting when the run stopped (budget, rate or deadline). */
  remaining: number;
  /** Milliseconds until the rate allows more, when the rate stopped the run. */
  rateLimitedFor: number | null;
}

/** How a run behaves; tests and the bench pass their own transport and rate. */
export interface DrainOptions {
  db?: Db;
  config?: ServerConfig;
  /** Sends a message; defaults to the pooled SMTP transport or the outbox. */
  deliver?: Deliver;
  /** Messages per minute across all workers; null sends as fast as the transport takes them. */
  rate?: number | null;
  /** Rows claimed at a time. */
  batchSize?: number;
  /** Messages in flight at once. */
  concurrency?: number;
  /** Stop claiming after this time (ms since the epoch), e.g. a function's time limit. */
  deadline?: number;
  /** The clock, for back-off and claims. */
  now?: () => number;
}

interface Claimed {
  send_id: string;
  subscriber_id: string;
  attempts: number;
  email: string;
  subscriber_status: string;
  user_status: string | null;
}

/** Rows claimed by one batch, joined to what sending needs. */
async function claimBatch(db: Db, claim: string, size: number, now: number): Promise<Claimed[]> {
  if (engineOf(db) === 'postgres') {
    await sql`
      update newsletter_deliveries d
      set status = 'sending', claim = ${claim}, claimed_at = ${now}, attempts = d.attempts + 1
      from (
        select x.send_id, x.subscriber_id from newsletter_deliveries x
        join newsletter_sends s on s.id = x.send_id
        where x.status = 'queued' and x.next_attempt_at <= ${now} and s.status = 'sending'
        order by x.next_attempt_at
        limit ${size}
        for update of x skip locked
      ) c
      where d.send_id = c.send_id and d.subscriber_id = c.subscriber_id`.execute(db);
  } else {
    await sql`
      update newsletter_deliveries
      set status = 'sending', claim = ${claim}, claimed_at = ${now}, attempts = attempts + 1
      where rowid in (
        select x.rowid from newsletter_deliveries x
        join newsletter_sends s on s.id = x.send_id
        where x.status = 'queued' and x.next_attempt_at <= ${now} and s.status = 'sending'
        order by x.next_attempt_at
        limit ${size}
      ) and status = 'queued'`.execute(db);
  }
  return db
    .selectFrom('newsletter_deliveries as d')
    .innerJoin('newsletter_subscribers as sub', 'sub.id', 'd.subscriber_id')
    .leftJoin('users as u', 'u.id', 'sub.user_id')
    .select([
      'd.send_id',
      'd.subscriber_id',
      'd.attempts',
      'sub.email',
      'sub.status as subscriber_status',
      'u.status as user_status',
    ])
    .where('d.claim', '=', claim)
    .where('d.status', '=', 'sending')
    .execute();
}

/** Queued sends start; sends with nothing left to do finish. */
async function advanceSends(db: Db, now: number): Promise<void> {
  await db
    .updateTable('newsletter_sends')
    .set({ status: 'sending', started_at: now })
    .where('status', '=', 'queued')
    .execute();
  await db
    .updateTable('newsletter_sends')
    .set({ status: 'sent', finished_at: now })
    .where('status', '=', 'sending')
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('newsletter_deliveries')
            .select('send_id')
            .whereRef('newsletter_deliveries.send_id', '=', 'newsletter_sends.id')
            .where('newsletter_deliveries.status', 'in', ['queued', 'sending']),
        ),
      ),
    )
    .execute();
}

/** Rows a stopped worker left `sending` are failed, not retried (at most once). */
async function failStaleClaims(db: Db, now: number): Promise<void> {
  await db
    .updateTable('newsletter_deliveries')
    .set({
      status: 'failed',
      claim: null,
      last_error: 'The worker stopped while sending; not retried so nobody gets it twice.',
    })
    .where('status', '=', 'sending')
    .where('claimed_at', '<', now - STALE_CLAIM_MS)
    .execute();
}

/** Takes up to `wanted` messages from the per-minute budget all workers share. */
async function takeRate(
  db: Db,
  wanted: number,
  rate: number | null,
  now: number,
): Promise<{ granted: number; waitMs: number | null }> {
  if (rate === null) return { granted: wanted, waitMs: null };
  let granted = 0;
  while (granted < wanted) {
    const result = await consumeRateLimit(
      'newsletter:send-rate',
      { limit: rate, windowMs: MINUTE },
      { now, db },
    );
    if (!result.allowed) return { granted, waitMs: result.retryAfter * 1000 };
    granted += 1;
  }
  return { granted, waitMs: null };
}

/** Deliveries that could be claimed now, counting at most `cap` (so no rate budget is spent on nothing). */
async function countDue(db: Db, cap: number, now: number): Promise<number> {
  const rows = await db
    .selectFrom('newsletter_deliveries as d')
    .innerJoin('newsletter_sends as s', 's.id', 'd.send_id')
    .select('d.subscriber_id')
    .where('d.status', '=', 'queued')
    .where('d.next_attempt_at', '<=', now)
    .where('s.status', '=', 'sending')
    .limit(cap)
    .execute();
  return rows.length;
}

async function countRemaining(db: Db): Promise<number> {
  const row = await db
    .selectFrom('newsletter_deliveries as d')
    .innerJoin('newsletter_sends as s', 's.id', 'd.send_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('d.status', 'in', ['queued', 'sending'])
    .where('s.status', 'in', ['queued', 'sending'])
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Runs `task` over `items`, at most `limit` at once. */
async function eachLimited<T>(items: T[], limit: number, task: (item: T) => Promise<void>) {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await task(items[next++]);
  });
  await Promise.all(lanes);
}

/**
 * Sends what is due, batch by batch, until nothing is due, the rate budget
 * for this minute is spent, or the deadline passes. Safe to run in several
 * processes at once.
 */
export async function drainNewsletterQueue(options: DrainOptions = {}): Promise<DrainReport> {
  const db = options.db ?? getDb();
  const config = options.config ?? getConfig();
  const clock = options.now ?? Date.now;
  const rate = options.rate === undefined ? readNewsletterRate() : options.rate;
  const batchSize = options.batchSize ?? 100;
  const transport = options.deliver ? null : openNewsletterTransport(config);
  const deliver = options.deliver ?? transport!.deliver;
  const prepared = new Map<string, Promise<Map<Variant, PreparedMessage>>>();
  const report: DrainReport = {
    sent: 0,
    retried: 0,
    failed: 0,
    bounced: 0,
    skipped: 0,
    remaining: 0,
    rateLimitedFor: null,
  };

  const variantsOf = (sendId: string) => {
    let found = prepared.get(sendId);
    if (!found) {
      found = db
        .selectFrom('newsletter_sends')
        .select('article')
        .where('id', '=', sendId)
        .executeTakeFirstOrThrow()
        .then((row) => {
          const article = parseStoredArticle(row.article);
          const variants = new Map<Variant, PreparedMessage>();
          variants.set('full', prepareMessage(article, 'full', config));
          if (article.membersOnly)
            variants.set('teaser', prepareMessage(article, 'teaser', config));
          return variants;
        });
      prepared.set(sendId, found);
    }
    return found;
  };

  try {
    const start = clock();
    await failStaleClaims(db, start);
    await advanceSends(db, start);
    for (;;) {
      if (options.deadline !== undefined && clock() >= options.deadline) break;
      const now = clock();
      const due = await countDue(db, batchSize, now);
      if (due === 0) break;
      const budget = await takeRate(db, due, rate, now);
      if (budget.granted === 0) {
        report.rateLimitedFor = budget.waitMs;
        break;
      }
      const claim = generateId();
      const rows = await claimBatch(db, claim, budget.granted, now);
      if (rows.length === 0) break;
      const sent: Claimed[] = [];
      await eachLimited(rows, options.concurrency ?? SMTP_POOL_SIZE, async (row) => {
        if (row.subscriber_status !== 'subscribed') {
          await settle(db, row, claim, { status: 'skipped', claim: null });
          report.skipped += 1;
          return;
        }
        const variants = await variantsOf(row.send_id);
        const variant = variantFor(
          { membersOnly: variants.has('teaser') },
          row.user_status === 'confirmed',
        );
        const message = personalise(
          variants.get(variant)!,
          config,
          row.email,
          unsubscribeToken(row.subscriber_id, config),
        );
        try {
          await deliver(message);
          sent.push(row);
        } catch (error) {
          await recordFailure(db, row, claim, error, clock(), report);
        }
      });
      if (sent.length > 0) {
        await markSent(db, claim, sent, clock());
        report.sent += sent.length;
      }
      await advanceSends(db, clock());
      if (budget.waitMs !== null) {
        report.rateLimitedFor = budget.waitMs;
        break;
      }
    }
    report.remaining = await countRemaining(db);
    return report;
  } finally {
    transport?.close();
  }
}

async function settle(
  db: Db,
  row: Claimed,
  claim: string,
  set: {
    status: 'queued' | 'sent' | 'failed' | 'bounced' | 'skipped';
    claim: null;
    next_attempt_at?: number;
    last_error?: string;
    sent_at?: number;
  },
): Promise<void> {
  await db
    .updateTable('newsletter_deliveries')
    .set(set)
    .where('send_id', '=', row.send_id)
    .where('subscriber_id', '=', row.subscriber_id)
    .where('claim', '=', claim)
    .execute();
}

async function markSent(db: Db, claim: string, rows: Claimed[], now: number): Promise<void> {
  // One statement per chunk: a batch of sent rows costs a few writes, not one each.
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    await db
      .updateTable('newsletter_deliveries')
      .set({ status: 'sent', sent_at: now, claim: null, last_error: null })
      .where('claim', '=', claim)
      .where(
        'subscriber_id',
        'in',
        chunk.map((r) => r.subscriber_id),
      )
      .execute();
  }
}

async function recordFailure(
  db: Db,
  row: Claimed,
  claim: string,
  error: unknown,
  now: number,
  report: DrainReport,
): Promise<void> {
  const lastError = describeSendError(error);
  if (classifySendError(error) === 'permanent') {
    await db.transaction().execute(async (trx) => {
      await settle(trx, row, claim, { status: 'bounced', claim: null, last_error: lastError });
      await trx
        .updateTable('newsletter_subscribers')
        .set({ status: 'bounced', bounced_at: now, updated_at: now })
        .where('id', '=', row.subscriber_id)
        .execute();
    });
    report.bounced += 1;
    return;
  }
  if (row.attempts >= MAX_ATTEMPTS) {
    await settle(db, row, claim, { status: 'failed', claim: null, last_error: lastError });
    report.failed += 1;
    return;
  }
  await settle(db, row, claim, {
    status: 'queued',
    claim: null,
    next_attempt_at: now + retryDelay(row.attempts),
    last_error: lastError,
  });
  report.retried += 1;
}
