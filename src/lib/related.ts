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

/** An entry's tags in lower case, sorted, duplicates kept (each one counts as shared). */
function foldedTags(entry: Dated): string[] {
  return (entry.data.tags ?? []).map((t) => t.toLowerCase()).sort();
}

/**
 * Prepares `all` once for many related-article queries: a site builds one per
 * article. Articles with the same tags rank alike, so each query scores every
 * distinct set of tags once, then takes the newest of the best sets: its cost
 * follows the number of tag sets, not of articles. `find(current, limit)` gives
 * what `findRelated` gives.
 */
export function createRelatedFinder<T extends Dated>(
  all: readonly T[],
): (current: T, limit?: number) => T[] {
  const newest = sortNewestFirst(all);
  const recency = new Map(newest.map((entry, index) => [entry, index]));
  // Each group's entries stay newest first.
  const groups = new Map<string, { tags: string[]; entries: T[] }>();
  for (const entry of newest) {
    const tags = foldedTags(entry);
    const key = tags.join('\u0000');
    const group = groups.get(key);
    if (group) group.entries.push(entry);
    else groups.set(key, { tags, entries: [entry] });
  }
  const sets = [...groups.values()];

  return (current, limit = 3) => {
    const wanted = new Set(foldedTags(current));
    const byShared = new Map<number, T[][]>();
    for (const { tags, entries } of sets) {
      const shared = tags.filter((t) => wanted.has(t)).length;
      const level = byShared.get(shared);
      if (level) level.push(entries);
      else byShared.set(shared, [entries]);
    }
    const related: T[] = [];
    for (const shared of [...byShared.keys()].sort((a, b) => b - a)) {
      if (related.length >= limit) break;
      const need = limit - related.length;
      // The newest `need` of each group at this score are enough to find the newest overall.
      const candidates = byShared
        .get(shared)!
        .flatMap((entries) =>
          entries
            .slice(0, need + 1)
            .filter((e) => e.id !== current.id)
            .slice(0, need),
        )
        .sort((a, b) => recency.get(a)! - recency.get(b)!);
      related.push(...candidates.slice(0, need));
    }
    return related;
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
