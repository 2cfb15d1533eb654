/**
 * The two ways the queue is drained: a scheduled run (one Netlify Scheduled
 * Function call, or the local server's timer) that stops well inside the
 * function's time limit, and the operator's `newsletter-send`, which keeps
 * going, waiting for the rate window when it must, until the queue is empty.
 */
import { SECOND } from '../clock.ts';
import { drainNewsletterQueue, type DrainOptions, type DrainReport } from './worker.ts';

/** A scheduled function has 30 s; stop claiming after this much. */
export const SCHEDULED_RUN_MS = 20 * SECOND;

/** How often the worker runs (cron, UTC): every minute, matching a per-minute rate. */
export const NEWSLETTER_SCHEDULE = '* * * * *';

/** One scheduled run: sends what the rate allows this minute, for at most 20 seconds. */
export function runScheduledNewsletter(options: DrainOptions = {}): Promise<DrainReport> {
  return drainNewsletterQueue({ deadline: Date.now() + SCHEDULED_RUN_MS, ...options });
}

/**
 * Drains until nothing is left that is due, sleeping through rate windows.
 * Deliveries waiting for a retry later are left for the scheduled runs.
 */
export async function drainUntilEmpty(
  options: DrainOptions & { onProgress?: (report: DrainReport) => void } = {},
): Promise<DrainReport> {
  const total: DrainReport = {
    sent: 0,
    retried: 0,
    failed: 0,
    bounced: 0,
    skipped: 0,
    remaining: 0,
    rateLimitedFor: null,
  };
  for (;;) {
    const report = await drainNewsletterQueue(options);
    total.sent += report.sent;
    total.retried += report.retried;
    total.failed += report.failed;
    total.bounced += report.bounced;
    total.skipped += report.skipped;
    total.remaining = report.remaining;
    options.onProgress?.(total);
    if (report.rateLimitedFor === null) return total;
    await new Promise((resolve) => setTimeout(resolve, report.rateLimitedFor! + 50));
  }
}
