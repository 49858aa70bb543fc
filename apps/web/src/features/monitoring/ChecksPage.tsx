import { Button } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { can } from '../../app/auth-guard';
import { useApi } from '../../app/use-api';
import { DataTable } from '../../components/DataTable';
import { NoPermission } from '../../components/NoPermission';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePagedQuery } from '../../components/paged-query';
import { useMe } from '../auth/use-me';
import { CheckBulkActions } from './CheckBulkActions';
import { CheckSummaryBar } from './CheckSummaryBar';
import { ChecksFilterBar } from './ChecksFilterBar';
import { CHECK_COLUMNS } from './check-columns';
import { type CheckListState, EMPTY_CHECK_LIST_STATE, summaryFilterOf, toCheckFilters, withSummaryFilter } from './check-list-state';
import { checkSummaryQuery, checksListQuery, checkTypesQuery } from './monitoring-queries';
import { useCheckEvents } from './use-check-events';

/**
 * Monitoring: every check with its state, filterable; rows and counts change in place as the server's live stream
 * reports, and the list is re-read every 5 s only while the stream is not open. Selected checks can be enabled,
 * disabled or deleted together.
 */
export function ChecksPage() {
  const me = useMe();
  if (!can(me, 'monitoring:read')) return <NoPermission permission="monitoring:read" />;
  return <Checks canWrite={can(me, 'monitoring:write')} />;
}

function Checks({ canWrite }: { canWrite: boolean }) {
  const api = useApi();
  const [state, setState] = useState<CheckListState>(EMPTY_CHECK_LIST_STATE);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [q] = useDebouncedValue(state.q, 300);
  const filters = toCheckFilters({ ...state, q });
  const refetchInterval = useCheckEvents();
  const types = useQuery(checkTypesQuery(api));
  const summary = useQuery({ ...checkSummaryQuery(api), refetchInterval });
  const list = usePagedQuery({ ...checksListQuery(api, filters), refetchInterval });
  const filtered = Object.keys(filters).length > 0;

  return (
    <>
      <PageHeader
        title="Monitoring"
        description="Checks run on an interval against your services; their state, and how long they take."
        actions={
          canWrite && (
            <Button renderRoot={(props) => <Link {...props} to="/checks/new" />} data-testid="create-check">
              New check
            </Button>
          )
        }
      />
      <CheckSummaryBar
        summary={summary.data}
        active={summaryFilterOf(state)}
        onSelect={(filter) => setState(withSummaryFilter(state, filter))}
      />
      <ChecksFilterBar state={state} onChange={setState} types={(types.data ?? []).map((t) => t.type)} />
      <ProblemAlert error={list.error ?? summary.error} />
      {canWrite && selected.size > 0 && <CheckBulkActions ids={[...selected]} onDone={() => setSelected(new Set())} />}
      <DataTable
        columns={CHECK_COLUMNS}
        rows={list.items}
        rowKey={(check) => check.id}
        loading={list.isPending}
        empty={
          filtered ? 'No check matches these filters.' : `No checks yet.${canWrite ? ' Create one to watch a web site or a port.' : ''}`
        }
        list={list}
        minWidth={900}
        testId="checks-table"
        rowTestId="check-row"
        rowDataset={(check) => ({ state: check.enabled ? check.status.state : 'disabled' })}
        selection={canWrite ? { selected, onChange: setSelected } : undefined}
      />
    </>
  );
}
