import type { CreateCiRequest } from '@estate/contract';
import { Paper, Select, Stack } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { can } from '../../app/auth-guard';
import { useRouteSearch } from '../../app/route-params';
import { useApi } from '../../app/use-api';
import { NoPermission } from '../../components/NoPermission';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useMe } from '../auth/use-me';
import { CiForm } from './CiForm';
import { groupedTypeOptions } from './ci-type-options';
import { ciTypesQuery, INVENTORY_QUERY_KEY } from './inventory-queries';

/** Creates a CI: pick its type (or come with `?type=`), then fill in the form generated for that type. */
export function CreateCiPage() {
  const me = useMe();
  const search = useRouteSearch('/inventory/new');
  if (!can(me, 'inventory:write')) return <NoPermission permission="inventory:write" />;
  return <CreateCi initialType={search.type} />;
}

function CreateCi({ initialType }: { initialType: string | undefined }) {
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const types = useQuery(ciTypesQuery(api));
  const [typeId, setTypeId] = useState<string | null>(initialType ?? null);
  const type = types.data?.find((candidate) => candidate.id === typeId);
  const create = useMutation({
    mutationFn: (request: CreateCiRequest) => api.createCi(request),
    onSuccess: async ({ ci }) => {
      notifications.show({ color: 'teal', title: 'CI created', message: `${ci.name} is in the inventory.` });
      await queryClient.invalidateQueries({ queryKey: INVENTORY_QUERY_KEY });
      await navigate({ to: '/inventory/$id', params: { id: ci.id } });
    },
  });

  return (
    <>
      <PageHeader title="New configuration item" description="Choose what kind of item it is; the form asks for what that type needs." />
      <Stack gap="md" maw={900}>
        <ProblemAlert error={types.error} />
        <Select
          label="Type"
          placeholder="Server, switch, application, licence…"
          data={groupedTypeOptions(types.data ?? [])}
          value={typeId}
          onChange={(value) => {
            setTypeId(value);
            create.reset();
          }}
          searchable
          maw={400}
          data-testid="ci-type-select"
        />
        {type && (
          <Paper withBorder p={{ base: 'sm', sm: 'lg' }} radius="md">
            <CiForm
              key={type.id}
              type={type}
              onSubmit={(body) => create.mutate({ ...body, type: type.id } as CreateCiRequest)}
              onCancel={() => void navigate({ to: '/inventory' })}
              pending={create.isPending}
              error={create.error}
              submitLabel="Create"
            />
          </Paper>
        )}
      </Stack>
    </>
  );
}
