/**
 * A PostgreSQL error about the data itself (class 22: a number out of range, text with NUL or bad
 * encoding, a malformed value; a check or foreign key the data breaks). The same data fails the same
 * way every time: for the api it is the client's bad input, for a worker a final failure, never a
 * transient one. Reaching the database with such data means an edge check is missing.
 */
export function isDataError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && (code.startsWith('22') || code === '23503' || code === '23514');
}
