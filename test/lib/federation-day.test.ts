import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { federationDay, londonTime, publicationInstant } from '../../src/lib/federation-day.ts';
import { formatDate, isoDate } from '../../src/lib/format.ts';
import { toDate } from '../../src/schemas/date.ts';

const at = (iso: string) => new Date(iso);

describe('the federation’s day of an instant', () => {
  it.each([
    // British Summer Time: London is UTC+1, so its day starts at 23:00 UTC.
    ['2024-07-01T22:59:59Z', '2024-07-01'],
    ['2024-07-01T23:00:00Z', '2024-07-02'],
    ['2024-07-01T23:30:00Z', '2024-07-02'],
    ['2024-07-02T22:59:59Z', '2024-07-02'],
    // Greenwich Mean Time: London's day is UTC's day.
    ['2024-01-15T23:59:59Z', '2024-01-15'],
    ['2024-01-16T00:00:00Z', '2024-01-16'],
    // The nights the clocks change (31 March and 27 October 2024).
    ['2024-03-30T23:59:59Z', '2024-03-30'],
    ['2024-03-31T00:00:00Z', '2024-03-31'],
    ['2024-03-31T23:00:00Z', '2024-04-01'],
    ['2024-10-26T22:59:59Z', '2024-10-26'],
    ['2024-10-26T23:00:00Z', '2024-10-27'],
    ['2024-10-27T23:59:59Z', '2024-10-27'],
    // A date-only value is its day's UTC midnight, 01:00 in London in summer: the same day.
    ['2024-07-02T00:00:00Z', '2024-07-02'],
    ['1990-06-15T00:00:00Z', '1990-06-15'],
  ])('%s is %s in London', (instant, day) => {
    expect(federationDay(at(instant))).toBe(day);
    expect(isoDate(at(instant))).toBe(day);
  });
});

describe('dates on the pages', () => {
  it('shows a date-only value as that day, in summer and in winter', () => {
    expect(formatDate(toDate('2024-07-02') as Date)).toBe('2 July 2024');
    expect(isoDate(toDate('2024-07-02') as Date)).toBe('2024-07-02');
    expect(formatDate(toDate('2024-01-15') as Date)).toBe('15 January 2024');
    expect(formatDate(toDate('2024-10-27') as Date)).toBe('27 October 2024');
  });

  it('shows an instant as its London day: 00:30 BST on 2 July is 2 July', () => {
    expect(formatDate(at('2024-07-01T23:30:00Z'))).toBe('2 July 2024');
    expect(formatDate(toDate('2024-07-02T00:30:00+01:00') as Date)).toBe('2 July 2024');
    expect(formatDate(toDate('2024-07-01T23:30:00Z') as Date)).toBe('2 July 2024');
  });

  it('reads a time without a zone as London’s clock, across both clock changes', () => {
    expect((toDate('2024-07-02 00:30') as Date).toISOString()).toBe('2024-07-01T23:30:00.000Z');
    expect((toDate('2024-01-15T00:30') as Date).toISOString()).toBe('2024-01-15T00:30:00.000Z');
    // 01:30 on 31 March does not exist in London (01:00 GMT → 02:00 BST): read as GMT.
    expect(londonTime(2024, 3, 31, 1, 30).toISOString()).toBe('2024-03-31T01:30:00.000Z');
    // 01:30 on 27 October happens twice: the first (BST) is meant.
    expect(londonTime(2024, 10, 27, 1, 30).toISOString()).toBe('2024-10-27T00:30:00.000Z');
  });

  it('refuses impossible days and times', () => {
    for (const text of ['2024-02-30', '2024-07-02T24:30', '2024-07-02T10:61']) {
      expect(Number.isNaN((toDate(text) as Date).getTime()), text).toBe(true);
    }
  });
});

describe('dates in the feed', () => {
  it('gives a calendar day as noon in London, so every reader sees the same day', () => {
    expect(publicationInstant(toDate('2024-07-02') as Date).toISOString()).toBe(
      '2024-07-02T11:00:00.000Z',
    );
    expect(publicationInstant(toDate('2024-01-15') as Date).toISOString()).toBe(
      '2024-01-15T12:00:00.000Z',
    );
    const instant = at('2024-07-01T23:30:00Z');
    expect(publicationInstant(instant)).toBe(instant);
  });
});

describe('independence from the machine’s time zone', () => {
  it('gives the same days and instants when the process runs in other zones', () => {
    const script = path.join(import.meta.dirname, 'print-dates.ts');
    const outputs = ['UTC', 'America/Los_Angeles', 'Pacific/Auckland', 'Europe/London'].map((tz) =>
      execFileSync(process.execPath, ['--import', 'tsx', script], {
        env: { ...process.env, TZ: tz },
        encoding: 'utf8',
      }),
    );
    expect(JSON.parse(outputs[0])).toEqual({
      dateOnly: '2 July 2024',
      dateOnlyIso: '2024-07-02',
      nearMidnight: '2 July 2024',
      wallClock: '2024-07-01T23:30:00.000Z',
      feed: '2024-07-02T11:00:00.000Z',
    });
    expect(new Set(outputs).size).toBe(1);
  });
});
