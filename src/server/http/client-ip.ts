import type { Context } from '@netlify/functions';
import {
  consumeTokenBucket,
  FORM_IP_BUCKET,
  rateLimitKey,
  type RateLimitResult,
} from '../rate-limit.ts';

/** The client's IP as the platform reports it; never a request header, which anyone can forge. */
export function clientIp(context: Pick<Context, 'ip'> | undefined): string {
  return context?.ip || 'unknown';
}

/** Takes one token from the client IP's bucket for costly form posts (registration, reset). */
export function consumeFormIpToken(
  context: Pick<Context, 'ip'> | undefined,
): Promise<RateLimitResult> {
  return consumeTokenBucket(rateLimitKey('form-ip', clientIp(context)), FORM_IP_BUCKET);
}
