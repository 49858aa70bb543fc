import { type Ci, RELATIONSHIP_TYPES, type Relationship, type RelationshipType, type RelationshipTypeInfo } from '@estate/contract';
import { Badge, Button, Group, Paper, Select, Stack, Table, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useApi } from '../../app/use-api';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ProblemAlert } from '../../components/ProblemAlert';
import { CiLink } from './CiLink';
import { CiPicker } from './CiPicker';
import { formatRelative, humanize } from './ci-labels';
import { ciRelationshipsQuery, INVENTORY_QUERY_KEY, relationshipTypesQuery } from './inventory-queries';

/** Props of `RelationshipsPanel`. */
export interface RelationshipsPanelProps {
  ci: Ci;
  canWrite: boolean;
}

/** Relationship types with their names; words made from the ids when the server's list is not available. */
function useRelationshipTypes(): Pick<RelationshipTypeInfo, 'id' | 'name' | 'inverseName'>[] {
  const api = useApi();
  const types = useQuery(relationshipTypesQuery(api));
  if (types.data && types.data.length > 0) return types.data;
  return RELATIONSHIP_TYPES.map((id) => ({ id, name: humanize(id).toLowerCase(), inverseName: `${humanize(id).toLowerCase()} (inverse)` }));
}

/**
 * The CI's relationships in both directions, each read from this CI's side ("runs on X", "hosts Y"); with
 * `inventory:write`, add one (a type in either direction and the other CI) or remove one.
 */
export function RelationshipsPanel({ ci, canWrite }: RelationshipsPanelProps) {
  const api = useApi();
  const queryClient = useQueryClient();
  const types = useRelationshipTypes();
  const list = useQuery(ciRelationshipsQuery(api, ci.id));
  const relationships = list.data?.items ?? [];
  const invalidate = () => queryClient.invalidateQueries({ queryKey: INVENTORY_QUERY_KEY });

  return (
    <Stack gap="md">
      {canWrite && <AddRelationship ci={ci} types={types} onAdded={invalidate} />}
      <ProblemAlert error={list.error} />
      <Table.ScrollContainer minWidth={480}>
        <Table verticalSpacing="xs" data-testid="relationships-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Relation</Table.Th>
              <Table.Th>Item</Table.Th>
              <Table.Th>Source</Table.Th>
              {canWrite && <Table.Th aria-label="Actions" />}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {relationships.map((relationship) => (
              <RelationshipRow key={relationship.id} ci={ci} relationship={relationship} canWrite={canWrite} onRemoved={invalidate} />
            ))}
            {!list.isPending && relationships.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={canWrite ? 4 : 3}>
                  <Text c="dimmed" ta="center" py="md">
                    No relationships yet.
                  </Text>
                </Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}

function RelationshipRow({
  ci,
  relationship,
  canWrite,
  onRemoved,
}: {
  ci: Ci;
  relationship: Relationship;
  canWrite: boolean;
  onRemoved: () => unknown;
}) {
  const api = useApi();
  const outgoing = relationship.sourceId === ci.id;
  const otherId = outgoing ? relationship.targetId : relationship.sourceId;
  return (
    <Table.Tr data-testid="relationship-row" data-direction={outgoing ? 'outgoing' : 'incoming'}>
      <Table.Td>
        <Text size="sm">{outgoing ? relationship.name : relationship.inverseName}</Text>
      </Table.Td>
      <Table.Td>
        <CiLink id={otherId} name={outgoing ? relationship.targetName : relationship.sourceName} />
      </Table.Td>
      <Table.Td>
        <Text size="xs" c="dimmed">
          {relationship.source} · {formatRelative(relationship.createdAt)}
        </Text>
      </Table.Td>
      {canWrite && (
        <Table.Td>
          <Group justify="flex-end">
            <ConfirmButton
              label="Remove"
              title="Remove relationship?"
              message={`${ci.name} will no longer ${outgoing ? relationship.name : relationship.inverseName} this item.`}
              confirmLabel="Remove"
              onConfirm={async () => {
                await api.deleteRelationship(relationship.id);
                await onRemoved();
              }}
              data-testid="relationship-remove"
            />
          </Group>
        </Table.Td>
      )}
    </Table.Tr>
  );
}

function AddRelationship({
  ci,
  types,
  onAdded,
}: {
  ci: Ci;
  types: Pick<RelationshipTypeInfo, 'id' | 'name' | 'inverseName'>[];
  onAdded: () => unknown;
}) {
  const api = useApi();
  const [kind, setKind] = useState<string | null>(null);
  const [otherId, setOtherId] = useState<string | null>(null);
  const options = [
    { group: `${ci.name} …`, items: types.map((type) => ({ value: `${type.id}:out`, label: type.name })) },
    { group: `… ${ci.name} (inverse)`, items: types.map((type) => ({ value: `${type.id}:in`, label: type.inverseName })) },
  ];
  const add = useMutation({
    mutationFn: () => {
      const [type, direction] = (kind ?? '').split(':') as [RelationshipType, string];
      const other = otherId ?? '';
      return api.createRelationship(
        direction === 'out' ? { type, sourceId: ci.id, targetId: other } : { type, sourceId: other, targetId: ci.id },
      );
    },
    onSuccess: async () => {
      setOtherId(null);
      await onAdded();
    },
  });
  return (
    <Paper withBorder p="sm" data-testid="relationship-form">
      <Group align="flex-end" gap="sm">
        <Badge variant="light" mb={8} visibleFrom="xs">
          {ci.name}
        </Badge>
        <Select
          label="Relation"
          placeholder="runs on, depends on…"
          data={options}
          value={kind}
          onChange={setKind}
          searchable
          w={{ base: '100%', xs: 220 }}
          data-testid="relationship-type"
        />
        <div style={{ flex: 1, minWidth: 200 }}>
          <CiPicker label="Item" value={otherId} onChange={setOtherId} excludeId={ci.id} data-testid="relationship-target" />
        </div>
        <Button onClick={() => add.mutate()} disabled={!kind || !otherId} loading={add.isPending} data-testid="relationship-add">
          Add
        </Button>
      </Group>
      {add.error ? (
        <Stack mt="sm">
          <ProblemAlert error={add.error} />
        </Stack>
      ) : null}
    </Paper>
  );
}
