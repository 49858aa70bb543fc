import { Button, Center, Text } from '@mantine/core';
import type { PagedList } from './paged-query';

/** Props of `LoadMoreButton`. */
export interface LoadMoreButtonProps {
  /** The list to read on, as `usePagedQuery` answers it. */
  list: Pick<PagedList<unknown, unknown>, 'hasMore' | 'isLoadingMore' | 'loadMore'>;
  /** Shown instead of the button when the list has no more pages and at least one item. */
  endLabel?: string | undefined;
}

/** The foot of a keyset-paginated list: a button to read the next page, or a quiet note at the end. */
export function LoadMoreButton({ list, endLabel }: LoadMoreButtonProps) {
  if (!list.hasMore && !endLabel) return null;
  return (
    <Center py="sm">
      {list.hasMore ? (
        <Button variant="default" onClick={list.loadMore} loading={list.isLoadingMore} data-testid="load-more">
          Load more
        </Button>
      ) : (
        endLabel && (
          <Text size="sm" c="dimmed">
            {endLabel}
          </Text>
        )
      )}
    </Center>
  );
}
