import type { ExpiringItem, LicenceUsage, RefreshPlan } from '@estate/contract';
import { Badge, Group, Paper, Progress, SimpleGrid, Stack, Text } from '@mantine/core';
import { DataTable, type DataTableColumn } from '../../components/DataTable';
import type { PagedList } from '../../components/paged-query';
import { CiLink } from './CiLink';
import { humanize, STATUS_COLORS } from './ci-labels';

const money = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

type RefreshItem = RefreshPlan['items'][number];

/** An item's link with its type under it. */
function ItemCell({ id, name, type }: { id: string; name: string; type: string }) {
  return (
    <>
      <CiLink id={id} name={name} />
      <Text size="xs" c="dimmed">
        {humanize(type)}
      </Text>
    </>
  );
}

const EXPIRING_COLUMNS: DataTableColumn<ExpiringItem>[] = [
  { id: 'item', header: 'Item', cell: (item) => <ItemCell id={item.ciId} name={item.name} type={item.ciType} /> },
  { id: 'kind', header: 'What', cell: (item) => humanize(item.kind) },
  { id: 'date', header: 'Date', cell: (item) => item.date },
  {
    id: 'daysLeft',
    header: 'Days left',
    cell: (item) => (
      <Badge variant="light" color={item.daysLeft < 0 ? 'red' : item.daysLeft <= 30 ? 'orange' : 'yellow'}>
        {item.daysLeft < 0 ? `${-item.daysLeft} days ago` : `${item.daysLeft} days`}
      </Badge>
    ),
  },
  {
    id: 'status',
    header: 'Status',
    cell: (item) => (
      <Badge variant="dot" color={STATUS_COLORS[item.status]}>
        {humanize(item.status)}
      </Badge>
    ),
  },
];

/** Warranties, ends of life, contracts and licences ending soon, with days left. */
export function ExpiringTable({ list }: { list: PagedList<ExpiringItem, unknown> }) {
  return (
    <DataTable
      columns={EXPIRING_COLUMNS}
      rows={list.items}
      rowKey={(item) => `${item.ciId}-${item.kind}`}
      loading={list.isPending}
      empty="Nothing expires in this window."
      list={list}
      compact
      minWidth={560}
      testId="expiring-table"
      rowTestId="expiring-row"
    />
  );
}

/** The share of a licence's seats in use, in percent; null for a licence without a seat count. */
function seatShare(licence: LicenceUsage): number | null {
  return licence.seats ? Math.round((licence.used / licence.seats) * 100) : null;
}

const LICENCE_COLUMNS: DataTableColumn<LicenceUsage>[] = [
  { id: 'licence', header: 'Licence', cell: (licence) => <CiLink id={licence.ciId} name={licence.name} /> },
  {
    id: 'use',
    header: 'Use',
    width: 280,
    cell: (licence) => {
      const share = seatShare(licence);
      return (
        <>
          {share !== null && <Progress value={Math.min(100, share)} color={licence.overUsed ? 'red' : share >= 90 ? 'orange' : 'teal'} />}
          <Text size="xs" c={licence.overUsed ? 'red' : 'dimmed'}>
            {licence.used} used of {licence.seats ?? 'unlimited'} {licence.seats !== null && `(${share}%)`}
            {licence.overUsed && ' — over-used'}
          </Text>
        </>
      );
    },
  },
  { id: 'expires', header: 'Expires', cell: (licence) => licence.expires ?? '—' },
];

/** Licences with a bar of seats in use; over-used ones in red. */
export function LicenceTable({ list }: { list: PagedList<LicenceUsage, unknown> }) {
  return (
    <DataTable
      columns={LICENCE_COLUMNS}
      rows={list.items}
      rowKey={(licence) => licence.ciId}
      loading={list.isPending}
      empty="No licences recorded."
      list={list}
      compact
      minWidth={520}
      testId="licences-table"
      rowTestId="licence-row"
    />
  );
}

const REFRESH_COLUMNS: DataTableColumn<RefreshItem>[] = [
  { id: 'item', header: 'Item', cell: (item) => <ItemCell id={item.ciId} name={item.name} type={item.ciType} /> },
  { id: 'quarter', header: 'Quarter', cell: (item) => item.quarter },
  {
    id: 'date',
    header: 'Date',
    cell: (item) => (
      <Text size="sm" c={item.overdue ? 'red' : undefined}>
        {item.date}
        {item.overdue && ' (overdue)'}
      </Text>
    ),
  },
  { id: 'reason', header: 'Reason', cell: (item) => humanize(item.reason) },
  { id: 'monthlyCost', header: 'Monthly cost', cell: (item) => (item.monthlyCost === null ? '—' : money.format(item.monthlyCost)) },
];

/** The refresh plan: totals per quarter as cards (from the plan's first page), then every item by date. */
export function RefreshPlanView({ list }: { list: PagedList<RefreshItem, RefreshPlan> }) {
  const plan = list.pages[0];
  return (
    <Stack gap="sm">
      {plan && (
        <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="xs" data-testid="refresh-quarters">
          {plan.quarters.map((quarter) => (
            <Paper key={quarter.quarter} withBorder p="xs">
              <Text size="xs" c="dimmed" fw={600}>
                {quarter.quarter}
              </Text>
              <Text fw={600}>{quarter.count} items</Text>
              <Text size="xs" c="dimmed">
                {money.format(quarter.monthlyCost)} / month
              </Text>
            </Paper>
          ))}
        </SimpleGrid>
      )}
      {plan && (
        <Group gap="xs">
          <Text size="sm" c="dimmed">
            {plan.from} to {plan.to}: {plan.total.count} items, {money.format(plan.total.monthlyCost)} / month
          </Text>
        </Group>
      )}
      <DataTable
        columns={REFRESH_COLUMNS}
        rows={list.items}
        rowKey={(item) => item.ciId}
        loading={list.isPending}
        empty="Nothing to refresh before the horizon."
        list={list}
        compact
        minWidth={560}
        testId="refresh-plan"
        rowTestId="refresh-row"
      />
    </Stack>
  );
}
