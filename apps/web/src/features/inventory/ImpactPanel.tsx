import { type CiTypeInfo, RELATIONSHIP_TYPES } from '@estate/contract';
import { Alert, Badge, Group, MultiSelect, NumberInput, Paper, SegmentedControl, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useApi } from '../../app/use-api';
import { ProblemAlert } from '../../components/ProblemAlert';
import { plural } from '../../components/plural';
import { CiLink } from './CiLink';
import { humanize } from './ci-labels';
import { typeLabel } from './ci-type-options';
import { ImpactGraph } from './ImpactGraph';
import { impactQuery } from './inventory-queries';

/** Props of `ImpactPanel`. */
export interface ImpactPanelProps {
  ciId: string;
  types: readonly CiTypeInfo[] | undefined;
}

type Direction = 'upstream' | 'downstream' | 'both';
/** What an item without neighbours in the chosen direction is told. */
const ALONE: Record<Direction, string> = {
  downstream: 'Nothing depends on this item',
  upstream: 'This item depends on nothing',
  both: 'Nothing depends on this item and it depends on nothing',
};
const RELATIONSHIP_OPTIONS = RELATIONSHIP_TYPES.map((value) => ({ value, label: humanize(value) }));

/**
 * What depends on this CI and what it depends on: depth, direction and relationship types are asked of the server;
 * the CI type filter hides nodes in the browser. Shows the affected business services, then the graph or a list
 * per depth.
 */
export function ImpactPanel({ ciId, types }: ImpactPanelProps) {
  const api = useApi();
  const wide = useMediaQuery('(min-width: 48em)', true, { getInitialValueInEffect: false });
  const [depth, setDepth] = useState(3);
  const [direction, setDirection] = useState<Direction>('both');
  const [relationshipTypes, setRelationshipTypes] = useState<string[]>([]);
  const [hiddenCiTypes, setHiddenCiTypes] = useState<string[]>([]);
  const [view, setView] = useState<'graph' | 'list'>('graph');
  const impact = useQuery({
    ...impactQuery(api, ciId, { depth, direction, ...(relationshipTypes.length > 0 ? { types: relationshipTypes.join(',') } : {}) }),
    placeholderData: keepPreviousData,
  });
  const data = impact.data;
  const presentTypes = useMemo(() => [...new Set(data?.nodes.map((node) => node.type) ?? [])].sort(), [data]);
  const visibleIds = useMemo(
    () => new Set(data?.nodes.filter((node) => !hiddenCiTypes.includes(node.type)).map((node) => node.id) ?? []),
    [data, hiddenCiTypes],
  );
  const serviceIds = useMemo(() => new Set(data?.affectedServices.map((node) => node.id) ?? []), [data]);
  const byDepth = useMemo(() => {
    const layers = new Map<number, NonNullable<typeof data>['nodes']>();
    for (const node of data?.nodes ?? []) {
      if (!visibleIds.has(node.id)) continue;
      layers.set(node.depth, [...(layers.get(node.depth) ?? []), node]);
    }
    return [...layers.entries()].sort(([a], [b]) => a - b);
  }, [data, visibleIds]);

  return (
    <Stack gap="md">
      <Paper withBorder p="sm" data-testid="impact-controls">
        <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm" verticalSpacing="xs">
          <NumberInput
            label="Depth"
            min={1}
            max={10}
            value={depth}
            onChange={(value) => setDepth(Math.min(10, Math.max(1, Number(value) || 1)))}
            data-testid="impact-depth"
          />
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              Direction
            </Text>
            <SegmentedControl
              size="xs"
              value={direction}
              onChange={(value) => setDirection(value as Direction)}
              data={[
                { value: 'upstream', label: 'Upstream' },
                { value: 'downstream', label: 'Downstream' },
                { value: 'both', label: 'Both' },
              ]}
              data-testid="impact-direction"
            />
          </Stack>
          <MultiSelect
            label="Relationship types"
            placeholder={relationshipTypes.length ? undefined : 'All'}
            data={RELATIONSHIP_OPTIONS}
            value={relationshipTypes}
            onChange={setRelationshipTypes}
            clearable
            data-testid="impact-relationship-types"
          />
          <MultiSelect
            label="Hide CI types"
            placeholder={hiddenCiTypes.length ? undefined : 'None hidden'}
            data={presentTypes.map((value) => ({ value, label: typeLabel(types, value) }))}
            value={hiddenCiTypes}
            onChange={setHiddenCiTypes}
            clearable
            data-testid="impact-ci-types"
          />
        </SimpleGrid>
      </Paper>
      <ProblemAlert error={impact.error} />
      {data && (
        <>
          <Stack gap={6} data-testid="affected-services">
            <Title order={3} fz="h5">
              Affected business services ({data.affectedServices.length})
            </Title>
            {data.affectedServices.length === 0 ? (
              <Text size="sm" c="dimmed">
                No business service depends on this item within the chosen depth.
              </Text>
            ) : (
              <Group gap="xs">
                {data.affectedServices.map((service) => (
                  <Badge key={service.id} variant="light" color="violet" size="lg" tt="none">
                    <CiLink id={service.id} name={service.name} />
                  </Badge>
                ))}
              </Group>
            )}
          </Stack>
          {data.truncated && (
            <Alert color="yellow" data-testid="impact-truncated">
              The graph was cut off at the server's limit; narrow it with a smaller depth or fewer relationship types.
            </Alert>
          )}
          <Group justify="space-between">
            <Text size="sm" c="dimmed">
              {plural(visibleIds.size, 'item')}, {plural(data.edges.length, 'relationship')}
            </Text>
            <SegmentedControl
              size="xs"
              disabled={visibleIds.size <= 1}
              value={view}
              onChange={(value) => setView(value as 'graph' | 'list')}
              data={[
                { value: 'graph', label: 'Graph' },
                { value: 'list', label: 'List' },
              ]}
              data-testid="impact-view"
            />
          </Group>
          {visibleIds.size <= 1 ? (
            <Paper withBorder p="sm" data-testid="impact-alone">
              <Group gap="xs">
                <Badge variant="filled" color="red" tt="none" size="lg">
                  {data.nodes.find((node) => node.id === data.root)?.name ?? 'This item'}
                </Badge>
                <Text size="sm" c="dimmed">
                  {ALONE[direction]} within {plural(depth, 'level')}.
                </Text>
              </Group>
            </Paper>
          ) : view === 'graph' ? (
            <ImpactGraph impact={data} visibleIds={visibleIds} serviceIds={serviceIds} maxHeight={wide ? 560 : 420} />
          ) : (
            <Stack gap="sm" data-testid="impact-list">
              {byDepth.map(([level, nodes]) => (
                <Paper key={level} withBorder p="sm">
                  <Text size="xs" c="dimmed" fw={600} mb={4}>
                    {level === 0 ? 'This item' : `Depth ${level}`}
                  </Text>
                  <Group gap="xs">
                    {nodes.map((node) => (
                      <Badge key={node.id} variant="outline" color={serviceIds.has(node.id) ? 'violet' : 'gray'} tt="none" size="lg">
                        <CiLink id={node.id} name={node.name} /> · {typeLabel(types, node.type)}
                      </Badge>
                    ))}
                  </Group>
                </Paper>
              ))}
            </Stack>
          )}
        </>
      )}
    </Stack>
  );
}
