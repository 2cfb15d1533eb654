import { describe, expect, it } from 'vitest';
import { refuse } from '../../src/server/http/handler.ts';
import { describeRateLimit, rateLimitedError } from '../../src/server/http/retry-after.ts';
import { describeWait, toRetryAfterSeconds } from '../../src/server/rate-limit.ts';

describe('the wait of a rate-limit refusal', () => {
  it('rounds the figure up to whole seconds, at least one', () => {
    expect([0, 0.2, 1, 3.01, 4, 59.5, 600, Number.NaN].map(toRetryAfterSeconds)).toEqual([
      1, 1, 1, 4, 4, 60, 600, 1,
    ]);
  });

  it('says seconds under a minute, minutes under an hour, else hours, never less than the header', () => {
    expect(describeWait(1)).toBe('1 second');
    expect(describeWait(4)).toBe('4 seconds');
    expect(describeWait(59)).toBe('59 seconds');
    expect(describeWait(60)).toBe('1 minute');
    expect(describeWait(61)).toBe('2 minutes');
    expect(describeWait(600)).toBe('10 minutes');
    expect(describeWait(3599)).toBe('60 minutes');
    expect(describeWait(3600)).toBe('1 hour');
    expect(describeWait(7201)).toBe('3 hours');
  });

  it('gives the header and the sentence from the same figure', () => {
    expect(describeRateLimit(3.2)).toEqual({
      seconds: 4,
      headers: { 'Retry-After': '4' },
      message: 'Too many attempts. Wait 4 seconds and try again.',
    });
    expect(describeRateLimit(90).message).toBe('Too many attempts. Wait 2 minutes and try again.');
  });

  it('answers a thrown rate-limit error with the same header and sentence', async () => {
    const req = new Request('http://site.test/api/x', { headers: { accept: 'application/json' } });
    const res = refuse(req, rateLimitedError(4));
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('4');
    expect(await res.json()).toEqual({
      ok: false,
      error: 'Too many attempts. Wait 4 seconds and try again.',
    });
  });
});
