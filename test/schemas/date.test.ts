import { describe, expect, it } from 'vitest';
import { isCalendarDate } from '../../src/schemas/date';

describe('isCalendarDate', () => {
  it.each(['2024-02-29', '2023-08-26', '2024-03-01T09:30:00Z', '2024-03-01 09:30'])(
    'accepts %s',
    (text) => {
      expect(isCalendarDate(text)).toBe(true);
    },
  );

  it.each([
    '2023-02-29',
    '2024-04-31',
    '2024-13-45',
    '2024-00-10',
    '24-03-01',
    '01/03/2024',
    'March 2024',
  ])('refuses %s', (text) => {
    expect(isCalendarDate(text)).toBe(false);
  });
});
