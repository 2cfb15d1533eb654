/**
 * Rate limits kept in the store (functions hold no state between requests).
 * Each check is one atomic upsert, so concurrent requests at the limit cannot
 * both get through. Keys hold a hash of the identifier, not the identifier.
 */
import { sql } from 'kysely';
import { MINUTE, resolveNow } from './clock.ts';
import { hashSecret } from './crypto.ts';
import { getDb, type Db } from './store/db.ts';

/** At most `limit` events per fixed window of `windowMs`. */
export interface WindowLimit {
  limit: number;
  windowMs: number;
}

/** A token bucket holding up to `capacity` tokens, refilled at `refillPerMinute`. */
export interface BucketLimit {
  capacity: number;
  refillPerMinute: number;
}

/** The answer of a limiter: when refused, `retryAfter` is in whole seconds. */
export type RateLimitResult =
  { allowed: true; remaining: number } | { allowed: false; retryAfter: number };

/** Login failures per account: 10 in 10 minutes locks further tries (SECURITY.md 13). */
export const LOGIN_ACCOUNT_LIMIT: WindowLimit = { limit: 10, windowMs: 10 * MINUTE };

/** Emails to one address: 3 per 10 minutes (SECURITY.md 15). */
export const EMAIL_ADDRESS_LIMIT: WindowLimit = { limit: 3, windowMs: 10 * MINUTE };

/** Password guesses per client IP, checked before any hashing. */
export const LOGIN_IP_BUCKET: BucketLimit = { capacity: 30, refillPerMinute: 10 };

/** Registrations, resets and other form posts per client IP. */
export const FORM_IP_BUCKET: BucketLimit = { capacity: 20, refillPerMinute: 5 };

interface Options {
  now?: number | Date;
  db?: Db;
}

/** A store key for a scope and identifier; the identifier is hashed (it may be an email or IP). */
export function rateLimitKey(scope: string, identifier: string): string {
  return `${scope}:${hashSecret(identifier.trim().toLowerCase())}`;
}

/** Counts one event against a fixed-window limit and says whether it is allowed. */
export async function consumeRateLimit(
  key: string,
  limit: WindowLimit,
  options: Options = {},
): Promise<RateLimitResult> {
  const now = resolveNow(options.now);
  const db = options.db ?? getDb();
  const cutoff = now - limit.windowMs;
  const expired = sql<boolean>`rate_limits.window_start <= ${cutoff}`;
  const row = await db
    .insertInto('rate_limits')
    .values({ key, count: 1, window_start: now, tokens: 0 })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        count: sql`case when ${expired} then 1 else rate_limits.count + 1 end`,
        window_start: sql`case when ${expired} then ${now} else rate_limits.window_start end`,
      }),
    )
    .returning(['count', 'window_start'])
    .executeTakeFirstOrThrow();
  if (row.count <= limit.limit) return { allowed: true, remaining: limit.limit - row.count };
  return {
    allowed: false,
    retryAfter: Math.max(1, Math.ceil((row.window_start + limit.windowMs - now) / 1000)),
  };
}

/** Reads a fixed-window limit without counting: is the key already over its limit? */
export async function peekRateLimit(
  key: string,
  limit: WindowLimit,
  options: Options = {},
): Promise<RateLimitResult> {
  const now = resolveNow(options.now);
  const row = await (options.db ?? getDb())
    .selectFrom('rate_limits')
    .select(['count', 'window_start'])
    .where('key', '=', key)
    .executeTakeFirst();
  if (!row || row.window_start <= now - limit.windowMs)
    return { allowed: true, remaining: limit.limit };
  if (row.count < limit.limit) return { allowed: true, remaining: limit.limit - row.count };
  return {
    allowed: false,
    retryAfter: Math.max(1, Math.ceil((row.window_start + limit.windowMs - now) / 1000)),
  };
}

/** Takes one token from a bucket; refused when less than one token is left. */
export async function consumeTokenBucket(
  key: string,
  bucket: BucketLimit,
  options: Options = {},
): Promise<RateLimitResult> {
  const now = resolveNow(options.now);
  const db = options.db ?? getDb();
  const perMs = bucket.refillPerMinute / MINUTE;
  const cap = sql.lit(bucket.capacity);
  const grown = sql`(rate_limits.tokens + (${now} - rate_limits.window_start) * ${sql.lit(perMs)})`;
  const refilled = sql`(case when ${grown} > ${cap} then ${cap} else ${grown} end)`;
  const row = await db
    .insertInto('rate_limits')
    .values({ key, count: 1, window_start: now, tokens: bucket.capacity - 1 })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        count: sql`case when ${refilled} >= 1 then 1 else 0 end`,
        tokens: sql`case when ${refilled} >= 1 then ${refilled} - 1 else ${refilled} end`,
        window_start: sql`${now}`,
      }),
    )
    .returning(['count', 'tokens'])
    .executeTakeFirstOrThrow();
  if (Number(row.count) === 1) return { allowed: true, remaining: Math.floor(Number(row.tokens)) };
  return {
    allowed: false,
    retryAfter: Math.max(1, Math.ceil((1 - Number(row.tokens)) / perMs / 1000)),
  };
}

/** Clears a limiter key (a successful login resets the account's failures). */
export async function resetRateLimit(
  key: string,
  options: Pick<Options, 'db'> = {},
): Promise<void> {
  await (options.db ?? getDb()).deleteFrom('rate_limits').where('key', '=', key).execute();
}

/** `retryAfter` (seconds, any real number) as Retry-After's delay-seconds: an integer ≥ 1. */
export function toRetryAfterSeconds(retryAfter: number): number {
  return Number.isFinite(retryAfter) ? Math.max(1, Math.ceil(retryAfter)) : 1;
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? '' : 's'}`;
}

/**
 * A wait in words, rounded up to the unit shown so it is never shorter than
 * the header: "4 seconds" under a minute, "2 minutes" under an hour, else hours.
 */
export function describeWait(seconds: number): string {
  const whole = toRetryAfterSeconds(seconds);
  if (whole < 60) return plural(whole, 'second');
  if (whole < 3600) return plural(Math.ceil(whole / 60), 'minute');
  return plural(Math.ceil(whole / 3600), 'hour');
}
