/**
 * The federation's own calendar: dates mean the day in Europe/London (GMT in
 * winter, BST in summer), whatever the time zone of the build machine, the
 * editor's browser or the reader. A date-only value ("2024-07-02") is held as
 * that day's UTC midnight, which is always the same day in London (UTC+0/+1).
 * Time zones from the IANA database through `Intl` (ECMA-402).
 */

/** The federation's time zone (IANA name). */
export const FEDERATION_TIME_ZONE = 'Europe/London';

const dayParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: FEDERATION_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** The London wall-clock fields of an instant. */
function londonFields(
  instant: Date,
): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number> {
  const parts = dayParts.formatToParts(instant);
  const field = (type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find((part) => part.type === type)?.value ?? 0);
  return {
    year: field('year'),
    month: field('month'),
    day: field('day'),
    hour: field('hour'),
    minute: field('minute'),
    second: field('second'),
  };
}

/** The London calendar day of an instant, as "YYYY-MM-DD" (00:30 BST on 2 July 2024 → "2024-07-02"). */
export function federationDay(instant: Date): string {
  // A calendar day is that day's UTC midnight, the same day in London: no time zone
  // lookup, which costs more than the rest of a news list's markup.
  const { year, month, day } = isCalendarDay(instant)
    ? {
        year: instant.getUTCFullYear(),
        month: instant.getUTCMonth() + 1,
        day: instant.getUTCDate(),
      }
    : londonFields(instant);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** London's offset from UTC at an instant, in milliseconds (0 in GMT, 3 600 000 in BST). */
function londonOffsetMs(instant: Date): number {
  const f = londonFields(instant);
  const asUtc = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second);
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/**
 * The instant of a London wall-clock time (month 1-12). In the hour skipped
 * when clocks go forward the time is read as GMT; in the hour repeated when
 * they go back, as the first (BST) one.
 */
export function londonTime(
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  millisecond = 0,
): Date {
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, millisecond);
  const before = londonOffsetMs(new Date(wall - 86_400_000));
  const after = londonOffsetMs(new Date(wall + 86_400_000));
  // Each offset London had around then names an instant; keep those London agrees with.
  const fits = [...new Set([before, after])]
    .map((offset) => wall - offset)
    .filter((instant) => wall - londonOffsetMs(new Date(instant)) === instant);
  return new Date(fits.length > 0 ? Math.min(...fits) : wall - before);
}

/** True for a date held as a calendar day: exactly midnight UTC. */
export function isCalendarDay(date: Date): boolean {
  return date.getTime() % 86_400_000 === 0;
}

/**
 * The instant a feed or machine-readable record gives for a date: noon in
 * London for a calendar day, so readers from UTC−11 to UTC+11 all see the same
 * day; the instant itself for a date with a time.
 */
export function publicationInstant(date: Date): Date {
  if (!isCalendarDay(date)) return date;
  return londonTime(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), 12);
}
