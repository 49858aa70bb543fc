import { ActionIcon, Button, Group, Menu, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useApi } from '../../app/use-api';
import { ProblemAlert } from '../../components/ProblemAlert';
import { savedViewsQuery } from './inventory-queries';

/** Props of `SavedViewsMenu`. */
export interface SavedViewsMenuProps {
  /** The current filters, stored when the user saves a view. */
  currentQuery: Record<string, string>;
  onApply: (query: Record<string, unknown>) => void;
}

/** Saved views of the inventory list: apply one, delete one, or save the current filters under a name. */
export function SavedViewsMenu({ currentQuery, onApply }: SavedViewsMenuProps) {
  const api = useApi();
  const queryClient = useQueryClient();
  const views = useQuery(savedViewsQuery(api));
  const [naming, setNaming] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: savedViewsQuery(api).queryKey });
  const save = useMutation({
    mutationFn: (name: string) => api.createSavedView({ resource: 'cis', name, query: currentQuery }),
    onSuccess: async () => {
      await refresh();
      setNaming(false);
    },
  });
  const remove = useMutation({ mutationFn: (id: string) => api.deleteSavedView(id), onSuccess: refresh });
  const list = (views.data ?? []).filter((view) => !view.resource || view.resource === 'cis');

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget).get('name') ?? '').trim();
    if (name) save.mutate(name);
  };

  return (
    <>
      <Menu position="bottom-end" withinPortal closeOnItemClick>
        <Menu.Target>
          <Button variant="default" data-testid="saved-views">
            Views
          </Button>
        </Menu.Target>
        <Menu.Dropdown miw={240}>
          <Menu.Label>Saved views</Menu.Label>
          {views.error ? (
            <Text size="xs" c="red" px="sm">
              Could not load saved views.
            </Text>
          ) : list.length === 0 ? (
            <Text size="xs" c="dimmed" px="sm" py={4}>
              None yet.
            </Text>
          ) : (
            list.map((view) => (
              <Group key={view.id} gap={0} wrap="nowrap">
                <Menu.Item onClick={() => onApply(view.query)} data-testid="saved-view">
                  {view.name}
                </Menu.Item>
                <ActionIcon
                  variant="subtle"
                  color="red"
                  aria-label={`Delete view ${view.name}`}
                  onClick={() => remove.mutate(view.id)}
                  data-testid="saved-view-delete"
                >
                  ×
                </ActionIcon>
              </Group>
            ))
          )}
          <Menu.Divider />
          <Menu.Item onClick={() => setNaming(true)} data-testid="saved-view-save">
            Save current filters…
          </Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <Modal opened={naming} onClose={() => setNaming(false)} title="Save view" centered>
        <form onSubmit={submit}>
          <Stack gap="sm">
            <TextInput name="name" label="Name" required data-autofocus data-testid="saved-view-name" />
            <ProblemAlert error={save.error ?? remove.error} />
            <Group justify="flex-end" gap="xs">
              <Button variant="default" onClick={() => setNaming(false)}>
                Cancel
              </Button>
              <Button type="submit" loading={save.isPending} data-testid="saved-view-submit">
                Save
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
