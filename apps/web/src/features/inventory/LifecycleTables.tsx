import type { ExpiringItem, LicenceUsage, RefreshPlan } from '@estate/contract';
import { Badge, Group, Paper, Progress, SimpleGrid, Stack, Table, Text } from '@mantine/core';
import { CiLink } from './CiLink';
import { humanize, STATUS_COLORS } from './ci-labels';

const money = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

function Empty({ colSpan, children }: { colSpan: number; children: string }) {
  return (
    <Table.Tr>
      <Table.Td colSpan={colSpan}>
        <Text c="dimmed" ta="center" py="sm" size="sm">
          {children}
        </Text>
      </Table.Td>
    </Table.Tr>
  );
}

/** Warranties, ends of life, contracts and licences ending soon, with days left. */
export function ExpiringTable({ items, loading }: { items: readonly ExpiringItem[]; loading: boolean }) {
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table striped verticalSpacing="xs" data-testid="expiring-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Item</Table.Th>
            <Table.Th>What</Table.Th>
            <Table.Th>Date</Table.Th>
            <Table.Th>Days left</Table.Th>
            <Table.Th>Status</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((item) => (
            <Table.Tr key={`${item.ciId}-${item.kind}`} data-testid="expiring-row">
              <Table.Td>
                <CiLink id={item.ciId} name={item.name} />
                <Text size="xs" c="dimmed">
                  {humanize(item.ciType)}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{humanize(item.kind)}</Text>
              </Table.Td>
              <Table.Td>
                <Text size="sm">{item.date}</Text>
              </Table.Td>
              <Table.Td>
                <Badge variant="light" color={item.daysLeft < 0 ? 'red' : item.daysLeft <= 30 ? 'orange' : 'yellow'}>
                  {item.daysLeft < 0 ? `${-item.daysLeft} days ago` : `${item.daysLeft} days`}
                </Badge>
              </Table.Td>
              <Table.Td>
                <Badge variant="dot" color={STATUS_COLORS[item.status]}>
                  {humanize(item.status)}
                </Badge>
              </Table.Td>
            </Table.Tr>
          ))}
          {!loading && items.length === 0 && <Empty colSpan={5}>Nothing expires in this window.</Empty>}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** Licences with a bar of seats in use; over-used ones in red. */
export function LicenceTable({ items, loading }: { items: readonly LicenceUsage[]; loading: boolean }) {
  return (
    <Table.ScrollContainer minWidth={520}>
      <Table striped verticalSpacing="xs" data-testid="licences-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Licence</Table.Th>
            <Table.Th w="40%">Use</Table.Th>
            <Table.Th>Expires</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {items.map((licence) => {
            const share = licence.seats ? Math.round((licence.used / licence.seats) * 100) : null;
            return (
              <Table.Tr key={licence.ciId} data-testid="licence-row">
                <Table.Td>
                  <CiLink id={licence.ciId} name={licence.name} />
                </Table.Td>
                <Table.Td>
                  {share !== null && (
                    <Progress value={Math.min(100, share)} color={licence.overUsed ? 'red' : share >= 90 ? 'orange' : 'teal'} />
                  )}
                  <Text size="xs" c={licence.overUsed ? 'red' : 'dimmed'}>
                    {licence.used} used of {licence.seats ?? 'unlimited'} {licence.seats !== null && `(${share}%)`}
                    {licence.overUsed && ' — over-used'}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{licence.expires ?? '—'}</Text>
                </Table.Td>
              </Table.Tr>
            );
          })}
          {!loading && items.length === 0 && <Empty colSpan={3}>No licences recorded.</Empty>}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

/** The refresh plan: totals per quarter as cards, then every item by date. */
export function RefreshPlanView({
  plan,
  items,
  loading,
}: {
  plan: RefreshPlan | undefined;
  items: RefreshPlan['items'];
  loading: boolean;
}) {
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
      <Table.ScrollContainer minWidth={560}>
        <Table striped verticalSpacing="xs" data-testid="refresh-plan">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Item</Table.Th>
              <Table.Th>Quarter</Table.Th>
              <Table.Th>Date</Table.Th>
              <Table.Th>Reason</Table.Th>
              <Table.Th>Monthly cost</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((item) => (
              <Table.Tr key={item.ciId} data-testid="refresh-row">
                <Table.Td>
                  <CiLink id={item.ciId} name={item.name} />
                  <Text size="xs" c="dimmed">
                    {humanize(item.ciType)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{item.quarter}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" c={item.overdue ? 'red' : undefined}>
                    {item.date}
                    {item.overdue && ' (overdue)'}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{humanize(item.reason)}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{item.monthlyCost === null ? '—' : money.format(item.monthlyCost)}</Text>
                </Table.Td>
              </Table.Tr>
            ))}
            {!loading && items.length === 0 && <Empty colSpan={5}>Nothing to refresh before the horizon.</Empty>}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
