/**
 * The one wording of a rate-limit refusal. The `Retry-After` header (RFC 9110
 * 10.2.3, delay-seconds) and the sentence a person reads come from the same
 * figure: whole seconds, rounded up, at least 1.
 */
import { describeWait, toRetryAfterSeconds } from '../rate-limit.ts';
import { HttpError } from './errors.ts';

/** A 429's figure, header and sentence, all from one number of seconds. */
export interface RateLimitAnswer {
  /** Whole seconds to wait, rounded up, at least 1. */
  seconds: number;
  /** `{ 'Retry-After': '<seconds>' }`. */
  headers: Record<string, string>;
  /** "Too many attempts. Wait 4 seconds and try again." */
  message: string;
}

/** The figure, `Retry-After` header and sentence of a 429 that asks to wait `retryAfter` seconds. */
export function describeRateLimit(retryAfter: number): RateLimitAnswer {
  const seconds = toRetryAfterSeconds(retryAfter);
  return {
    seconds,
    headers: { 'Retry-After': String(seconds) },
    message: `Too many attempts. Wait ${describeWait(seconds)} and try again.`,
  };
}

/** A 429 to throw from any handler, worded and headed by `describeRateLimit`. */
export function rateLimitedError(retryAfter: number): HttpError {
  const answer = describeRateLimit(retryAfter);
  return new HttpError(429, answer.message, answer.headers);
}
