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
 * Prepares `all` once for many related-article queries: a site builds one per
 * article, so each query costs the articles sharing a tag with it rather than a
 * sort of the whole collection. `find(current, limit)` gives what `findRelated` gives.
 */
export function createRelatedFinder<T extends Dated>(
  all: readonly T[],
): (current: T, limit?: number) => T[] {
  const newest = sortNewestFirst(all);
  const recency = new Map(newest.map((entry, index) => [entry, index]));
  const byTag = new Map<string, T[]>();
  for (const entry of newest) {
    for (const tag of new Set((entry.data.tags ?? []).map((t) => t.toLowerCase()))) {
      const tagged = byTag.get(tag);
      if (tagged) tagged.push(entry);
      else byTag.set(tag, [entry]);
    }
  }
  return (current, limit = 3) => {
    const sharing = new Set<T>();
    for (const tag of new Set((current.data.tags ?? []).map((t) => t.toLowerCase())))
      for (const entry of byTag.get(tag) ?? []) if (entry.id !== current.id) sharing.add(entry);
    const ranked = [...sharing]
      .map((entry) => ({ entry, shared: countSharedTags(current, entry) }))
      .sort((a, b) => b.shared - a.shared || recency.get(a.entry)! - recency.get(b.entry)!)
      .slice(0, limit)
      .map((s) => s.entry);
    // Articles sharing no tag fill the remaining places, newest first.
    for (const entry of newest) {
      if (ranked.length >= limit) break;
      if (entry.id !== current.id && !sharing.has(entry)) ranked.push(entry);
    }
    return ranked;
  };
}

/**
 * Articles related to `current`: most shared tags first, then the most recent.
 * Articles sharing no tag fill the remaining places by recency, so a page
 * always offers something to read next when there is anything else.
 */
export function findRelated<T extends Dated>(current: T, all: readonly T[], limit = 3): T[] {
  return createRelatedFinder(all)(current, limit);
}
