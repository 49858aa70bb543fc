import type { PageOf } from '@estate/client';
import { type InfiniteData, infiniteQueryOptions, type QueryKey, useInfiniteQuery } from '@tanstack/react-query';
import { useMemo } from 'react';

/** How often a paged list is re-read: never (`false`), every n milliseconds, or decided from the pages read so far. */
export type PagedRefetchInterval<TPage> = number | false | ((pages: readonly TPage[]) => number | false);

/** What a feature's query factory says about one keyset-paginated list. */
export interface PagedQueryDefinition<TPage extends PageOf<unknown>, TKey extends QueryKey> {
  /** The cache key; include every filter, so that a filter change starts from the first page. */
  queryKey: TKey;
  /** Reads one page: the first when `cursor` is undefined, otherwise the page the cursor points at. */
  fetchPage: (cursor: string | undefined) => Promise<TPage>;
  /** Whether the list is read at all (default true), e.g. false until a search term is typed. */
  enabled?: boolean;
  refetchInterval?: PagedRefetchInterval<TPage>;
}

/**
 * The TanStack infinite-query options of a keyset-paginated list: pages chained by `nextCursor`, the first page read
 * without a cursor. The result can be handed to `usePagedQuery`, prefetched, or spread to override an option.
 */
export function pagedQuery<TPage extends PageOf<unknown>, const TKey extends QueryKey>(definition: PagedQueryDefinition<TPage, TKey>) {
  const { queryKey, fetchPage, enabled, refetchInterval } = definition;
  return infiniteQueryOptions<TPage, Error, InfiniteData<TPage, string | undefined>, TKey, string | undefined>({
    queryKey,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    ...(enabled === undefined ? {} : { enabled }),
    ...(refetchInterval === undefined
      ? {}
      : {
          refetchInterval:
            typeof refetchInterval === 'function' ? (query) => refetchInterval(query.state.data?.pages ?? []) : refetchInterval,
        }),
  });
}

/** The options `pagedQuery` produces, as `usePagedQuery` takes them. */
export type PagedQueryOptions<TPage extends PageOf<unknown>, TKey extends QueryKey> = ReturnType<typeof pagedQuery<TPage, TKey>>;

/** A keyset-paginated list as a page shows it: the items read so far, flattened, and how to read on. */
export interface PagedList<TItem, TPage> {
  /** Every item of the pages read so far, in the list's order; empty while the first page loads or failed. */
  items: TItem[];
  /** The pages read so far, for what a page carries besides its items (totals, for example). */
  pages: readonly TPage[];
  /** Whether the server has another page. */
  hasMore: boolean;
  /** Reads the next page; does nothing while one is being read or when there is none. */
  loadMore: () => void;
  /** True until the first page has arrived (or failed). */
  isPending: boolean;
  /** True once the first page has arrived. */
  isSuccess: boolean;
  /** True while the next page is being read. */
  isLoadingMore: boolean;
  /** The error of the last read, or null. */
  error: Error | null;
}

/**
 * Reads a keyset-paginated list defined by `pagedQuery` and answers its items flattened, with `loadMore` to read the
 * next page. Pass the factory's options spread with overrides (`{ ...scansQuery(api), refetchInterval: 2000 }`) to
 * change how one page uses the list.
 */
export function usePagedQuery<TPage extends PageOf<unknown>, TKey extends QueryKey>(
  options: PagedQueryOptions<TPage, TKey>,
): PagedList<TPage['items'][number], TPage> {
  const query = useInfiniteQuery(options);
  const data = query.data;
  // Stable between renders until a page arrives, so that the items can be an effect's or a memo's dependency.
  const pages = useMemo(() => data?.pages ?? [], [data]);
  const items = useMemo(() => pages.flatMap((page) => page.items) as TPage['items'][number][], [pages]);
  return {
    items,
    pages,
    hasMore: query.hasNextPage,
    loadMore: () => {
      if (query.hasNextPage && !query.isFetchingNextPage) void query.fetchNextPage();
    },
    isPending: query.isPending,
    isSuccess: query.isSuccess,
    isLoadingMore: query.isFetchingNextPage,
    error: query.error,
  };
}
