import type { Ci } from '@estate/contract';
import { Box, Group, Stack, Text, Title, UnstyledButton } from '@mantine/core';
import { useQueries, useQuery } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useApi } from '../../app/use-api';
import { ProblemAlert } from '../../components/ProblemAlert';
import { CiLink } from './CiLink';
import { humanize, STATUS_COLORS } from './ci-labels';
import { ciQuery, INVENTORY_QUERY_KEY } from './inventory-queries';

/** Props of `RackElevation`. */
export interface RackElevationProps {
  rack: Ci;
}

/** Height of one rack unit on screen, in pixels. */
const U_HEIGHT = 22;

/** A positive integer attribute, or undefined. */
function positiveInt(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/** The unit a device is drawn from: its position, a half-unit position (12.5, as NetBox has them) in its lower unit. */
function unitOf(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  return Number.isInteger(n * 2) && n >= 1 ? Math.floor(n) : undefined;
}

/**
 * The front elevation of a rack: `attributes.heightU` units (42 by default), U1 at the bottom, each device drawn at
 * `attributes.rackPosition` spanning its own `attributes.heightU`. Devices are the CIs located in the rack, by
 * `locationId` or by a `located_in` relationship; those without a position are listed below.
 */
export function RackElevation({ rack }: RackElevationProps) {
  const api = useApi();
  const navigate = useNavigate();
  const heightU = positiveInt(rack.attributes.heightU) ?? 42;
  const byLocation = useQuery({
    queryKey: [...INVENTORY_QUERY_KEY, 'rack-contents', rack.id] as const,
    queryFn: () => api.listCis({ locationId: rack.id, limit: 500 }),
  });
  const related = useQuery({
    queryKey: [...INVENTORY_QUERY_KEY, 'relationships', rack.id, 'located_in'] as const,
    queryFn: () => api.listRelationships({ ciId: rack.id, type: 'located_in', limit: 500 }),
  });
  const known = new Set(byLocation.data?.items.map((ci) => ci.id) ?? []);
  const relatedIds = (related.data?.items ?? []).filter((r) => r.targetId === rack.id && !known.has(r.sourceId)).map((r) => r.sourceId);
  const relatedCis = useQueries({ queries: relatedIds.map((id) => ({ ...ciQuery(api, id), staleTime: 60_000 })) });
  const devices = [...(byLocation.data?.items ?? []), ...relatedCis.flatMap((query) => (query.data ? [query.data.ci] : []))];
  const placed = devices.filter((device) => unitOf(device.attributes.rackPosition) !== undefined);
  const unplaced = devices.filter((device) => unitOf(device.attributes.rackPosition) === undefined);
  const units = Array.from({ length: heightU }, (_, index) => heightU - index);

  return (
    <Stack gap="md">
      <ProblemAlert error={byLocation.error ?? related.error} />
      <Group align="flex-start" gap="xl" wrap="wrap">
        <Box
          data-testid="rack-elevation"
          style={{
            display: 'grid',
            gridTemplateColumns: '32px minmax(200px, 320px)',
            gridTemplateRows: `repeat(${heightU}, ${U_HEIGHT}px)`,
            border: '2px solid var(--mantine-color-dark-3)',
            borderRadius: 4,
            maxWidth: '100%',
          }}
        >
          {units.map((u, index) => (
            <Text
              key={`label-${u}`}
              size="10px"
              c="dimmed"
              ta="right"
              pr={4}
              style={{
                gridColumn: 1,
                gridRow: index + 1,
                lineHeight: `${U_HEIGHT}px`,
                borderBottom: '1px dashed var(--mantine-color-default-border)',
              }}
            >
              {u}
            </Text>
          ))}
          {units.map((u, index) => (
            <div
              key={`slot-${u}`}
              style={{ gridColumn: 2, gridRow: index + 1, borderBottom: '1px dashed var(--mantine-color-default-border)' }}
            />
          ))}
          {placed.map((device) => {
            const position = unitOf(device.attributes.rackPosition) ?? 1;
            const span = Math.min(positiveInt(device.attributes.heightU) ?? 1, heightU);
            const top = Math.max(1, heightU - (position + span - 1) + 1);
            return (
              <UnstyledButton
                key={device.id}
                onClick={() => void navigate({ to: '/inventory/$id', params: { id: device.id } })}
                title={`${device.name} · U${position}${span > 1 ? `–${position + span - 1}` : ''}`}
                data-testid="rack-device"
                style={{
                  gridColumn: 2,
                  gridRow: `${top} / span ${span}`,
                  margin: 1,
                  padding: '0 8px',
                  borderRadius: 3,
                  background: `var(--mantine-color-${STATUS_COLORS[device.status]}-light)`,
                  border: `1px solid var(--mantine-color-${STATUS_COLORS[device.status]}-filled)`,
                  overflow: 'hidden',
                  display: 'flex',
                  alignItems: 'center',
                  zIndex: 1,
                }}
              >
                <Text size="xs" fw={500} truncate="end">
                  {device.name}{' '}
                  <Text span size="xs" c="dimmed">
                    {humanize(device.type)} · {span}U
                  </Text>
                </Text>
              </UnstyledButton>
            );
          })}
        </Box>
        <Stack gap={6} miw={200}>
          <Title order={3} fz="h5">
            {heightU}U rack
          </Title>
          <Text size="sm" c="dimmed">
            {placed.length} placed, {placed.reduce((sum, d) => sum + Math.min(positiveInt(d.attributes.heightU) ?? 1, heightU), 0)}U used
          </Text>
          {unplaced.length > 0 && (
            <>
              <Text size="sm" fw={500} mt="sm">
                In this rack without a position
              </Text>
              {unplaced.map((device) => (
                <CiLink key={device.id} id={device.id} name={device.name} />
              ))}
            </>
          )}
        </Stack>
      </Group>
    </Stack>
  );
}
