// Prints how the site reads and shows a few dates, for a test that runs it under several TZ values.
import { publicationInstant } from '../../src/lib/federation-day.ts';
import { formatDate, isoDate } from '../../src/lib/format.ts';
import { toDate } from '../../src/schemas/date.ts';

const dateOnly = toDate('2024-07-02') as Date;
console.log(
  JSON.stringify({
    dateOnly: formatDate(dateOnly),
    dateOnlyIso: isoDate(dateOnly),
    nearMidnight: formatDate(new Date('2024-07-01T23:30:00Z')),
    wallClock: (toDate('2024-07-02 00:30') as Date).toISOString(),
    feed: publicationInstant(dateOnly).toISOString(),
  }),
);
