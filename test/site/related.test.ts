import { describe, expect, it } from 'vitest';
import { findRelated, sortNewestFirst } from '../../src/lib/related';

const entry = (id: string, date: string, tags?: string[]) => ({
  id,
  data: { date: new Date(date), tags },
});

describe('related articles', () => {
  const current = entry('current', '2024-05-01', ['pay', 'Welfare']);
  const all = [
    current,
    entry('old-both', '2023-01-01', ['pay', 'welfare']),
    entry('new-none', '2024-06-01', ['courts']),
    entry('mid-pay', '2024-03-01', ['pay']),
    entry('new-pay', '2024-04-01', ['PAY']),
  ];

  it('ranks by shared tags (ignoring case), then recency, and never includes the article itself', () => {
    expect(findRelated(current, all, 4).map((e) => e.id)).toEqual([
      'old-both',
      'new-pay',
      'mid-pay',
      'new-none',
    ]);
  });

  it('stops at the limit', () => {
    expect(findRelated(current, all, 2)).toHaveLength(2);
  });

  it('falls back to the newest when an article has no tags', () => {
    const untagged = entry('untagged', '2024-01-01');
    expect(findRelated(untagged, all, 2).map((e) => e.id)).toEqual(['new-none', 'current']);
  });

  it('sorts newest first with a stable order for equal dates', () => {
    const sorted = sortNewestFirst([
      entry('b', '2024-01-01'),
      entry('a', '2024-01-01'),
      entry('c', '2024-02-01'),
    ]);
    expect(sorted.map((e) => e.id)).toEqual(['c', 'a', 'b']);
  });
});
