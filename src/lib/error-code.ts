/** The `code` of a Node.js or driver error (`EADDRINUSE`, `23505`, ...), if it has one. */
export function errorCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
}
