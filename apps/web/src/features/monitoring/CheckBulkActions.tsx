import { Button, Group, Paper, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../app/use-api';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ProblemAlert } from '../../components/ProblemAlert';
import { plural } from '../../components/plural';
import { MONITORING_QUERY_KEY } from './monitoring-queries';

/** Props of `CheckBulkActions`. */
export interface CheckBulkActionsProps {
  ids: readonly string[];
  onDone: () => void;
}

/** Actions on the selected checks: enable, disable or delete them all (one request, one audit entry). */
export function CheckBulkActions({ ids, onDone }: CheckBulkActionsProps) {
  const api = useApi();
  const queryClient = useQueryClient();
  const count = ids.length;
  const finish = async (message: string) => {
    notifications.show({ color: 'teal', title: 'Done', message });
    await queryClient.invalidateQueries({ queryKey: MONITORING_QUERY_KEY });
    onDone();
  };
  const setEnabled = useMutation({
    mutationFn: (enabled: boolean) => api.bulkSetChecksEnabled([...ids], enabled),
    onSuccess: (answer, enabled) => finish(`${plural(answer.ids.length, 'check')} ${enabled ? 'enabled' : 'disabled'}.`),
  });

  return (
    <Paper withBorder p="sm" mb="sm" bg="var(--mantine-primary-color-light)" data-testid="check-bulk-actions">
      <Group gap="sm">
        <Text size="sm" fw={500} data-testid="check-bulk-count">
          {count} selected
        </Text>
        <Button
          size="sm"
          variant="default"
          loading={setEnabled.isPending}
          onClick={() => setEnabled.mutate(true)}
          data-testid="check-bulk-enable"
        >
          Enable
        </Button>
        <Button
          size="sm"
          variant="default"
          loading={setEnabled.isPending}
          onClick={() => setEnabled.mutate(false)}
          data-testid="check-bulk-disable"
        >
          Disable
        </Button>
        <ConfirmButton
          label="Delete"
          title={`Delete ${plural(count, 'check')}?`}
          message={`This deletes ${plural(count, 'check')} with their results and state history.`}
          confirmLabel={`Delete ${count}`}
          size="sm"
          onConfirm={async () => {
            const answer = await api.bulkDeleteChecks([...ids]);
            await finish(`${plural(answer.ids.length, 'check')} deleted.`);
          }}
          data-testid="check-bulk-delete"
        />
        <Button variant="subtle" size="sm" onClick={onDone}>
          Clear selection
        </Button>
      </Group>
      <ProblemAlert error={setEnabled.error} />
    </Paper>
  );
}
