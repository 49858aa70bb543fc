import { NumberInput, SimpleGrid, Stack, Switch, Textarea, TextInput } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { MONO } from './ConditionListEditor';
import type { CheckFormValues } from './check-form';
import { formatSpan } from './check-format';
import type { AgentFieldValues } from './check-type-config-agent';

type Form = UseFormReturnType<CheckFormValues>;

/** A number field of an agent-side type, blank for the agent's default (its placeholder). */
function Num({
  form,
  path,
  label,
  placeholder,
  description,
  min = 0,
  max,
  decimals = false,
}: {
  form: Form;
  path: string;
  label: string;
  placeholder?: string;
  description?: string;
  min?: number;
  max?: number;
  decimals?: boolean;
}) {
  return (
    <NumberInput
      label={label}
      description={description}
      placeholder={placeholder ?? 'none'}
      min={min}
      max={max}
      allowDecimal={decimals}
      thousandSeparator=" "
      {...form.getInputProps(path)}
      data-testid={`check-${path.replace('.', '-')}`}
    />
  );
}

function PathField({ form, type, placeholder }: { form: Form; type: keyof AgentFieldValues; placeholder: string }) {
  return (
    <TextInput
      label="Path"
      description="Absolute, on the agent's host"
      placeholder={placeholder}
      required
      styles={MONO}
      {...form.getInputProps(`${type}.path`)}
      data-testid={`check-${type}-path`}
    />
  );
}

/**
 * The settings of an agent-side check (systemd, process, filesystem, file, certificate-file, nagios), which its agent
 * runs on its own host: at or above a warning threshold it is degraded, at or above a critical one down.
 */
export function AgentCheckFields({ form, type }: { form: Form; type: keyof AgentFieldValues }) {
  switch (type) {
    case 'systemd':
      return (
        <TextInput
          label="Unit"
          description="Must be active"
          placeholder="nginx.service"
          required
          styles={MONO}
          {...form.getInputProps('systemd.unit')}
          data-testid="check-systemd-unit"
        />
      );
    case 'process':
      return (
        <SimpleGrid cols={{ base: 1, xs: 2, sm: 4 }} spacing="sm">
          <TextInput
            label="Process name"
            description="Exactly, as in /proc/PID/comm"
            placeholder="nginx"
            {...form.getInputProps('process.name')}
            data-testid="check-process-name"
          />
          <TextInput
            label="Command contains"
            description="Or: a text its command line has"
            placeholder="gunicorn app:api"
            {...form.getInputProps('process.commandContains')}
            data-testid="check-process-commandContains"
          />
          <Num form={form} path="process.minCount" label="At least" description="Processes" placeholder="1" />
          <Num form={form} path="process.maxCount" label="At most" description="Processes" />
        </SimpleGrid>
      );
    case 'filesystem':
      return (
        <Stack gap="sm">
          <PathField form={form} type="filesystem" placeholder="/" />
          <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
            <Num form={form} path="filesystem.warnPercent" label="Warn at (% used)" placeholder="85" max={100} decimals />
            <Num form={form} path="filesystem.critPercent" label="Critical at (% used)" placeholder="95" max={100} decimals />
            <Num form={form} path="filesystem.inodeWarnPercent" label="Inodes: warn at (%)" max={100} decimals />
            <Num form={form} path="filesystem.inodeCritPercent" label="Inodes: critical at (%)" max={100} decimals />
          </SimpleGrid>
        </Stack>
      );
    case 'file':
      return <FileFields form={form} />;
    case 'certificate-file':
      return (
        <Stack gap="sm">
          <PathField form={form} type="certificate-file" placeholder="/etc/ssl/certs/server.pem" />
          <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm">
            <Num form={form} path="certificate-file.warnDays" label="Warn under (days left)" placeholder="30" max={3650} decimals />
            <Num form={form} path="certificate-file.critDays" label="Critical under (days left)" placeholder="7" max={3650} decimals />
          </SimpleGrid>
        </Stack>
      );
    case 'nagios':
      return (
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <TextInput
            label="Plugin"
            description="As the host's agent configuration allows it by name"
            placeholder="load"
            required
            styles={MONO}
            {...form.getInputProps('nagios.plugin')}
            data-testid="check-nagios-plugin"
          />
          <Textarea
            label="Arguments"
            description="One per line, after the configured ones; each must be allowed there too"
            placeholder={'-w\n5,4,3'}
            autosize
            minRows={1}
            maxRows={8}
            styles={MONO}
            spellCheck={false}
            {...form.getInputProps('nagios.args')}
            data-testid="check-nagios-args"
          />
        </SimpleGrid>
      );
  }
}

function FileFields({ form }: { form: Form }) {
  const file = form.getValues().file;
  const age =
    typeof file.maxAgeSeconds === 'number' && file.maxAgeSeconds > 0 ? `= ${formatSpan(file.maxAgeSeconds * 1000)}` : 'Blank: any age';
  return (
    <Stack gap="sm">
      <PathField form={form} type="file" placeholder="/var/backups/db.dump" />
      <Switch
        label="The file must exist"
        description="Off: the check fails while it exists (a lock or marker file)"
        {...form.getInputProps('file.mustExist', { type: 'checkbox' })}
        data-testid="check-file-mustExist"
      />
      <SimpleGrid cols={{ base: 1, xs: 3 }} spacing="sm">
        <Num form={form} path="file.maxAgeSeconds" label="Younger than (seconds)" description={age} placeholder="none" min={1} />
        <Num form={form} path="file.minBytes" label="At least (bytes)" description="Blank: empty will do" placeholder="0" />
        <Num form={form} path="file.maxBytes" label="At most (bytes)" description="Blank: any size" placeholder="none" />
      </SimpleGrid>
    </Stack>
  );
}
