/**
 * Page numbers read from a query string (`?page=`), for every paged list.
 */

/** The largest page asked for that is honoured: offsets stay exact whole numbers for both stores. */
export const MAX_PAGE_NUMBER = 1_000_000;

/**
 * A 1-based page number from a query value (or a number already read): the whole part of a number from 1 to
 * `MAX_PAGE_NUMBER`; a larger one (`1e400`, twenty digits) reads as `MAX_PAGE_NUMBER`, and
 * anything else (missing, words, 0, negative) as page 1. Never throws.
 */
export function readPageNumber(value: string | number | null | undefined): number {
  const n = Math.floor(Number(value));
  if (!(n >= 1)) return 1;
  return Math.min(n, MAX_PAGE_NUMBER);
}
