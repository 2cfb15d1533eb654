import { z } from 'astro/zod';
import { londonTime } from '../lib/federation-day';

/** The message every date field gives for a date it cannot use. */
export const DATE_MESSAGE = 'Use a real date in the form YYYY-MM-DD';

const isoDate =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * True when `text` is an ISO date (optionally with a time) naming a day that exists.
 * `new Date('2024-02-30')` silently becomes 1 March, so the day is checked by hand.
 */
export function isCalendarDate(text: string): boolean {
  const match = isoDate.exec(text.trim());
  if (!match) return false;
  const [year, month, day] = match.slice(1, 4).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  );
}

/**
 * Turns a date string into a `Date`, or an invalid `Date` when the day does not
 * exist. A day alone is held as its UTC midnight (a calendar day); a time with
 * a zone is that instant; a time without one is London's wall clock, the
 * federation's own time, not the build machine's.
 */
export function toDate(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const text = value.trim();
  const match = isoDate.exec(text);
  if (!match || !isCalendarDate(text)) return new Date(Number.NaN);
  const [year, month, day, hour, minute, second] = match
    .slice(1, 7)
    .map((part) => (part === undefined ? undefined : Number(part)));
  const fraction = match[7] === undefined ? 0 : Number(match[7].padEnd(3, '0'));
  if (hour === undefined) return new Date(Date.UTC(year!, month! - 1, day));
  if (hour > 23 || minute! > 59 || (second ?? 0) > 59) return new Date(Number.NaN);
  if (match[8]) {
    const zone = match[8] === 'Z' ? 'Z' : `${match[8].slice(0, 3)}:${match[8].slice(-2)}`;
    const clock = `${match[4]}:${match[5]}:${match[6] ?? '00'}.${String(fraction).padStart(3, '0')}`;
    return new Date(`${match[1]}-${match[2]}-${match[3]}T${clock}${zone}`);
  }
  return londonTime(year!, month!, day!, hour, minute, second ?? 0, fraction);
}

/**
 * A frontmatter date: a `Date` (as YAML parses `2024-03-01`) or an ISO date string.
 * Impossible days such as `2024-13-45` are refused with {@link DATE_MESSAGE}.
 */
export const dateField = () =>
  z.preprocess(
    toDate,
    z.date({
      errorMap: (issue) => ({
        message:
          issue.code === 'invalid_type' && issue.received === 'undefined'
            ? `Add a date. ${DATE_MESSAGE}`
            : DATE_MESSAGE,
      }),
    }),
  );
