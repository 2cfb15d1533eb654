import { FEDERATION_TIME_ZONE, federationDay } from './federation-day';

const longDate = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: FEDERATION_TIME_ZONE,
});

/** "2 July 2024": the federation's day (Europe/London) of a date. */
export function formatDate(date: Date): string {
  return longDate.format(date);
}

/** "2024-07-02", the federation's day, for `<time datetime>` and machine-readable data. */
export function isoDate(date: Date): string {
  return federationDay(date);
}
