import { Button, Group, Stack, Text } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import { useApi } from '../../app/use-api';
import { DataTable } from '../../components/DataTable';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePagedQuery } from '../../components/paged-query';
import { CheckSuggestions } from './CheckSuggestions';
import { CHECK_COLUMNS } from './check-columns';
import { checksListQuery } from './monitoring-queries';
import { useCheckEvents } from './use-check-events';

/** Props of `CiChecksPanel`. */
export interface CiChecksPanelProps {
  ciId: string;
  /** Whether the user may create checks (monitoring:write): shows "New check for this CI". */
  canWrite: boolean;
}

const COLUMNS = CHECK_COLUMNS.filter((column) => column.id !== 'duration');

/** The CI page's Monitoring tab: the checks bound to the CI with their live state, and checks discovery suggests. */
export function CiChecksPanel({ ciId, canWrite }: CiChecksPanelProps) {
  const api = useApi();
  const refetchInterval = useCheckEvents();
  const list = usePagedQuery({ ...checksListQuery(api, { ciId }), refetchInterval });
  return (
    <Stack gap="sm" data-testid="ci-checks">
      <Group justify="space-between" gap="xs">
        <Text size="sm" c="dimmed">
          Checks watching this item.
        </Text>
        {canWrite && (
          <Button size="xs" renderRoot={(props) => <Link {...props} to="/checks/new" search={{ ciId }} />} data-testid="ci-new-check">
            New check for this CI
          </Button>
        )}
      </Group>
      {canWrite && <CheckSuggestions ciId={ciId} />}
      <ProblemAlert error={list.error} />
      <DataTable
        columns={COLUMNS}
        rows={list.items}
        rowKey={(check) => check.id}
        loading={list.isPending}
        empty="No check watches this item."
        list={list}
        compact
        minWidth={760}
        testId="ci-checks-table"
        rowTestId="check-row"
        rowDataset={(check) => ({ state: check.enabled ? check.status.state : 'disabled' })}
      />
    </Stack>
  );
}
