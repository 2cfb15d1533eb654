import { describe, expect, it } from 'vitest';
import { MINUTE } from '../../src/server/clock.ts';
import {
  consumeRateLimit,
  consumeTokenBucket,
  EMAIL_ADDRESS_LIMIT,
  LOGIN_ACCOUNT_LIMIT,
  peekRateLimit,
  rateLimitKey,
  resetRateLimit,
} from '../../src/server/rate-limit.ts';
import { ENGINES, useTestStore } from './support.ts';

const T0 = Date.UTC(2026, 0, 1, 9, 0, 0);
let n = 0;
const freshKey = () => rateLimitKey('test', `key-${++n}`);

describe.each(ENGINES)('rate limits on %s', (engine) => {
  useTestStore(engine);

  it('allows the limit within a window, then refuses until the window that began with the first event ends', async () => {
    const key = freshKey();
    for (let i = 1; i <= 10; i++) {
      expect(await consumeRateLimit(key, LOGIN_ACCOUNT_LIMIT, { now: T0 + i * 1000 })).toEqual({
        allowed: true,
        remaining: 10 - i,
      });
    }
    expect(await consumeRateLimit(key, LOGIN_ACCOUNT_LIMIT, { now: T0 + 60_000 })).toEqual({
      allowed: false,
      retryAfter: 541,
    });
  });

  it('opens again when the window has passed', async () => {
    const key = freshKey();
    for (let i = 0; i < 3; i++) await consumeRateLimit(key, EMAIL_ADDRESS_LIMIT, { now: T0 });
    expect(
      (await consumeRateLimit(key, EMAIL_ADDRESS_LIMIT, { now: T0 + 10 * MINUTE - 1 })).allowed,
    ).toBe(false);
    expect(
      (await consumeRateLimit(key, EMAIL_ADDRESS_LIMIT, { now: T0 + 10 * MINUTE })).allowed,
    ).toBe(true);
  });

  it('lets exactly one of two concurrent requests at the limit through', async () => {
    for (let round = 0; round < 5; round++) {
      const key = freshKey();
      for (let i = 0; i < 9; i++) await consumeRateLimit(key, LOGIN_ACCOUNT_LIMIT, { now: T0 });
      const results = await Promise.all([
        consumeRateLimit(key, LOGIN_ACCOUNT_LIMIT, { now: T0 }),
        consumeRateLimit(key, LOGIN_ACCOUNT_LIMIT, { now: T0 }),
      ]);
      expect(results.filter((r) => r.allowed)).toHaveLength(1);
    }
  });

  it('lets exactly the limit through out of many concurrent requests', async () => {
    const key = freshKey();
    const results = await Promise.all(
      Array.from({ length: 25 }, () => consumeRateLimit(key, EMAIL_ADDRESS_LIMIT, { now: T0 })),
    );
    expect(results.filter((r) => r.allowed)).toHaveLength(3);
  });

  it('peeks without counting', async () => {
    const key = freshKey();
    await consumeRateLimit(key, EMAIL_ADDRESS_LIMIT, { now: T0 });
    await peekRateLimit(key, EMAIL_ADDRESS_LIMIT, { now: T0 });
    expect(await peekRateLimit(key, EMAIL_ADDRESS_LIMIT, { now: T0 })).toEqual({
      allowed: true,
      remaining: 2,
    });
  });

  it('resets a key', async () => {
    const key = freshKey();
    for (let i = 0; i < 4; i++) await consumeRateLimit(key, EMAIL_ADDRESS_LIMIT, { now: T0 });
    await resetRateLimit(key);
    expect((await consumeRateLimit(key, EMAIL_ADDRESS_LIMIT, { now: T0 })).allowed).toBe(true);
  });

  it('empties a token bucket, then refills it over time', async () => {
    const key = freshKey();
    const bucket = { capacity: 3, refillPerMinute: 6 };
    for (let i = 0; i < 3; i++)
      expect((await consumeTokenBucket(key, bucket, { now: T0 })).allowed).toBe(true);
    expect(await consumeTokenBucket(key, bucket, { now: T0 })).toEqual({
      allowed: false,
      retryAfter: 10,
    });
    expect((await consumeTokenBucket(key, bucket, { now: T0 + 5_000 })).allowed).toBe(false);
    expect((await consumeTokenBucket(key, bucket, { now: T0 + 10_000 })).allowed).toBe(true);
    // Never holds more than its capacity however long it waits.
    for (let i = 0; i < 3; i++)
      expect((await consumeTokenBucket(key, bucket, { now: T0 + 3_600_000 })).allowed).toBe(true);
    expect((await consumeTokenBucket(key, bucket, { now: T0 + 3_600_000 })).allowed).toBe(false);
  });

  it('lets exactly one of two concurrent requests take the last token', async () => {
    const key = freshKey();
    const bucket = { capacity: 2, refillPerMinute: 1 };
    await consumeTokenBucket(key, bucket, { now: T0 });
    const results = await Promise.all([
      consumeTokenBucket(key, bucket, { now: T0 }),
      consumeTokenBucket(key, bucket, { now: T0 }),
    ]);
    expect(results.filter((r) => r.allowed)).toHaveLength(1);
  });

  it('keeps identifiers out of the store: keys are hashed', () => {
    const key = rateLimitKey('mail', 'Someone@Example.com');
    expect(key).toBe(rateLimitKey('mail', 'someone@example.com'));
    expect(key).not.toContain('example');
  });
});
