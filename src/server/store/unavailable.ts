/**
 * The one place that decides which store failures mean "the database is briefly
 * out of reach" rather than a bug: lost or refused connections, timeouts, locks,
 * a busy SQLite file or one that cannot be opened or read, a schema this code
 * cannot use yet. Callers answer those with 503 and `Retry-After`; every other
 * error stays what it is.
 */
import { errorCode } from '../../lib/error-code.ts';

/** Why the store cannot serve a request just now. */
export type StoreUnavailableReason = 'unreachable' | 'timeout' | 'busy' | 'schema';

/** How long a client should wait before trying again, by reason (seconds, RFC 9110 §10.2.3). */
const RETRY_AFTER_SECONDS: Record<StoreUnavailableReason, number> = {
  unreachable: 10,
  timeout: 10,
  busy: 5,
  schema: 60,
};

/** The store is out of reach, timed out, locked or not migrated; the request may be retried later. */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
  /** Seconds to put in `Retry-After`. */
  readonly retryAfterSeconds: number;

  constructor(
    readonly reason: StoreUnavailableReason,
    /** For the log: what failed, never a password or a query's parameters. */
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.retryAfterSeconds = RETRY_AFTER_SECONDS[reason];
  }
}

/** Node socket errors that mean the server cannot be reached or went away. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * PostgreSQL SQLSTATE codes (PostgreSQL manual, Appendix A) by what they mean here.
 * Class 08: connection exception; 57P01-57P03: the server is shutting down,
 * crashed or not yet accepting connections; 53300: too many connections;
 * 3D000: the database is not there (dropped or renamed); 28000, 28P01: the
 * server refuses the role or its password (credentials rotated under the site).
 */
const POSTGRES_CODES: Record<string, StoreUnavailableReason> = {
  '3D000': 'unreachable',
  '28000': 'unreachable',
  '28P01': 'unreachable',
  '08000': 'unreachable',
  '08001': 'unreachable',
  '08003': 'unreachable',
  '08004': 'unreachable',
  '08006': 'unreachable',
  '57P01': 'unreachable',
  '57P02': 'unreachable',
  '57P03': 'unreachable',
  '53300': 'unreachable',
  /** query_canceled: statement_timeout. */
  '57014': 'timeout',
  /** lock_not_available: lock_timeout. */
  '55P03': 'timeout',
  /** idle_in_transaction_session_timeout. */
  '25P03': 'timeout',
};

/** Messages pg gives without a code: a socket closed under a query, or the pool's wait ran out. */
const PG_MESSAGES: [RegExp, StoreUnavailableReason][] = [
  [/^Connection terminated/i, 'unreachable'],
  [/Client has encountered a connection error and is not queryable/i, 'unreachable'],
  [/^timeout exceeded when trying to connect/i, 'timeout'],
  [/^Query read timeout/i, 'timeout'],
];

function reasonOf(error: unknown, depth = 0): StoreUnavailableReason | null {
  if (!error || typeof error !== 'object' || depth > 4) return null;
  if (error instanceof StoreUnavailableError) return error.reason;
  const { code, message, errors, cause } = error as {
    code?: unknown;
    message?: unknown;
    errors?: unknown;
    cause?: unknown;
  };
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code)) return 'unreachable';
    if (POSTGRES_CODES[code]) return POSTGRES_CODES[code];
    // SQLITE_BUSY, SQLITE_BUSY_SNAPSHOT, SQLITE_LOCKED, SQLITE_LOCKED_SHAREDCACHE ...
    if (/^SQLITE_(BUSY|LOCKED)/.test(code)) return 'busy';
    // The file itself is out of order (https://sqlite.org/rescode.html): it cannot be
    // opened, read or written, the disk is full, or it is not (or no longer) a database.
    if (/^SQLITE_(CANTOPEN|IOERR|FULL|READONLY|NOTADB|CORRUPT)/.test(code)) return 'unreachable';
  }
  if (typeof message === 'string') {
    for (const [pattern, reason] of PG_MESSAGES) if (pattern.test(message)) return reason;
  }
  // Node reports a refused dual-stack connect as an AggregateError of the attempts.
  if (Array.isArray(errors)) {
    for (const inner of errors) {
      const reason = reasonOf(inner, depth + 1);
      if (reason) return reason;
    }
  }
  return reasonOf(cause, depth + 1);
}

/**
 * The error as a `StoreUnavailableError` when it means the store is out of reach
 * (see the codes above), or null when it is any other error.
 */
export function classifyStoreError(error: unknown): StoreUnavailableError | null {
  if (error instanceof StoreUnavailableError) return error;
  const reason = reasonOf(error);
  if (!reason) return null;
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  const detail = `${typeof code === 'string' ? `${code} ` : ''}${message}`;
  return new StoreUnavailableError(reason, detail, { cause: error });
}

/** Rethrows a store error as `StoreUnavailableError` when it is one, else unchanged. */
export function rethrowClassified(error: unknown): never {
  throw classifyStoreError(error) ?? error;
}
