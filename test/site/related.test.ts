import { describe, expect, it } from 'vitest';
import { createRelatedFinder, findRelated, sortNewestFirst } from '../../src/lib/related';

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

  it('answers every article of a collection as ranking the whole collection would', () => {
    // The ranking spelled out: every other article scored, sorted by shared tags then recency.
    type Entry = ReturnType<typeof entry>;
    const rankAll = (current: Entry, every: Entry[], limit: number) => {
      const tags = new Set((current.data.tags ?? []).map((t) => t.toLowerCase()));
      return sortNewestFirst(every.filter((e) => e.id !== current.id))
        .map((e, recency) => ({
          e,
          recency,
          shared: (e.data.tags ?? []).filter((t) => tags.has(t.toLowerCase())).length,
        }))
        .sort((a, b) => b.shared - a.shared || a.recency - b.recency)
        .slice(0, limit)
        .map((s) => s.e.id);
    };
    let seed = 11;
    const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];
    const tags = ['pay', 'PAY', 'welfare', 'legal', 'courts', 'Legal'];
    const collection = Array.from({ length: 60 }, (_, i) =>
      entry(
        `a${i}`,
        `2024-0${1 + Math.floor(random() * 3)}-1${Math.floor(random() * 3)}`,
        random() < 0.2
          ? undefined
          : Array.from({ length: Math.floor(random() * 4) }, () => pick(tags)),
      ),
    );
    const find = createRelatedFinder(collection);
    for (const current of collection) {
      for (const limit of [1, 3, 8])
        expect(find(current, limit).map((e) => e.id)).toEqual(rankAll(current, collection, limit));
    }
  });
});
