const longDate = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

/** "1 March 2024": dates are calendar days, so they are formatted in UTC. */
export function formatDate(date: Date): string {
  return longDate.format(date);
}

/** "2024-03-01", for `<time datetime>` and feeds. */
export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
