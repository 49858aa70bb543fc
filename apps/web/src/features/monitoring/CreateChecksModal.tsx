import { ApiError } from '@estate/client';
import { Badge, Button, Group, Modal, NumberInput, ScrollArea, SegmentedControl, Stack, Table, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useApi } from '../../app/use-api';
import { ProblemAlert } from '../../components/ProblemAlert';
import { plural } from '../../components/plural';
import {
  BULK_TEMPLATES,
  type BulkTemplateId,
  type BulkTemplateValues,
  type CiForChecks,
  DEFAULT_TEMPLATE_VALUES,
  planChecks,
  rowErrors,
} from './bulk-check-templates';
import { checkTypesQuery, MONITORING_QUERY_KEY } from './monitoring-queries';

/** Props of `CreateChecksButton`. */
export interface CreateChecksButtonProps {
  /** The selected CIs, as the inventory list loaded them. */
  cis: readonly CiForChecks[];
  onDone: () => void;
}

/** "Create checks…" on the inventory's selection: a check per selected CI from a template, previewed first. */
export function CreateChecksButton({ cis, onDone }: CreateChecksButtonProps) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant="default" onClick={() => setOpen(true)} data-testid="bulk-create-checks">
        Create checks…
      </Button>
      {open && (
        <CreateChecksModal
          cis={cis}
          onClose={() => setOpen(false)}
          onCreated={() => {
            setOpen(false);
            onDone();
          }}
        />
      )}
    </>
  );
}

function CreateChecksModal({ cis, onClose, onCreated }: { cis: readonly CiForChecks[]; onClose: () => void; onCreated: () => void }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const types = useQuery(checkTypesQuery(api));
  const offered = BULK_TEMPLATES.filter((t) => (types.data ?? []).some((info) => info.type === t.type));
  const [values, setValues] = useState<BulkTemplateValues>(DEFAULT_TEMPLATE_VALUES);
  const plan = useMemo(() => planChecks(cis, values), [cis, values]);
  const rowOfItem = plan.flatMap((row, i) => (row.request ? [i] : []));
  const create = useMutation({
    mutationFn: () => api.bulkCreateChecks({ items: plan.flatMap((row) => (row.request ? [row.request] : [])) }),
    onSuccess: async (created) => {
      notifications.show({
        color: 'teal',
        title: 'Checks created',
        message: `${plural(created.length, 'check')} now run every ${values.intervalSeconds} s.`,
      });
      await queryClient.invalidateQueries({ queryKey: MONITORING_QUERY_KEY });
      onCreated();
    },
  });
  const errors = create.error instanceof ApiError ? rowErrors(create.error.fieldErrors(), rowOfItem) : new Map<number, string>();
  const set = (patch: Partial<BulkTemplateValues>) => {
    create.reset();
    setValues({ ...values, ...patch });
  };

  return (
    <Modal
      opened
      onClose={onClose}
      title={`Create checks for ${plural(cis.length, 'item')}`}
      size="xl"
      centered
      data-testid="bulk-checks-modal"
    >
      <Stack gap="sm">
        <SegmentedControl
          value={values.template}
          onChange={(template) => set({ template: template as BulkTemplateId })}
          data={offered.map((t) => ({ value: t.id, label: t.label }))}
          data-testid="bulk-check-template"
        />
        <Group align="flex-end" gap="sm">
          {values.template === 'http' && (
            <TextInput
              label="URL"
              description="{name}, {host} and {ip} are filled in for each item"
              value={values.urlPattern}
              onChange={(event) => set({ urlPattern: event.currentTarget.value })}
              style={{ flex: 1 }}
              data-testid="bulk-check-url"
            />
          )}
          {(values.template === 'tcp' || values.template === 'tls') && (
            <NumberInput
              label="Port"
              min={1}
              max={65_535}
              value={values.port}
              onChange={(port) => set({ port: Number(port) || 1 })}
              w={120}
              data-testid="bulk-check-port"
            />
          )}
          <NumberInput
            label="Every (seconds)"
            min={10}
            max={86_400}
            value={values.intervalSeconds}
            onChange={(seconds) => set({ intervalSeconds: Number(seconds) || 60 })}
            w={150}
            data-testid="bulk-check-interval"
          />
        </Group>
        <ScrollArea.Autosize mah={360}>
          <Table striped withTableBorder fz="sm" data-testid="bulk-check-preview">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Item</Table.Th>
                <Table.Th>Check</Table.Th>
                <Table.Th>Target</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {plan.map((row, i) => {
                const error = row.problem ?? errors.get(i);
                return (
                  <Table.Tr key={row.ci.id} data-testid="bulk-check-row" data-error={error ? 'true' : undefined}>
                    <Table.Td>{row.ci.name}</Table.Td>
                    <Table.Td>{row.request?.name ?? '—'}</Table.Td>
                    <Table.Td>
                      <Group gap={6} wrap="nowrap">
                        <Text size="sm" data-testid="bulk-check-target">
                          {row.request ? targetOf(row.request.config) : ''}
                        </Text>
                        {error && (
                          <Badge color="red" variant="light" style={{ textTransform: 'none' }} data-testid="bulk-check-error">
                            {error}
                          </Badge>
                        )}
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </ScrollArea.Autosize>
        <ProblemAlert error={create.error} shownFields={Object.keys(create.error instanceof ApiError ? create.error.fieldErrors() : {})} />
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button
            onClick={() => create.mutate()}
            loading={create.isPending}
            disabled={rowOfItem.length === 0}
            data-testid="bulk-checks-submit"
          >
            Create {plural(rowOfItem.length, 'check')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function targetOf(config: Record<string, unknown>): string {
  if (typeof config.url === 'string') return config.url;
  return config.port === undefined ? String(config.host) : `${String(config.host)}:${String(config.port)}`;
}
