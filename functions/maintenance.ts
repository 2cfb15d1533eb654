/**
 * Scheduled, hourly: removes expired sessions, used or expired email links,
 * stale rate-limit counters and roll previews, and registrations never verified
 * after UNVERIFIED_RETENTION_DAYS (see src/server/maintenance.ts). The local
 * server runs it on the same schedule.
 */
import type { Config } from '@netlify/functions';
import { getConfig } from '../src/server/config.ts';
import { defineScheduledTask } from '../src/server/http/scheduled.ts';
import { purgeExpiredData } from '../src/server/maintenance.ts';
import { getDb } from '../src/server/store/db.ts';

export default defineScheduledTask('maintenance', async () => {
  const removed = await purgeExpiredData(getDb(), {
    unverifiedRetentionDays: getConfig().unverifiedRetentionDays,
  });
  return `removed ${Object.entries(removed)
    .map(([kind, count]) => `${count} ${kind}`)
    .join(', ')}`;
});

export const config: Config = { schedule: '@hourly' };
