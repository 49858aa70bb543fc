import { ActionIcon, Button, Group, Menu, Modal, Stack, Text, TextInput } from '@mantine/core';
import { isNotEmpty, useForm } from '@mantine/form';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useApi } from '../../app/use-api';
import { useServerFieldErrors } from '../../components/field-errors';
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
  const form = useForm({ initialValues: { name: '' }, validate: { name: isNotEmpty('Enter a name for the view') } });
  const refresh = () => queryClient.invalidateQueries({ queryKey: savedViewsQuery(api).queryKey });
  const save = useMutation({
    mutationFn: (name: string) => api.createSavedView({ resource: 'cis', name, query: currentQuery }),
    onSuccess: async () => {
      await refresh();
      close();
    },
  });
  useServerFieldErrors(form, save.error);
  const remove = useMutation({ mutationFn: (id: string) => api.deleteSavedView(id), onSuccess: refresh });
  const list = (views.data ?? []).filter((view) => !view.resource || view.resource === 'cis');

  const close = () => {
    setNaming(false);
    form.reset();
    save.reset();
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
      <Modal opened={naming} onClose={close} title="Save view" centered>
        <form onSubmit={form.onSubmit(({ name }) => save.mutate(name.trim()))} noValidate>
          <Stack gap="sm">
            <TextInput label="Name" {...form.getInputProps('name')} required maxLength={100} data-autofocus data-testid="saved-view-name" />
            <ProblemAlert error={save.error ?? remove.error} shownFields={['name']} />
            <Group justify="flex-end" gap="xs">
              <Button variant="default" onClick={close}>
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
