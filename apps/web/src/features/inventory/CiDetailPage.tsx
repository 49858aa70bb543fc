import { isApiError } from '@estate/client';
import { ProblemType } from '@estate/contract';
import { Alert, Badge, Button, Center, Group, Loader, ScrollArea, Stack, Tabs, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { can } from '../../app/auth-guard';
import { useRouteParams } from '../../app/route-params';
import { useApi } from '../../app/use-api';
import { ConfirmButton } from '../../components/ConfirmButton';
import { formatDateTime } from '../../components/format-time';
import { NoPermission } from '../../components/NoPermission';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useMe } from '../auth/use-me';
import { SoftwarePanel } from '../identity/SoftwarePanel';
import { HostMetricsPanel } from '../metrics/HostMetricsPanel';
import { HOST_CI_TYPES } from '../metrics/host-panels';
import { ciHasMetricsQuery } from '../metrics/metrics-queries';
import { CiChecksPanel } from '../monitoring/CiChecksPanel';
import { AttributesPanel } from './AttributesPanel';
import { CRITICALITY_COLORS, humanize, STATUS_COLORS } from './ci-labels';
import { typeLabel } from './ci-type-options';
import { EditCiModal } from './EditCiModal';
import { HistoryPanel } from './HistoryPanel';
import { ImpactPanel } from './ImpactPanel';
import { InterfacesPanel } from './InterfacesPanel';
import { ciQuery, ciTypesQuery, INVENTORY_QUERY_KEY } from './inventory-queries';
import { ObservedFactsPanel } from './ObservedFactsPanel';
import { RackElevation } from './RackElevation';
import { RelationshipsPanel } from './RelationshipsPanel';

/**
 * One configuration item: its fields and observed facts, relationships, network interfaces, software, history and
 * impact; for racks, their elevation; for hosts (and anything with series), graphs of its metrics.
 */
export function CiDetailPage() {
  const me = useMe();
  const { id } = useRouteParams('/inventory/$id');
  if (!can(me, 'inventory:read')) return <NoPermission permission="inventory:read" />;
  return (
    <CiDetail
      key={id}
      id={id}
      canWrite={can(me, 'inventory:write')}
      canReadMetrics={can(me, 'metrics:read')}
      monitoring={can(me, 'monitoring:read') ? { canWrite: can(me, 'monitoring:write') } : null}
    />
  );
}

/** What the CI page may show of monitoring: null without monitoring:read. */
interface CiMonitoringAccess {
  canWrite: boolean;
}

