/**
 * A refusal a handler can throw at any depth: the handler wrapper turns it into
 * a response (JSON or HTML by the request's Accept header) with the security headers.
 */
export class HttpError extends Error {
  constructor(
    /** The 4xx status to answer with. */
    readonly status: number,
    /** A message for a person, safe to show: it never echoes the request. */
    message: string,
    /** Extra headers such as `Allow` or `Retry-After`. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** True for an `HttpError`, including one thrown from another copy of this module. */
export function isHttpError(error: unknown): error is HttpError {
  return error instanceof HttpError;
}
