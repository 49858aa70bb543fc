/**
 * A page of a list answer, mirroring the contract's `Page(item)` schema: `nextCursor` is null on the last page,
 * otherwise pass it back as `cursor` to read on.
 */
export interface PageOf<T> {
  /** The items of this page, in the list's order (for example newest first for audit events). */
  items: T[];
  /** Opaque cursor of the next page, or null when this is the last page. */
  nextCursor: string | null;
}

/** A list method of the client: takes a query with an optional cursor and answers one page. */
export type ListMethod<T, Q extends { cursor?: string }> = (query: Q) => Promise<PageOf<T>>;

/**
 * Walks a keyset-paginated list from the first page to the last, yielding every item. Pages are fetched lazily,
 * one request per page, only as the caller iterates; stopping early stops fetching. Errors of any page reject the
 * iteration with the method's `ApiError`.
 */
export async function* paginate<T, Q extends { cursor?: string }>(list: ListMethod<T, Q>, query: Q): AsyncGenerator<T, void, undefined> {
  let cursor = query.cursor;
  do {
    const page = await list({ ...query, cursor });
    yield* page.items;
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
}

/**
 * Reads a whole keyset-paginated list into memory, at most `max` items (default 10 000) so that a huge list cannot
 * exhaust memory by accident; stops fetching once `max` is reached.
 */
export async function collectAll<T, Q extends { cursor?: string }>(list: ListMethod<T, Q>, query: Q, max = 10_000): Promise<T[]> {
  const items: T[] = [];
  for await (const item of paginate(list, query)) {
    items.push(item);
    if (items.length >= max) break;
  }
  return items;
}