function CiDetail({
  id,
  canWrite,
  canReadMetrics,
  monitoring,
}: {
  id: string;
  canWrite: boolean;
  canReadMetrics: boolean;
  monitoring: CiMonitoringAccess | null;
}) {
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [asOf, setAsOf] = useState<number | undefined>(undefined);
  const [editing, setEditing] = useState(false);
  const [tab, setTab] = useState<string | null>('attributes');
  const current = useQuery(ciQuery(api, id));
  const past = useQuery({ ...ciQuery(api, id, asOf), enabled: asOf !== undefined });
  const types = useQuery(ciTypesQuery(api));
  const hasMetrics = useQuery({ ...ciHasMetricsQuery(id), enabled: canReadMetrics });

  if (current.error) {
    return isApiError(current.error, ProblemType.notFound) ? (
      <Alert color="orange" title="Not found" data-testid="ci-not-found">
        This configuration item does not exist or was deleted. <Link to="/inventory">Back to the inventory</Link>
      </Alert>
    ) : (
      <ProblemAlert error={current.error} />
    );
  }
  if (!current.data) {
    return (
      <Center py="xl">
        <Loader size="sm" />
      </Center>
    );
  }
  const { ci, etag } = current.data;
  const shown = asOf !== undefined ? past.data?.ci : ci;
  const type = types.data?.find((candidate) => candidate.id === ci.type);
  const showMetrics = canReadMetrics && (HOST_CI_TYPES.has(ci.type) || hasMetrics.data === true);

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-start" gap="sm">
        <Stack gap={6} miw={0}>
          <Text size="sm">
            <Link to="/inventory">Inventory</Link> / {typeLabel(types.data, ci.type)}
          </Text>
          <Title order={2} style={{ wordBreak: 'break-word' }} data-testid="ci-title">
            {ci.name}
          </Title>
          <Group gap={6}>
            <Badge variant="outline" color="gray" data-testid="ci-type-badge">
              {typeLabel(types.data, ci.type)}
            </Badge>
            <Badge variant="light" color={STATUS_COLORS[ci.status]} data-testid="ci-status-badge">
              {humanize(ci.status)}
            </Badge>
            {ci.environment && <Badge variant="light">{humanize(ci.environment)}</Badge>}
            {ci.criticality && (
              <Badge variant="dot" color={CRITICALITY_COLORS[ci.criticality]}>
                {ci.criticality}
              </Badge>
            )}
          </Group>
        </Stack>
        {canWrite && (
          <Group gap="xs">
            <Button variant="default" onClick={() => setEditing(true)} data-testid="ci-edit">
              Edit
            </Button>
            <ConfirmButton
              label="Delete"
              size="sm"
              title={`Delete ${ci.name}?`}
              message="The item and its relationships are removed from the inventory. Its history is kept."
              confirmLabel="Delete"
              onConfirm={async () => {
                await api.deleteCi(ci.id, etag ?? '');
                notifications.show({ color: 'teal', title: 'Deleted', message: `${ci.name} was deleted.` });
                await queryClient.invalidateQueries({ queryKey: INVENTORY_QUERY_KEY });
                await navigate({ to: '/inventory' });
              }}
              data-testid="ci-delete"
            />
          </Group>
        )}
      </Group>
      {asOf !== undefined && (
        <Alert color="blue" title={`Viewing as of ${formatDateTime(asOf)}`} data-testid="as-of-banner">
          <Group gap="sm">
            <Text size="sm">The attributes show this item as it was then.</Text>
            <Button size="xs" variant="default" onClick={() => setAsOf(undefined)} data-testid="as-of-clear">
              Back to now
            </Button>
          </Group>
        </Alert>
      )}
      <Tabs value={tab} onChange={setTab} keepMounted={false}>
        {/* On a phone the tabs scroll sideways under a thin scrollbar, the hint that more tabs follow. */}
        <ScrollArea type="auto" scrollbarSize={4} offsetScrollbars="x" data-testid="ci-tabs-scroll">
          <Tabs.List style={{ flexWrap: 'nowrap', width: 'max-content', minWidth: '100%' }}>
            <Tabs.Tab value="attributes" data-testid="tab-attributes">
              Attributes
            </Tabs.Tab>
            {showMetrics && (
              <Tabs.Tab value="metrics" data-testid="tab-metrics">
                Metrics
              </Tabs.Tab>
            )}
            {monitoring && (
              <Tabs.Tab value="monitoring" data-testid="tab-monitoring">
                Monitoring
              </Tabs.Tab>
            )}
            {ci.type === 'rack' && (
              <Tabs.Tab value="rack" data-testid="tab-rack">
                Elevation
              </Tabs.Tab>
            )}
            <Tabs.Tab value="relationships" data-testid="tab-relationships">
              Relationships
            </Tabs.Tab>
            <Tabs.Tab value="interfaces" data-testid="tab-interfaces">
              Interfaces
            </Tabs.Tab>
            <Tabs.Tab value="software" data-testid="tab-software">
              Software
            </Tabs.Tab>
            <Tabs.Tab value="history" data-testid="tab-history">
              History
            </Tabs.Tab>
            <Tabs.Tab value="impact" data-testid="tab-impact">
              Impact
            </Tabs.Tab>
          </Tabs.List>
        </ScrollArea>
        <Tabs.Panel value="attributes" pt="md">
          {past.error && <ProblemAlert error={past.error} />}
          {shown ? (
            <Stack gap="lg">
              <AttributesPanel ci={shown} type={type} />
              {asOf === undefined && <ObservedFactsPanel ciId={ci.id} />}
            </Stack>
          ) : (
            <Center py="xl">
              <Loader size="sm" />
            </Center>
          )}
        </Tabs.Panel>
        {showMetrics && (
          <Tabs.Panel value="metrics" pt="md">
            <HostMetricsPanel ciId={ci.id} />
          </Tabs.Panel>
        )}
        {monitoring && (
          <Tabs.Panel value="monitoring" pt="md">
            <CiChecksPanel ciId={ci.id} canWrite={monitoring.canWrite} />
          </Tabs.Panel>
        )}
        {ci.type === 'rack' && (
          <Tabs.Panel value="rack" pt="md">
            <RackElevation rack={ci} />
          </Tabs.Panel>
        )}
        <Tabs.Panel value="relationships" pt="md">
          <RelationshipsPanel ci={ci} canWrite={canWrite} />
        </Tabs.Panel>
        <Tabs.Panel value="interfaces" pt="md">
          <InterfacesPanel ciId={ci.id} />
        </Tabs.Panel>
        <Tabs.Panel value="software" pt="md">
          <SoftwarePanel ciId={ci.id} />
        </Tabs.Panel>
        <Tabs.Panel value="history" pt="md">
          <HistoryPanel
            ciId={ci.id}
            type={type}
            onViewAsOf={(at) => {
              setAsOf(at);
              setTab('attributes');
            }}
          />
        </Tabs.Panel>
        <Tabs.Panel value="impact" pt="md">
          <ImpactPanel ciId={ci.id} types={types.data} />
        </Tabs.Panel>
      </Tabs>
      {editing && <EditCiModal ciId={ci.id} type={type} onClose={() => setEditing(false)} />}
    </Stack>
  );
}
