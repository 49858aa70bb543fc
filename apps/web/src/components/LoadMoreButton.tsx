import { Button, Center, Text } from '@mantine/core';

/** Props of `LoadMoreButton`, matching the fields of a TanStack infinite query. */
export interface LoadMoreButtonProps {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => unknown;
  /** Shown instead of the button when the list has no more pages and at least one item. */
  endLabel?: string;
}

/** The foot of a keyset-paginated list: a button to read the next page, or a quiet note at the end. */
export function LoadMoreButton({ hasNextPage, isFetchingNextPage, fetchNextPage, endLabel }: LoadMoreButtonProps) {
  if (!hasNextPage && !endLabel) return null;
  return (
    <Center py="sm">
      {hasNextPage ? (
        <Button variant="default" onClick={() => fetchNextPage()} loading={isFetchingNextPage} data-testid="load-more">
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
