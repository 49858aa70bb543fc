import type { Ci, MergeSuggestion } from '@estate/contract';
import { Alert, Button, Center, Group, Loader, Modal, Radio, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useApi } from '../../app/use-api';
import { ProblemAlert } from '../../components/ProblemAlert';
import { plural } from '../../components/plural';
import { formatValue, labelOfKey } from '../inventory/ci-labels';
import { ciQuery, INVENTORY_QUERY_KEY } from '../inventory/inventory-queries';
import { IDENTITY_QUERY_KEY } from './identity-queries';
import { compareCis } from './merge-compare';

/** Props of `MergeReviewModal`. */
export interface MergeReviewModalProps {
  suggestion: MergeSuggestion & { ci: NonNullable<MergeSuggestion['ci']>; otherCi: NonNullable<MergeSuggestion['otherCi']> };
  onClose: () => void;
}

/**
 * Reviews one merge suggestion: both CIs side by side (values that differ highlighted, gaps the merge would fill
 * marked), a choice of which to keep, a confirmation naming what happens, then the merge; or a dismissal.
 */
export function MergeReviewModal({ suggestion, onClose }: MergeReviewModalProps) {
  const api = useApi();
  const queryClient = useQueryClient();
  const left = useQuery(ciQuery(api, suggestion.ci.id));
  const right = useQuery(ciQuery(api, suggestion.otherCi.id));
  // The CI that was there first is the usual keeper: suggestions name the newer record first.
  const [keep, setKeep] = useState<string>(suggestion.otherCi.id);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const done = async (message: string) => {
    notifications.show({ color: 'teal', title: 'Done', message });
    await queryClient.invalidateQueries({ queryKey: IDENTITY_QUERY_KEY });
    await queryClient.invalidateQueries({ queryKey: INVENTORY_QUERY_KEY });
    onClose();
  };
  const act = async (action: () => Promise<string>) => {
    setBusy(true);
    setError(null);
    try {
      await done(await action());
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const merge = () =>
    act(async () => {
      const result = await api.mergeSuggestion(suggestion.id, keep);
      const skipped = result.skippedRelationships.length;
      return (
        `Merged: ${plural(result.movedRelationships, 'relationship')}, ${plural(result.movedIdentifiers, 'identifier')} and ${plural(result.movedSoftware, 'package')} moved, ` +
        `${plural(result.filledFields.length, 'field')} filled${skipped > 0 ? `; ${plural(skipped, 'relationship')} skipped (${result.skippedRelationships.map((s) => `${s.type} ${s.otherCiName}: ${s.reason}`).join('; ')})` : ''}.`
      );
    });
  const dismiss = () =>
    act(async () => {
      await api.dismissMergeSuggestion(suggestion.id);
      return 'The suggestion was dismissed; this pair will not be suggested again.';
    });

  const kept = keep === suggestion.ci.id ? suggestion.ci : suggestion.otherCi;
  const other = keep === suggestion.ci.id ? suggestion.otherCi : suggestion.ci;
  return (
    <Modal opened onClose={onClose} title="Review merge suggestion" size="xl" centered>
      <Stack gap="md">
        <Text size="sm">{suggestion.reason}</Text>
        <ProblemAlert error={left.error ?? right.error} />
        {left.data && right.data ? (
          <CompareTable left={left.data.ci} right={right.data.ci} keep={keep} onKeep={setKeep} />
        ) : (
          <Center py="md">
            <Loader size="sm" />
          </Center>
        )}
        {confirming && (
          <Alert color="orange" title={`Merge ${other.name} into ${kept.name}?`} data-testid="merge-confirm-text">
            {other.name} will be deleted (its history is kept). Its relationships, identifiers and software move to {kept.name}; fields
            empty on {kept.name} are filled from it; where both have a value, {kept.name}'s stays.
          </Alert>
        )}
        <ProblemAlert error={error} />
        <Group justify="space-between">
          <Button variant="default" color="gray" onClick={() => void dismiss()} loading={busy && !confirming} data-testid="merge-dismiss">
            Dismiss — they are different things
          </Button>
          <Group gap="xs">
            <Button variant="default" onClick={confirming ? () => setConfirming(false) : onClose}>
              {confirming ? 'Back' : 'Cancel'}
            </Button>
            {confirming ? (
              <Button color="red" onClick={() => void merge()} loading={busy} data-testid="merge-confirm">
                Merge into {kept.name}
              </Button>
            ) : (
              <Button onClick={() => setConfirming(true)} disabled={!left.data || !right.data} data-testid="merge-start">
                Merge…
              </Button>
            )}
          </Group>
        </Group>
      </Stack>
    </Modal>
  );
}

function CompareTable({ left, right, keep, onKeep }: { left: Ci; right: Ci; keep: string; onKeep: (id: string) => void }) {
  const rows = compareCis(left, right);
  return (
    <Radio.Group value={keep} onChange={onKeep} label="Keep" description="The other CI is merged into the one you keep.">
      <Table.ScrollContainer minWidth={560}>
        <Table verticalSpacing={4} withTableBorder data-testid="merge-compare">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Field</Table.Th>
              {[left, right].map((ci) => (
                <Table.Th key={ci.id}>
                  <Radio value={ci.id} label={ci.name} data-testid={`merge-keep-${ci.id}`} />
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => (
              <Table.Tr
                key={row.field}
                bg={row.differs ? 'var(--mantine-color-yellow-light)' : undefined}
                data-differs={row.differs || undefined}
              >
                <Table.Td>{labelOfKey(row.field)}</Table.Td>
                {[row.left, row.right].map((value, i) => (
                  <Table.Td key={i === 0 ? 'left' : 'right'} c={value === null ? 'dimmed' : undefined} style={{ wordBreak: 'break-word' }}>
                    {value === null ? '—' : formatValue(value)}
                  </Table.Td>
                ))}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Text size="xs" c="dimmed" mt={4}>
        Highlighted rows differ; the kept CI's value stays. Empty fields of the kept CI are filled from the other.
      </Text>
    </Radio.Group>
  );
}
