import type { BulkCiPatch } from '@estate/contract';
import { Button, Group, Modal, Paper, Select, Stack, TagsInput, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { useApi } from '../../app/use-api';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ProblemAlert } from '../../components/ProblemAlert';
import { CRITICALITY_OPTIONS, ENVIRONMENT_OPTIONS, STATUS_OPTIONS } from './ci-labels';
import { INVENTORY_QUERY_KEY } from './inventory-queries';

/** Props of `BulkActions`. */
export interface BulkActionsProps {
  ids: readonly string[];
  onDone: () => void;
  /** Actions other features offer on the selection (monitoring's "Create checks…"). */
  children?: ReactNode;
}

type BulkField = 'status' | 'environment' | 'criticality' | 'addTags' | 'removeTags';
const FIELDS: { value: BulkField; label: string }[] = [
  { value: 'status', label: 'Set status' },
  { value: 'environment', label: 'Set environment' },
  { value: 'criticality', label: 'Set criticality' },
  { value: 'addTags', label: 'Add tags' },
  { value: 'removeTags', label: 'Remove tags' },
];
const isTags = (field: BulkField | null): field is 'addTags' | 'removeTags' => field === 'addTags' || field === 'removeTags';
const OPTIONS = { status: STATUS_OPTIONS, environment: ENVIRONMENT_OPTIONS, criticality: CRITICALITY_OPTIONS };

interface BulkChangeValues {
  field: BulkField | null;
  /** The new value of a set-field change. */
  value: string | null;
  /** The tags an add- or remove-tags change names. */
  tags: string[];
}

const NO_CHANGE: BulkChangeValues = { field: null, value: null, tags: [] };

/** The patch the chosen change makes, or null while it is incomplete. */
function bulkPatch({ field, value, tags }: BulkChangeValues): BulkCiPatch | null {
  if (isTags(field)) return tags.length > 0 ? { [field]: tags } : null;
  return field && value ? ({ [field]: value } as BulkCiPatch) : null;
}

/**
 * Actions on the selected CIs: set one field on all of them, or delete them. Both say how many CIs they hit and
 * send that count as `confirm`; the server refuses (409, with the real count) if it does not match.
 */
export function BulkActions({ ids, onDone, children }: BulkActionsProps) {
  const api = useApi();
  const queryClient = useQueryClient();
  const form = useForm<BulkChangeValues>({ initialValues: NO_CHANGE });
  const [confirming, setConfirming] = useState(false);
  const count = ids.length;
  const { field, value, tags } = form.getValues();
  const patch = bulkPatch(form.getValues());

  const finish = async (message: string) => {
    notifications.show({ color: 'teal', title: 'Done', message });
    await queryClient.invalidateQueries({ queryKey: INVENTORY_QUERY_KEY });
    setConfirming(false);
    form.reset();
    onDone();
  };
  const update = useMutation({
    mutationFn: (change: BulkCiPatch) => api.bulkUpdateCis({ ids: [...ids], patch: change, confirm: count }),
    onSuccess: () => finish(`${count} configuration item${count === 1 ? '' : 's'} updated.`),
  });

  return (
    <Paper withBorder p="sm" mb="sm" bg="var(--mantine-primary-color-light)" data-testid="bulk-actions">
      <Group gap="sm" align="flex-end">
        <Text size="sm" fw={500} data-testid="bulk-count">
          {count} selected
        </Text>
        <Select
          aria-label="Bulk change"
          placeholder="Change…"
          data={FIELDS}
          value={field}
          onChange={(next) => form.setValues({ ...NO_CHANGE, field: next as BulkField | null })}
          w={170}
          data-testid="bulk-field"
        />
        {field && !isTags(field) && (
          <Select
            aria-label="New value"
            placeholder="Value"
            data={OPTIONS[field]}
            {...form.getInputProps('value')}
            w={170}
            data-testid="bulk-value"
          />
        )}
        {isTags(field) && (
          <TagsInput aria-label="Tags" placeholder="Tags" {...form.getInputProps('tags')} w={220} data-testid="bulk-tags" />
        )}
        <Button disabled={!patch} onClick={() => setConfirming(true)} data-testid="bulk-apply">
          Apply
        </Button>
        <ConfirmButton
          label="Delete"
          title={`Delete ${count} configuration item${count === 1 ? '' : 's'}?`}
          message={`This deletes ${count} configuration item${count === 1 ? '' : 's'} and their relationships. History is kept.`}
          confirmLabel={`Delete ${count}`}
          size="sm"
          onConfirm={async () => {
            await api.bulkDeleteCis({ ids: [...ids], confirm: count });
            await finish(`${count} configuration item${count === 1 ? '' : 's'} deleted.`);
          }}
          data-testid="bulk-delete"
        />
        {children}
        <Button variant="subtle" onClick={onDone}>
          Clear selection
        </Button>
      </Group>
      <Modal opened={confirming} onClose={() => setConfirming(false)} title="Change the selected items?" centered>
        <Stack gap="md">
          <Text size="sm" data-testid="bulk-confirm-message">
            {field === 'addTags'
              ? `Add ${tags.join(', ')} to ${count}`
              : field === 'removeTags'
                ? `Remove ${tags.join(', ')} from ${count}`
                : `Set ${field} to “${OPTIONS[field as keyof typeof OPTIONS]?.find((option) => option.value === value)?.label ?? value}” on ${count}`}{' '}
            configuration item{count === 1 ? '' : 's'}.
          </Text>
          <ProblemAlert error={update.error} />
          <Group justify="flex-end" gap="xs">
            <Button variant="default" onClick={() => setConfirming(false)}>
              Cancel
            </Button>
            <Button onClick={() => patch && update.mutate(patch)} loading={update.isPending} data-testid="confirm-action">
              Change {count}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Paper>
  );
}
