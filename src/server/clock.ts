/** Time helpers: domain functions take `now` (milliseconds) so tests can move the clock. */

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** The current time in milliseconds, or the injected one. */
export function resolveNow(now?: number | Date): number {
  if (now === undefined) return Date.now();
  return typeof now === 'number' ? now : now.getTime();
}
