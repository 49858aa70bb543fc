/**
 * Keyset pagination cursors: the sort key of the last row of a page, opaque to clients (base64url JSON).
 * A malformed cursor raises a validation problem rather than reading from an arbitrary place.
 */
export function encodeCursor(key: ReadonlyArray<string | number>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** Decodes a cursor of `arity` keys; throws InvalidCursorError (a 400) for anything else. */
export function decodeCursor(cursor: string, arity: number): Array<string | number> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== arity ||
    !parsed.every((v) => (typeof v === 'string' && !v.includes('\u0000')) || Number.isSafeInteger(v))
  ) {
    throw new InvalidCursorError();
  }
  return parsed;
}

/** A cursor that was not produced by this server. */
export class InvalidCursorError extends Error {
  readonly statusCode = 400;
  constructor() {
    super('The cursor is not valid; start again without one.');
  }
}

/** Slices `limit + 1` fetched rows into a page and the cursor of its last row. */
export function toPage<T>(
  rows: T[],
  limit: number,
  keyOf: (row: T) => ReadonlyArray<string | number>,
): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last !== undefined ? encodeCursor(keyOf(last)) : null };
}
