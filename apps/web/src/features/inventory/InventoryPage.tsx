import { Button, Group, Menu, Text } from '@mantine/core';
import { useDebouncedValue, useLocalStorage } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { can } from '../../app/auth-guard';
import { useApi } from '../../app/use-api';
import { NoPermission } from '../../components/NoPermission';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePagedQuery } from '../../components/paged-query';
import { useMe } from '../auth/use-me';
import { CreateChecksButton } from '../monitoring/CreateChecksModal';
import { BulkActions } from './BulkActions';
import { CiTable } from './CiTable';
import { ColumnChooser } from './ColumnChooser';
import { CI_COLUMNS, DEFAULT_COLUMNS } from './ci-columns';
import { type CiListState, EMPTY_LIST_STATE, fromViewQuery, toFilters, toViewQuery } from './ci-list-state';
import { InventoryFilterBar } from './InventoryFilterBar';
import { cisListQuery, ciTypesQuery } from './inventory-queries';
import { SavedViewsMenu } from './SavedViewsMenu';

/** The inventory: every configuration item, filterable, with bulk changes, saved views and export. */
export function InventoryPage() {
  const me = useMe();
  if (!can(me, 'inventory:read')) return <NoPermission permission="inventory:read" />;
  return <Inventory canWrite={can(me, 'inventory:write')} canCreateChecks={can(me, 'monitoring:write')} />;
}

function Inventory({ canWrite, canCreateChecks }: { canWrite: boolean; canCreateChecks: boolean }) {
  const api = useApi();
  const [state, setState] = useState<CiListState>(EMPTY_LIST_STATE);
  const [q] = useDebouncedValue(state.q.trim(), 300);
  const filters = toFilters({ ...state, q });
  const [columnIds, setColumnIds] = useLocalStorage<string[]>({ key: 'estate.inventory.columns', defaultValue: DEFAULT_COLUMNS });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const types = useQuery(ciTypesQuery(api));
  const list = usePagedQuery(cisListQuery(api, filters));
  const cis = list.items;
  const columns = CI_COLUMNS.filter((column) => columnIds.includes(column.id));

  const changeState = (next: CiListState) => {
    setState(next);
    setSelected(new Set());
  };

  return (
    <>
      <PageHeader
        title="Inventory"
        description="Every configuration item: hardware, software, services, locations and contracts."
        actions={
          <>
            <SavedViewsMenu currentQuery={toViewQuery({ ...state, q })} onApply={(query) => changeState(fromViewQuery(query))} />
            <ColumnChooser value={columnIds} onChange={setColumnIds} />
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <Button variant="default" data-testid="export">
                  Export
                </Button>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Item component="a" href={api.ciExportUrl('csv', filters)} download data-testid="export-csv">
                  CSV
                </Menu.Item>
                <Menu.Item component="a" href={api.ciExportUrl('json', filters)} download data-testid="export-json">
                  JSON
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
            {canWrite && (
              <Button component={Link} to="/inventory/import" variant="default" data-testid="import-cis">
                Import
              </Button>
            )}
            {canWrite && (
              <Button component={Link} to="/inventory/new" data-testid="create-ci">
                New item
              </Button>
            )}
          </>
        }
      />
      <InventoryFilterBar state={state} onChange={changeState} types={types.data ?? []} />
      {canWrite && selected.size > 0 && (
        <BulkActions ids={[...selected]} onDone={() => setSelected(new Set())}>
          {canCreateChecks && <CreateChecksButton cis={cis.filter((ci) => selected.has(ci.id))} onDone={() => setSelected(new Set())} />}
        </BulkActions>
      )}
      <ProblemAlert error={list.error ?? types.error} />
      <CiTable
        cis={cis}
        types={types.data}
        columns={columns}
        loading={list.isPending}
        sort={state.sort}
        onSortChange={(sort) => changeState({ ...state, sort })}
        list={list}
        selected={selected}
        onSelectionChange={canWrite ? setSelected : undefined}
      />
      <Group justify="space-between" mt={4}>
        <Text size="xs" c="dimmed" data-testid="ci-loaded-count">
          {cis.length} loaded{list.hasMore ? ', more available' : ''}
        </Text>
      </Group>
    </>
  );
}
