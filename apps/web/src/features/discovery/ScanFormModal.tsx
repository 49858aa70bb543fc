import type { Versioned } from '@estate/client';
import type { CreateScanRequest, DiscoveryScan } from '@estate/contract';
import { Alert, Button, Group, List, Modal, MultiSelect, NumberInput, SimpleGrid, Stack, Switch, Textarea, TextInput } from '@mantine/core';
import { isNotEmpty, useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../app/use-api';
import { fieldErrorsOf, useServerFieldErrors } from '../../components/field-errors';
import { focusFirstInvalid } from '../../components/focus-first-invalid';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePagedQuery } from '../../components/paged-query';
import { DISCOVERY_QUERY_KEY, snmpCredentialsQuery } from './discovery-queries';
import { portsRule, type ScanFormValues, scanFormValues, scanRequest, targetErrors, targetsRule } from './scan-form';

/** The options a number input edits. */
type NumericOption = 'ratePerSecond' | 'concurrency' | 'timeoutMs' | 'snmpPort';

/** Props of `ScanFormModal`. */
export interface ScanFormModalProps {
  opened: boolean;
  onClose: () => void;
  /** The scan to edit (with its ETag); a new scan when absent. */
  scan?: Versioned<DiscoveryScan>;
  /** Called with the saved scan. */
  onSaved?: (scan: DiscoveryScan) => void;
}

/** Creating or editing a scan: targets, ports, SNMP credentials, probe options and schedule. */
export function ScanFormModal({ opened, onClose, scan, onSaved }: ScanFormModalProps) {
  return (
    <Modal opened={opened} onClose={onClose} title={scan ? `Edit ${scan.value.name}` : 'New scan'} size="lg">
      {/* Keyed so that the form starts from the scan's current values each time it opens. */}
      {opened && <ScanForm key={scan?.etag ?? 'new'} scan={scan} onClose={onClose} onSaved={onSaved} />}
    </Modal>
  );
}

const RULES = { name: isNotEmpty('Enter a name'), targets: targetsRule, ports: portsRule };

function ScanForm({ scan, onClose, onSaved }: Omit<ScanFormModalProps, 'opened'>) {
  const api = useApi();
  const queryClient = useQueryClient();
  const credentials = usePagedQuery(snmpCredentialsQuery(api));
  const form = useForm<ScanFormValues>({ initialValues: scanFormValues(scan?.value), validate: RULES });
  const values = form.getValues();
  const save = useMutation({
    mutationFn: (request: CreateScanRequest) => (scan?.etag ? api.updateScan(scan.value.id, request, scan.etag) : api.createScan(request)),
    onSuccess: async (saved) => {
      await queryClient.invalidateQueries({ queryKey: DISCOVERY_QUERY_KEY });
      onSaved?.(saved.value);
      onClose();
    },
  });
  useServerFieldErrors(form, save.error);
  // Refused targets are listed together under the field, and a complaint about one credential marks the whole list.
  const serverErrors = fieldErrorsOf(save.error);
  const refused = targetErrors(serverErrors);
  const credentialError = Object.entries(serverErrors).find(([field]) => field.startsWith('credentialIds.'))?.[1];
  const num = (value: number | string, fallback: number) => (typeof value === 'number' ? value : Number.parseInt(value, 10) || fallback);
  const numberInput = (path: `options.${NumericOption}` | 'intervalMinutes', fallback: number) => ({
    ...form.getInputProps(path),
    onChange: (value: number | string) => form.setFieldValue(path, num(value, fallback)),
  });

  const submit = form.onSubmit(
    (submitted) => {
      const built = scanRequest(submitted);
      if ('request' in built) save.mutate(built.request);
    },
    (_errors, _values, event) => focusFirstInvalid(event?.currentTarget),
  );

  const credentialOptions = credentials.items.map((c) => ({
    value: c.id,
    label: `${c.name} (${c.snmpVersion})`,
  }));

  return (
    <form onSubmit={submit} noValidate data-testid="scan-form">
      <Stack gap="sm">
        <TextInput label="Name" {...form.getInputProps('name')} required maxLength={100} data-autofocus data-testid="scan-name" />
        <Textarea
          label="Targets"
          description="One per line: addresses, CIDRs (192.0.2.0/24, 2001:db8::/120) or ranges (192.0.2.10-192.0.2.20)."
          {...form.getInputProps('targets')}
          error={refused.length > 0 || form.errors.targets}
          autosize
          minRows={3}
          maxRows={10}
          required
          data-testid="scan-targets"
        />
        {refused.length > 0 && (
          <Alert color="red" title="Targets refused by the scan policy" data-testid="scan-target-errors">
            <List size="sm">
              {refused.map((message) => (
                <List.Item key={message}>{message}</List.Item>
              ))}
            </List>
          </Alert>
        )}
        <TextInput
          label="TCP ports"
          description="Separated by commas; ranges like 8000-8010."
          {...form.getInputProps('ports')}
          data-testid="scan-ports"
        />
        <MultiSelect
          label="SNMP credentials"
          description="Tried in order on every live host; the first that answers wins."
          data={credentialOptions}
          {...form.getInputProps('credentialIds')}
          error={form.errors.credentialIds ?? credentialError}
          comboboxProps={{ withinPortal: true }}
          data-testid="scan-credentials"
        />
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
          <Switch label="Reverse DNS names" {...form.getInputProps('options.reverseDns', { type: 'checkbox' })} />
          <Switch label="Service hints (SSH, HTTP, TLS)" {...form.getInputProps('options.serviceHints', { type: 'checkbox' })} />
          <Switch
            label="Hosts answering TCP but not ping count as live"
            {...form.getInputProps('options.tcpLiveness', { type: 'checkbox' })}
          />
          <Switch
            label="Allow more than 4,096 addresses"
            {...form.getInputProps('options.force', { type: 'checkbox' })}
            data-testid="scan-force"
          />
        </SimpleGrid>
        <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="xs">
          <NumberInput label="Probes per second" {...numberInput('options.ratePerSecond', 200)} min={1} max={10000} allowDecimal={false} />
          <NumberInput label="In flight" {...numberInput('options.concurrency', 64)} min={1} max={1024} allowDecimal={false} />
          <NumberInput label="Timeout (ms)" {...numberInput('options.timeoutMs', 1000)} min={50} max={60000} allowDecimal={false} />
          <NumberInput label="SNMP port" {...numberInput('options.snmpPort', 161)} min={1} max={65535} allowDecimal={false} />
        </SimpleGrid>
        <Group align="flex-end" gap="sm">
          <Switch
            label="Run on a schedule"
            checked={values.intervalMinutes !== null}
            onChange={(event) => form.setFieldValue('intervalMinutes', event.currentTarget.checked ? 1440 : null)}
            data-testid="scan-scheduled"
          />
          {values.intervalMinutes !== null && (
            <NumberInput
              label="Every (minutes)"
              {...numberInput('intervalMinutes', 1440)}
              min={5}
              max={43200}
              allowDecimal={false}
              data-testid="scan-interval"
            />
          )}
        </Group>
        <ProblemAlert
          error={save.error}
          shownFields={[
            'name',
            'ports',
            'intervalMinutes',
            ...Object.keys(serverErrors).filter(
              (k) => k.startsWith('targets') || k.startsWith('credentialIds') || k.startsWith('options.'),
            ),
          ]}
        />
        <Group justify="flex-end" gap="xs" mt="xs">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending} data-testid="scan-submit">
            {scan ? 'Save' : 'Create scan'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
