/**
 * Text the store cannot hold or compare: PostgreSQL refuses a NUL character
 * (U+0000) in any text value (SQLSTATE 22021), so a NUL a client sent would
 * otherwise fail the query as a server error. The guard refuses it before the
 * query runs, on SQLite too, so both engines answer alike.
 */

/** A query parameter held a NUL character; the request that carried it is bad input. */
export class UnstorableTextError extends Error {
  override name = 'UnstorableTextError';
  constructor() {
    super(
      'The request holds a NUL character (U+0000), which no form sends. Remove it and try again.',
    );
  }
}

/** Throws `UnstorableTextError` when any string parameter of a query holds U+0000. */
export function assertStorableParameters(parameters: readonly unknown[]): void {
  for (const value of parameters) {
    if (typeof value === 'string' && value.includes('\u0000')) throw new UnstorableTextError();
  }
}
