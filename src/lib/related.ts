/** The fields of a news entry that ordering and relatedness depend on. */
export interface Dated {
  id: string;
  data: { date: Date; tags?: string[] };
}

/** Newest first; entries with the same date fall back to their id, so the order is stable. */
export function sortNewestFirst<T extends Dated>(entries: readonly T[]): T[] {
  return [...entries].sort(
    (a, b) => b.data.date.getTime() - a.data.date.getTime() || a.id.localeCompare(b.id),
  );
}

/** Number of tags two entries share, compared case-insensitively. */
function countSharedTags(a: Dated, b: Dated): number {
  const tags = new Set((a.data.tags ?? []).map((t) => t.toLowerCase()));
  return (b.data.tags ?? []).filter((t) => tags.has(t.toLowerCase())).length;
}

/**
 * Articles related to `current`: most shared tags first, then the most recent.
 * Articles sharing no tag fill the remaining places by recency, so a page
 * always offers something to read next when there is anything else.
 */
export function findRelated<T extends Dated>(current: T, all: readonly T[], limit = 3): T[] {
  const others = sortNewestFirst(all.filter((entry) => entry.id !== current.id));
  const scored = others.map((entry, recency) => ({
    entry,
    shared: countSharedTags(current, entry),
    recency,
  }));
  scored.sort((a, b) => b.shared - a.shared || a.recency - b.recency);
  return scored.slice(0, limit).map((s) => s.entry);
}
