import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_UNVERIFIED_RETENTION_DAYS } from '../../src/server/config.ts';
import { TOKEN_LIFETIME } from '../../src/server/email-tokens.ts';
import { DAY, HOUR, MINUTE } from '../../src/server/clock.ts';
import { listAudit } from '../../src/server/audit.ts';
import { purgeExpiredData, RATE_LIMIT_RETENTION_MS } from '../../src/server/maintenance.ts';
import {
  EMAIL_ADDRESS_LIMIT,
  FORM_IP_BUCKET,
  LOGIN_ACCOUNT_LIMIT,
  LOGIN_IP_BUCKET,
} from '../../src/server/rate-limit.ts';
import { PENDING_IMPORT_LIFETIME_MS } from '../../src/server/staff/roll-import.ts';
import type { Db } from '../../src/server/store/db.ts';
import { countRows, ENGINES, seedUser, useTestStore } from './support.ts';

const NOW = Date.UTC(2026, 11, 1, 3, 0, 0);

async function seedSession(
  db: Db,
  id: string,
  userId: string,
  expiresAt: number,
  absolute: number,
) {
  await db
    .insertInto('sessions')
    .values({
      id,
      user_id: userId,
      secret_hash: 'ab',
      created_at: NOW - DAY,
      expires_at: expiresAt,
      absolute_expires_at: absolute,
    })
    .execute();
}

async function seedToken(
  db: Db,
  hash: string,
  userId: string,
  expiresAt: number,
  usedAt: number | null,
) {
  await db
    .insertInto('email_tokens')
    .values({
      token_hash: hash,
      user_id: userId,
      purpose: 'verify',
      new_email: null,
      created_at: NOW - HOUR,
      expires_at: expiresAt,
      used_at: usedAt,
    })
    .execute();
}

async function seedPreview(db: Db, id: string, actorId: string, createdAt: number) {
  await db
    .insertInto('roll_pending_imports')
    .values({
      id,
      actor_id: actorId,
      file_sha256: 'f'.repeat(64),
      base_import_id: null,
      created_at: createdAt,
      applied_at: null,
      row_count: 1,
      preview: '{}',
      entries: '[]',
    })
    .execute();
}

const ids = async (db: Db, table: 'sessions' | 'users') =>
  (await db.selectFrom(table).select('id').execute()).map((r) => r.id).sort();

describe('retention limits', () => {
  it('keeps rate-limit rows longer than any limit’s window or bucket refill', () => {
    for (const limit of [LOGIN_ACCOUNT_LIMIT, EMAIL_ADDRESS_LIMIT]) {
      expect(limit.windowMs).toBeLessThan(RATE_LIMIT_RETENTION_MS);
    }
    for (const bucket of [LOGIN_IP_BUCKET, FORM_IP_BUCKET]) {
      expect((bucket.capacity / bucket.refillPerMinute) * MINUTE).toBeLessThan(
        RATE_LIMIT_RETENTION_MS,
      );
    }
  });
});

