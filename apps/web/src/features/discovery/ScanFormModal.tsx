import type { Versioned } from '@estate/client';
import type { CreateScanRequest, DiscoveryScan } from '@estate/contract';
import { Alert, Button, Group, List, Modal, MultiSelect, NumberInput, SimpleGrid, Stack, Switch, Textarea, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useApi } from '../../app/use-api';
import { fieldErrorsOf } from '../../components/field-errors';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePagedQuery } from '../../components/paged-query';
import { DISCOVERY_QUERY_KEY, snmpCredentialsQuery } from './discovery-queries';
import { type ScanFormValues, scanFormValues, scanRequest, targetErrors } from './scan-form';

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

function ScanForm({ scan, onClose, onSaved }: Omit<ScanFormModalProps, 'opened'>) {
  const api = useApi();
  const queryClient = useQueryClient();
  const credentials = usePagedQuery(snmpCredentialsQuery(api));
  const [values, setValues] = useState<ScanFormValues>(() => scanFormValues(scan?.value));
  const [portError, setPortError] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (request: CreateScanRequest) => (scan?.etag ? api.updateScan(scan.value.id, request, scan.etag) : api.createScan(request)),
    onSuccess: async (saved) => {
      await queryClient.invalidateQueries({ queryKey: DISCOVERY_QUERY_KEY });
      onSaved?.(saved.value);
      onClose();
    },
  });
  const errors = fieldErrorsOf(save.error);
  const refused = targetErrors(errors);
  const set = <K extends keyof ScanFormValues>(key: K, value: ScanFormValues[K]) => setValues((v) => ({ ...v, [key]: value }));
  const setOption = <K extends keyof ScanFormValues['options']>(key: K, value: ScanFormValues['options'][K]) =>
    setValues((v) => ({ ...v, options: { ...v.options, [key]: value } }));
  const num = (value: number | string, fallback: number) => (typeof value === 'number' ? value : Number.parseInt(value, 10) || fallback);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const built = scanRequest(values);
    setPortError('error' in built ? built.error : null);
    if ('request' in built) save.mutate(built.request);
  };

  const credentialOptions = credentials.items.map((c) => ({
    value: c.id,
    label: `${c.name} (${c.snmpVersion})`,
  }));

  return (
    <form onSubmit={submit} noValidate data-testid="scan-form">
      <Stack gap="sm">
        <TextInput
          label="Name"
          value={values.name}
          onChange={(e) => set('name', e.currentTarget.value)}
          required
          maxLength={100}
          error={errors.name}
          data-autofocus
          data-testid="scan-name"
        />
        <Textarea
          label="Targets"
          description="One per line: addresses, CIDRs (192.0.2.0/24, 2001:db8::/120) or ranges (192.0.2.10-192.0.2.20)."
          value={values.targets}
          onChange={(e) => set('targets', e.currentTarget.value)}
          autosize
          minRows={3}
          maxRows={10}
          required
          error={refused.length > 0}
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
          value={values.ports}
          onChange={(e) => set('ports', e.currentTarget.value)}
          error={portError ?? errors.ports}
          data-testid="scan-ports"
        />
        <MultiSelect
          label="SNMP credentials"
          description="Tried in order on every live host; the first that answers wins."
          data={credentialOptions}
          value={values.credentialIds}
          onChange={(ids) => set('credentialIds', ids)}
          error={Object.entries(errors).find(([k]) => k.startsWith('credentialIds'))?.[1]}
          comboboxProps={{ withinPortal: true }}
          data-testid="scan-credentials"
        />
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs">
          <Switch
            label="Reverse DNS names"
            checked={values.options.reverseDns}
            onChange={(e) => setOption('reverseDns', e.currentTarget.checked)}
          />
          <Switch
            label="Service hints (SSH, HTTP, TLS)"
            checked={values.options.serviceHints}
            onChange={(e) => setOption('serviceHints', e.currentTarget.checked)}
          />
          <Switch
            label="Hosts answering TCP but not ping count as live"
            checked={values.options.tcpLiveness}
            onChange={(e) => setOption('tcpLiveness', e.currentTarget.checked)}
          />
          <Switch
            label="Allow more than 4,096 addresses"
            checked={values.options.force}
            onChange={(e) => setOption('force', e.currentTarget.checked)}
            data-testid="scan-force"
          />
        </SimpleGrid>
        <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="xs">
          <NumberInput
            label="Probes per second"
            value={values.options.ratePerSecond}
            onChange={(v) => setOption('ratePerSecond', num(v, 200))}
            min={1}
            max={10000}
            allowDecimal={false}
          />
          <NumberInput
            label="In flight"
            value={values.options.concurrency}
            onChange={(v) => setOption('concurrency', num(v, 64))}
            min={1}
            max={1024}
            allowDecimal={false}
          />
          <NumberInput
            label="Timeout (ms)"
            value={values.options.timeoutMs}
            onChange={(v) => setOption('timeoutMs', num(v, 1000))}
            min={50}
            max={60000}
            allowDecimal={false}
          />
          <NumberInput
            label="SNMP port"
            value={values.options.snmpPort}
            onChange={(v) => setOption('snmpPort', num(v, 161))}
            min={1}
            max={65535}
            allowDecimal={false}
          />
        </SimpleGrid>
        <Group align="flex-end" gap="sm">
          <Switch
            label="Run on a schedule"
            checked={values.intervalMinutes !== null}
            onChange={(e) => set('intervalMinutes', e.currentTarget.checked ? 1440 : null)}
            data-testid="scan-scheduled"
          />
          {values.intervalMinutes !== null && (
            <NumberInput
              label="Every (minutes)"
              value={values.intervalMinutes}
              onChange={(v) => set('intervalMinutes', num(v, 1440))}
              min={5}
              max={43200}
              allowDecimal={false}
              error={errors.intervalMinutes}
              data-testid="scan-interval"
            />
          )}
        </Group>
        <ProblemAlert
          error={save.error}
          shownFields={['name', 'ports', 'intervalMinutes', ...Object.keys(errors).filter((k) => k.startsWith('targets'))]}
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
