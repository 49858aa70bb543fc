import type { MergeSuggestion, MergeSuggestionCi, MergeSuggestionStatus } from '@estate/contract';
import { Badge, Button, Card, Group, SegmentedControl, SimpleGrid, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { can } from '../../app/auth-guard';
import { useApi } from '../../app/use-api';
import { formatDateTime } from '../../components/format-time';
import { LoadMoreButton } from '../../components/LoadMoreButton';
import { NoPermission } from '../../components/NoPermission';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePagedQuery } from '../../components/paged-query';
import { useMe } from '../auth/use-me';
import { CiLink } from '../inventory/CiLink';
import { mergeSuggestionsQuery } from './identity-queries';
import { MergeReviewModal, type MergeReviewModalProps } from './MergeReviewModal';

/** Pairs of CIs that may be one real thing, to merge or dismiss; strong identifiers never merge silently. */
export function MergeSuggestionsPage() {
  const me = useMe();
  if (!can(me, 'discovery:read')) return <NoPermission permission="discovery:read" />;
  return <MergeSuggestions canWrite={can(me, 'discovery:write')} />;
}

function MergeSuggestions({ canWrite }: { canWrite: boolean }) {
  const api = useApi();
  const [status, setStatus] = useState<MergeSuggestionStatus>('open');
  const [reviewing, setReviewing] = useState<MergeReviewModalProps['suggestion'] | null>(null);
  const list = usePagedQuery(mergeSuggestionsQuery(api, status));
  const items = list.items;

  return (
    <Stack gap="md">
      <PageHeader
        title="Merge suggestions"
        description="Discovery found identifiers that point at two CIs, or contradict each other. Merge them if they are one thing."
      />
      <SegmentedControl
        value={status}
        onChange={(value) => setStatus(value as MergeSuggestionStatus)}
        data={[
          { value: 'open', label: 'Open' },
          { value: 'merged', label: 'Merged' },
          { value: 'dismissed', label: 'Dismissed' },
        ]}
        w="fit-content"
        data-testid="merge-status"
      />
      <ProblemAlert error={list.error} />
      {list.isSuccess && items.length === 0 && (
        <Text c="dimmed" size="sm" data-testid="merge-empty">
          {status === 'open' ? 'Nothing to review: every machine has one CI.' : `No ${status} suggestions.`}
        </Text>
      )}
      {items.map((s) => (
        <SuggestionCard key={s.id} suggestion={s} canWrite={canWrite} onReview={setReviewing} />
      ))}
      <LoadMoreButton list={list} />
      {reviewing && <MergeReviewModal suggestion={reviewing} onClose={() => setReviewing(null)} />}
    </Stack>
  );
}

function SuggestionCard({
  suggestion,
  canWrite,
  onReview,
}: {
  suggestion: MergeSuggestion;
  canWrite: boolean;
  onReview: (s: MergeReviewModalProps['suggestion']) => void;
}) {
  const { ci, otherCi } = suggestion;
  const merge = (suggestion.details as { merge?: { mergedName?: string; mergedCiId?: string } } | null)?.merge;
  return (
    <Card withBorder padding="md" data-testid={`merge-suggestion-${suggestion.id}`}>
      <Stack gap="sm">
        <Group justify="space-between" gap="xs">
          <Text fw={500}>{suggestion.reason}</Text>
          <Group gap={6}>
            <Badge variant="light">{suggestion.source}</Badge>
            <Text size="xs" c="dimmed">
              {formatDateTime(suggestion.createdAt)}
            </Text>
          </Group>
        </Group>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <CiSummary ci={ci} gone={merge?.mergedCiId !== undefined && ci === null ? merge.mergedName : undefined} />
          <CiSummary ci={otherCi} gone={merge?.mergedCiId !== undefined && otherCi === null ? merge.mergedName : undefined} />
        </SimpleGrid>
        {suggestion.status === 'open' && canWrite && ci && otherCi && (
          <Group justify="flex-end">
            <Button size="xs" onClick={() => onReview({ ...suggestion, ci, otherCi })} data-testid="merge-review">
              Review
            </Button>
          </Group>
        )}
        {suggestion.resolvedAt !== null && (
          <Text size="xs" c="dimmed">
            {suggestion.status === 'merged' ? 'Merged' : 'Dismissed'} {formatDateTime(suggestion.resolvedAt)}
          </Text>
        )}
      </Stack>
    </Card>
  );
}

function CiSummary({ ci, gone }: { ci: MergeSuggestionCi | null; gone?: string | undefined }) {
  if (ci === null) {
    return (
      <Text size="sm" c="dimmed">
        {gone ? `${gone} (merged away)` : 'Deleted'}
      </Text>
    );
  }
  return (
    <Stack gap={2}>
      <CiLink id={ci.id} name={ci.name} />
      <Text size="xs" c="dimmed">
        {ci.type} · {ci.status} · serial {ci.serial ?? '—'}
      </Text>
    </Stack>
  );
}
