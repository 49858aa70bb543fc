import {
  type Ci,
  type CreateRelationshipRequest,
  RELATIONSHIP_TYPES,
  type Relationship,
  type RelationshipType,
  type RelationshipTypeInfo,
} from '@estate/contract';
import { Badge, Button, Group, Paper, Select, Stack, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../app/use-api';
import { ConfirmButton } from '../../components/ConfirmButton';
import { DataTable, type DataTableColumn } from '../../components/DataTable';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePagedQuery } from '../../components/paged-query';
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

/** The columns of the relationships, each read from `ci`'s side; with `onRemoved`, a remove button on every row. */
function relationshipColumns(ci: Ci, onRemoved: (() => unknown) | undefined): DataTableColumn<Relationship>[] {
  const outgoing = (relationship: Relationship) => relationship.sourceId === ci.id;
  const relation = (relationship: Relationship) => (outgoing(relationship) ? relationship.name : relationship.inverseName);
  const columns: DataTableColumn<Relationship>[] = [
    { id: 'relation', header: 'Relation', cell: relation },
    {
      id: 'item',
      header: 'Item',
      cell: (relationship) =>
        outgoing(relationship) ? (
          <CiLink id={relationship.targetId} name={relationship.targetName} />
        ) : (
          <CiLink id={relationship.sourceId} name={relationship.sourceName} />
        ),
    },
    {
      id: 'source',
      header: 'Source',
      cell: (relationship) => (
        <Text size="xs" c="dimmed">
          {relationship.source} · {formatRelative(relationship.createdAt)}
        </Text>
      ),
    },
  ];
  if (!onRemoved) return columns;
  return [
    ...columns,
    {
      id: 'actions',
      header: '',
      cell: (relationship) => (
        <RemoveRelationship ci={ci} relationship={relationship} relation={relation(relationship)} onRemoved={onRemoved} />
      ),
    },
  ];
}

/**
 * The CI's relationships in both directions, each read from this CI's side ("runs on X", "hosts Y"); with
 * `inventory:write`, add one (a type in either direction and the other CI) or remove one.
 */
export function RelationshipsPanel({ ci, canWrite }: RelationshipsPanelProps) {
  const api = useApi();
  const queryClient = useQueryClient();
  const types = useRelationshipTypes();
  const list = usePagedQuery(ciRelationshipsQuery(api, ci.id));
  const invalidate = () => queryClient.invalidateQueries({ queryKey: INVENTORY_QUERY_KEY });

  return (
    <Stack gap="md">
      {canWrite && <AddRelationship ci={ci} types={types} onAdded={invalidate} />}
      <ProblemAlert error={list.error} />
      <DataTable
        columns={relationshipColumns(ci, canWrite ? invalidate : undefined)}
        rows={list.items}
        rowKey={(relationship) => relationship.id}
        rowDataset={(relationship) => ({ direction: relationship.sourceId === ci.id ? 'outgoing' : 'incoming' })}
        loading={list.isPending}
        empty="No relationships yet."
        list={list}
        compact
        minWidth={480}
        testId="relationships-table"
        rowTestId="relationship-row"
      />
    </Stack>
  );
}

function RemoveRelationship({
  ci,
  relationship,
  relation,
  onRemoved,
}: {
  ci: Ci;
  relationship: Relationship;
  relation: string;
  onRemoved: () => unknown;
}) {
  const api = useApi();
  return (
    <Group justify="flex-end">
      <ConfirmButton
        label="Remove"
        title="Remove relationship?"
        message={`${ci.name} will no longer ${relation} this item.`}
        confirmLabel="Remove"
        onConfirm={async () => {
          await api.deleteRelationship(relationship.id);
          await onRemoved();
        }}
        data-testid="relationship-remove"
      />
    </Group>
  );
}

interface NewRelationshipValues {
  /** A relationship type and the direction it is read in from this CI: `runs_on:out`, `runs_on:in`. */
  kind: string | null;
  otherId: string | null;
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
  const form = useForm<NewRelationshipValues>({ initialValues: { kind: null, otherId: null } });
  const { kind, otherId } = form.getValues();
  const options = [
    { group: `${ci.name} …`, items: types.map((type) => ({ value: `${type.id}:out`, label: type.name })) },
    { group: `… ${ci.name} (inverse)`, items: types.map((type) => ({ value: `${type.id}:in`, label: type.inverseName })) },
  ];
  const add = useMutation({
    mutationFn: (request: CreateRelationshipRequest) => api.createRelationship(request),
    onSuccess: async () => {
      form.setFieldValue('otherId', null);
      await onAdded();
    },
  });
  const submit = form.onSubmit((values) => {
    if (!values.kind || !values.otherId) return;
    const [type, direction] = values.kind.split(':') as [RelationshipType, string];
    add.mutate(
      direction === 'out' ? { type, sourceId: ci.id, targetId: values.otherId } : { type, sourceId: values.otherId, targetId: ci.id },
    );
  });

  return (
    <Paper withBorder p="sm" component="form" onSubmit={submit} noValidate data-testid="relationship-form">
      <Group align="flex-end" gap="sm">
        <Badge variant="light" mb={8} visibleFrom="xs">
          {ci.name}
        </Badge>
        <Select
          label="Relation"
          placeholder="runs on, depends on…"
          data={options}
          {...form.getInputProps('kind')}
          searchable
          w={{ base: '100%', xs: 220 }}
          data-testid="relationship-type"
        />
        <div style={{ flex: 1, minWidth: 200 }}>
          <CiPicker
            label="Item"
            value={otherId}
            onChange={(id) => form.setFieldValue('otherId', id)}
            excludeId={ci.id}
            data-testid="relationship-target"
          />
        </div>
        <Button type="submit" disabled={!kind || !otherId} loading={add.isPending} data-testid="relationship-add">
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
