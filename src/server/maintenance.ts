/**
 * Scheduled clean-up of data whose purpose has passed (UK GDPR art. 5(1)(e),
 * storage limitation). The privacy notice (content/pages/privacy.md) states
 * these rules; change both together.
 *
 * - sessions past their idle or absolute expiry;
 * - email links (verification, reset, email change) once used or expired;
 * - rate-limit counters untouched for a day (every limit's window is shorter,
 *   so an older row counts for nothing);
 * - roll-import previews never applied within their lifetime, and the rows
 *   staged for previews and imports that are over or died;
 * - registrations whose email was never verified, `unverifiedRetentionDays`
 *   after they were made (their sessions and links go with them);
 * - newsletter confirmation links once used or expired, and newsletter
 *   subscriptions never confirmed, `unverifiedRetentionDays` after they were asked for.
 */
import { DAY, resolveNow } from './clock.ts';
import { recordAudit } from './audit.ts';
import { sweepRollLeftovers } from './roll/replace.ts';
import { PENDING_IMPORT_LIFETIME_MS } from './staff/roll-import.ts';
import type { Db } from './store/db.ts';

/** How long a rate-limit row is kept after its last use (longer than any limit's window). */
export const RATE_LIMIT_RETENTION_MS = DAY;

/** What one run removed, by kind (row counts). */
export interface PurgeCounts {
  sessions: number;
  emailTokens: number;
  rateLimits: number;
  rollPreviews: number;
  unverifiedAccounts: number;
  newsletterTokens: number;
  unconfirmedSubscribers: number;
}

/** Options of a run: the time (for tests) and how long unverified registrations are kept. */
export interface PurgeOptions {
  now?: number | Date;
  /** Days an unverified registration is kept (`UNVERIFIED_RETENTION_DAYS`, default 30). */
  unverifiedRetentionDays: number;
}

const deleted = (result: { numDeletedRows: bigint }) => Number(result.numDeletedRows);

/**
 * Deletes everything listed at the top of this module that is due at `now`.
 * Each kind is one statement, so a run stopped half-way leaves nothing
 * inconsistent and the next run finishes the job. A deletion of unverified
 * registrations is recorded in the audit log by count, never by name.
 */
export async function purgeExpiredData(db: Db, options: PurgeOptions): Promise<PurgeCounts> {
  const now = resolveNow(options.now);
  const sessions = await db
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('expires_at', '<=', now), eb('absolute_expires_at', '<=', now)]))
    .executeTakeFirst();
  const emailTokens = await db
    .deleteFrom('email_tokens')
    .where((eb) => eb.or([eb('used_at', 'is not', null), eb('expires_at', '<=', now)]))
    .executeTakeFirst();
  const rateLimits = await db
    .deleteFrom('rate_limits')
    .where('window_start', '<=', now - RATE_LIMIT_RETENTION_MS)
    .executeTakeFirst();
  const rollPreviews = await db
    .deleteFrom('roll_pending_imports')
    .where('created_at', '<', now - PENDING_IMPORT_LIFETIME_MS)
    .executeTakeFirst();
  await sweepRollLeftovers(db);
  const unverifiedAccounts = await db
    .deleteFrom('users')
    .where('status', '=', 'unverified')
    .where('created_at', '<=', now - options.unverifiedRetentionDays * DAY)
    .executeTakeFirst();
  const newsletterTokens = await db
    .deleteFrom('newsletter_tokens')
    .where((eb) => eb.or([eb('used_at', 'is not', null), eb('expires_at', '<=', now)]))
    .executeTakeFirst();
  const unconfirmedSubscribers = await db
    .deleteFrom('newsletter_subscribers')
    .where('status', '=', 'pending')
    .where('created_at', '<=', now - options.unverifiedRetentionDays * DAY)
    .executeTakeFirst();
  const counts: PurgeCounts = {
    sessions: deleted(sessions),
    emailTokens: deleted(emailTokens),
    rateLimits: deleted(rateLimits),
    rollPreviews: deleted(rollPreviews),
    unverifiedAccounts: deleted(unverifiedAccounts),
    newsletterTokens: deleted(newsletterTokens),
    unconfirmedSubscribers: deleted(unconfirmedSubscribers),
  };
  if (counts.unverifiedAccounts > 0) {
    await recordAudit(db, {
      actor: 'system:maintenance',
      action: 'members.purge-unverified',
      detail: {
        accounts: counts.unverifiedAccounts,
        olderThanDays: options.unverifiedRetentionDays,
      },
      now,
    });
  }
  return counts;
}
