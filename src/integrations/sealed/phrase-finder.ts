/**
 * Which of many phrases occur in a text, in one pass over the text whatever the
 * number of phrases: Rabin-Karp with a single window length (Karp and Rabin, "Efficient
 * randomized pattern-matching algorithms", 1987). Every phrase is keyed by a rolling
 * hash of its first `window` characters; each window of the text is hashed in constant
 * time, tested against a bit table, and only on a hit compared in full. Exact and
 * case-sensitive: fold both sides first (sealed-text.ts `normalise`) when needed.
 */

/** Phrases shorter than this are looked for with `includes`: a short window matches too often. */
const MIN_WINDOW = 8;
/** Longer windows cost more to hash up front and filter no better. */
const MAX_WINDOW = 32;
const BASE = 257;
const TABLE_BITS = 20;
const TABLE_MASK = (1 << TABLE_BITS) - 1;

/** Hash of `text` from `start` for `length` characters, modulo 2^32 (as an int32). */
function hashOf(text: string, start: number, length: number): number {
  let hash = 0;
  for (let i = start; i < start + length; i++) hash = (Math.imul(hash, BASE) + text.charCodeAt(i)) | 0;
  return hash;
}

/**
 * Prepares `phrases` once; the returned function gives the indices (into `phrases`,
 * ascending) of those that occur in a text. Cost per text: its length, plus a full
 * comparison wherever a phrase's first `window` characters occur.
 */
export function createPhraseFinder(phrases: readonly string[]): (text: string) => number[] {
  const short: number[] = [];
  const long: number[] = [];
  phrases.forEach((phrase, index) => (phrase.length < MIN_WINDOW ? short : long).push(index));
  const window = long.reduce((min, i) => Math.min(min, phrases[i].length), MAX_WINDOW);
  let highPower = 1;
  for (let i = 1; i < window; i++) highPower = Math.imul(highPower, BASE);

  const byHash = new Map<number, number[]>();
  const table = new Uint8Array(1 << (TABLE_BITS - 3));
  for (const index of long) {
    const hash = hashOf(phrases[index], 0, window);
    const same = byHash.get(hash);
    if (same) same.push(index);
    else byHash.set(hash, [index]);
    table[(hash & TABLE_MASK) >>> 3] |= 1 << (hash & 7);
  }

  return (text) => {
    const found = new Set<number>();
    for (const index of short) if (text.includes(phrases[index])) found.add(index);
    const compare = (at: number, hash: number) => {
      for (const index of byHash.get(hash) ?? []) {
        if (!found.has(index) && text.startsWith(phrases[index], at)) found.add(index);
      }
    };
    const last = text.length - window;
    if (long.length > 0 && last >= 0) {
      let hash = hashOf(text, 0, window);
      for (let at = 0; ; at++) {
        if ((table[(hash & TABLE_MASK) >>> 3] & (1 << (hash & 7))) !== 0) compare(at, hash);
        if (at === last) break;
        const dropped = Math.imul(text.charCodeAt(at), highPower);
        hash = (Math.imul(hash - dropped, BASE) + text.charCodeAt(at + window)) | 0;
      }
    }
    return [...found].sort((a, b) => a - b);
  };
}