describe.each(ENGINES)('scheduled maintenance on %s', (engine) => {
  const store = useTestStore(engine);

  it('removes what has expired, keeps what is live, and finds nothing on a second run', async () => {
    const db = store.db;
    const live = await seedUser(db, { username: 'keeper', now: NOW - 400 * DAY });
    const staff = await seedUser(db, { username: 'office', role: 'staff', now: NOW - DAY });
    const staleUnverified = await seedUser(db, {
      username: 'never.verified',
      status: 'unverified',
      now: NOW - 30 * DAY,
    });
    const recentUnverified = await seedUser(db, {
      username: 'still.time',
      status: 'unverified',
      now: NOW - 30 * DAY + MINUTE,
    });
    const oldPending = await seedUser(db, {
      username: 'long.pending',
      status: 'pending',
      now: NOW - 90 * DAY,
    });

    await seedSession(db, 'idle-expired', live, NOW - 1, NOW + DAY);
    await seedSession(db, 'absolute-expired', live, NOW + DAY, NOW);
    await seedSession(db, 'live-session', live, NOW + HOUR, NOW + DAY);
    await seedSession(db, 'stale-unverified-session', staleUnverified, NOW + HOUR, NOW + DAY);
    await seedToken(db, 'used', live, NOW + HOUR, NOW - MINUTE);
    await seedToken(db, 'expired', live, NOW, null);
    await seedToken(db, 'live-token', recentUnverified, NOW + HOUR, null);
    await seedToken(db, 'stale-unverified-token', staleUnverified, NOW + HOUR, null);
    await db
      .insertInto('rate_limits')
      .values([
        { key: 'old', count: 3, window_start: NOW - RATE_LIMIT_RETENTION_MS, tokens: 0 },
        { key: 'recent', count: 3, window_start: NOW - RATE_LIMIT_RETENTION_MS + 1, tokens: 0 },
      ])
      .execute();
    await seedPreview(db, 'old-preview', staff, NOW - PENDING_IMPORT_LIFETIME_MS - 1);
    await seedPreview(db, 'fresh-preview', staff, NOW - MINUTE);

    const removed = await purgeExpiredData(db, { now: NOW, unverifiedRetentionDays: 30 });
    expect(removed).toEqual({
      sessions: 2,
      emailTokens: 2,
      rateLimits: 1,
      rollPreviews: 1,
      unverifiedAccounts: 1,
      newsletterTokens: 0,
      unconfirmedSubscribers: 0,
    });
    expect(await ids(db, 'users')).toEqual([live, staff, recentUnverified, oldPending].sort());
    // The unverified account's own session and link went with it.
    expect(await ids(db, 'sessions')).toEqual(['live-session']);
    expect(
      (await db.selectFrom('email_tokens').select('token_hash').execute()).map((r) => r.token_hash),
    ).toEqual(['live-token']);
    expect((await db.selectFrom('rate_limits').select('key').execute()).map((r) => r.key)).toEqual([
      'recent',
    ]);
    expect(
      (await db.selectFrom('roll_pending_imports').select('id').execute()).map((r) => r.id),
    ).toEqual(['fresh-preview']);

    const audit = (await listAudit({ db })).filter((a) => a.actor === 'system:maintenance');
    expect(audit).toEqual([
      expect.objectContaining({
        action: 'members.purge-unverified',
        target: null,
        detail: { accounts: 1, olderThanDays: 30 },
      }),
    ]);
    expect(JSON.stringify(audit)).not.toContain('never.verified');

    const again = await purgeExpiredData(db, { now: NOW, unverifiedRetentionDays: 30 });
    expect(Object.values(again).every((n) => n === 0)).toBe(true);
    expect(await countRows(db, 'audit_log')).toBe(audit.length);
  });

  it('keeps unverified registrations for the configured number of days', async () => {
    const db = store.db;
    const week = await seedUser(db, {
      username: 'week.old',
      status: 'unverified',
      now: NOW - 8 * DAY,
    });
    await purgeExpiredData(db, { now: NOW, unverifiedRetentionDays: 10 });
    expect(await ids(db, 'users')).toContain(week);
    await purgeExpiredData(db, { now: NOW, unverifiedRetentionDays: 7 });
    expect(await ids(db, 'users')).not.toContain(week);
  });
});

describe('the privacy notice', () => {
  const notice = fs
    .readFileSync(path.resolve(import.meta.dirname, '../../content/pages/privacy.md'), 'utf8')
    .replace(/\s+/g, ' ');

  it('states the retention periods the clean-up applies', () => {
    expect(notice).toContain(`${DEFAULT_UNVERIFIED_RETENTION_DAYS} days after it was made`);
    expect(notice).toContain(`a confirmation link lasts ${TOKEN_LIFETIME.verify / DAY} days`);
    expect(notice).toContain(`password reset link ${TOKEN_LIFETIME.reset / HOUR} hour`);
    expect(notice).toContain(`an email change link ${TOKEN_LIFETIME['email-change'] / DAY} day`);
    expect(RATE_LIMIT_RETENTION_MS).toBe(DAY);
    expect(notice).toContain('deleted a day after the last attempt');
    expect(PENDING_IMPORT_LIFETIME_MS).toBe(HOUR);
    expect(notice).toContain('deleted after an hour');
    expect(notice).toContain('runs every hour');
  });
});
