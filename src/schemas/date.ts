import { z } from 'astro/zod';

/** The message every date field gives for a date it cannot use. */
export const DATE_MESSAGE = 'Use a real date in the form YYYY-MM-DD';

const isoDate = /^(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/;

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

/** Turns a date string into a `Date`, or an invalid `Date` when the day does not exist. */
function toDate(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  return isCalendarDate(value) ? new Date(value.trim()) : new Date(Number.NaN);
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
