import { DNS_RECORD_TYPES } from '@estate/contract';
import { Autocomplete, Input, NumberInput, SegmentedControl, Select, SimpleGrid, Stack, TextInput } from '@mantine/core';
import type { UseFormReturnType } from '@mantine/form';
import { AgentCheckFields } from './CheckTypeFieldsAgent';
import { MysqlFields, PostgresFields, RedisFields } from './CheckTypeFieldsDb';
import { MailFields } from './CheckTypeFieldsMail';
import { SnmpFields, SnmpInterfacesFields } from './CheckTypeFieldsSnmp';
import type { CheckFormValues } from './check-form';
import type { TypedCheckType } from './check-type-config';

type Form = UseFormReturnType<CheckFormValues>;

/**
 * The dedicated fields of a check type other than HTTP and TCP: those of ICMP, DNS, TLS, push and Prometheus here,
 * the other families' in their own files.
 */
export function TypedCheckFields({ type, form }: { type: TypedCheckType; form: Form }) {
  switch (type) {
    case 'icmp':
      return <IcmpFields form={form} />;
    case 'dns':
      return <DnsFields form={form} />;
    case 'tls':
      return <TlsFields form={form} />;
    case 'push':
      return <PushFields form={form} />;
    case 'prometheus':
      return <PrometheusFields form={form} />;
    case 'snmp':
      return <SnmpFields form={form} />;
    case 'snmp-interfaces':
      return <SnmpInterfacesFields form={form} />;
    case 'postgres':
      return <PostgresFields form={form} />;
    case 'mysql':
      return <MysqlFields form={form} />;
    case 'redis':
      return <RedisFields form={form} />;
    case 'smtp':
    case 'imap':
      return <MailFields form={form} type={type} />;
    default:
      return <AgentCheckFields form={form} type={type} />;
  }
}

function IcmpFields({ form }: { form: Form }) {
  return (
    <SimpleGrid cols={{ base: 1, xs: 3 }} spacing="sm">
      <TextInput
        label="Host"
        placeholder="router.example.org or 192.0.2.10"
        required
        {...form.getInputProps('icmp.host')}
        style={{ gridColumn: 'span 2' }}
        data-testid="check-icmp-host"
      />
      <NumberInput
        label="Echo requests"
        description="Per run, 1 to 10"
        placeholder="3"
        min={1}
        max={10}
        allowDecimal={false}
        {...form.getInputProps('icmp.count')}
        data-testid="check-icmp-count"
      />
    </SimpleGrid>
  );
}

function DnsFields({ form }: { form: Form }) {
  return (
    <SimpleGrid cols={{ base: 1, xs: 4 }} spacing="sm">
      <TextInput
        label="Name"
        description="For PTR, an address works too"
        placeholder="example.org"
        required
        {...form.getInputProps('dns.name')}
        style={{ gridColumn: 'span 2' }}
        data-testid="check-dns-name"
      />
      <Select
        label="Record type"
        description=" "
        data={[...DNS_RECORD_TYPES]}
        allowDeselect={false}
        {...form.getInputProps('dns.recordType')}
        data-testid="check-dns-record-type"
      />
      <TextInput
        label="Resolver"
        description="Blank: the server's own"
        placeholder="192.0.2.53:53"
        {...form.getInputProps('dns.resolver')}
        data-testid="check-dns-resolver"
      />
    </SimpleGrid>
  );
}

function TlsFields({ form }: { form: Form }) {
  return (
    <SimpleGrid cols={{ base: 1, xs: 4 }} spacing="sm">
      <TextInput
        label="Host"
        placeholder="example.org"
        required
        {...form.getInputProps('tls.host')}
        style={{ gridColumn: 'span 2' }}
        data-testid="check-tls-host"
      />
      <NumberInput
        label="Port"
        placeholder="443"
        min={1}
        max={65535}
        allowDecimal={false}
        {...form.getInputProps('tls.port')}
        data-testid="check-tls-port"
      />
      <NumberInput
        label="Valid for at least (days)"
        placeholder="none"
        min={0}
        max={3650}
        allowDecimal={false}
        {...form.getInputProps('tls.minDaysValid')}
        data-testid="check-tls-min-days"
      />
    </SimpleGrid>
  );
}

const TIME_ZONES: string[] = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];

function PushFields({ form }: { form: Form }) {
  const push = form.getValues().push;
  const grace = (
    <NumberInput
      label="Grace (seconds)"
      description="How late a ping may be"
      placeholder="300"
      min={0}
      max={30 * 86_400}
      allowDecimal={false}
      {...form.getInputProps('push.graceSeconds')}
      data-testid="check-push-grace"
    />
  );
  return (
    <Stack gap="xs">
      <Input.Wrapper label="A ping is expected">
        <div>
          <SegmentedControl
            data={[
              { value: 'period', label: 'Every so often' },
              { value: 'schedule', label: 'On a schedule (cron)' },
            ]}
            {...form.getInputProps('push.expects')}
            data-testid="check-push-expects"
          />
        </div>
      </Input.Wrapper>
      {push.expects === 'period' ? (
        <SimpleGrid cols={{ base: 1, xs: 2 }} spacing="sm">
          <NumberInput
            label="Every (seconds)"
            description="60 s to a year"
            required
            min={60}
            max={365 * 86_400}
            allowDecimal={false}
            {...form.getInputProps('push.periodSeconds')}
            data-testid="check-push-period"
          />
          {grace}
        </SimpleGrid>
      ) : (
        <SimpleGrid cols={{ base: 1, xs: 3 }} spacing="sm">
          <TextInput
            label="Schedule"
            description="minute hour day month weekday"
            placeholder="0 3 * * *"
            required
            {...form.getInputProps('push.schedule')}
            data-testid="check-push-schedule"
          />
          <Autocomplete
            label="Time zone"
            description="Blank: UTC"
            placeholder="Europe/Berlin"
            data={TIME_ZONES}
            limit={20}
            {...form.getInputProps('push.timezone')}
            data-testid="check-push-timezone"
          />
          {grace}
        </SimpleGrid>
      )}
    </Stack>
  );
}

function PrometheusFields({ form }: { form: Form }) {
  return (
    <SimpleGrid cols={{ base: 1, xs: 4 }} spacing="sm">
      <TextInput
        label="Metrics URL"
        placeholder="http://192.0.2.10:9100/metrics"
        required
        {...form.getInputProps('prometheus.url')}
        style={{ gridColumn: 'span 2' }}
        data-testid="check-prometheus-url"
      />
      <TextInput
        label="Job"
        description="The job label of every series"
        placeholder="prometheus-check"
        {...form.getInputProps('prometheus.job')}
        data-testid="check-prometheus-job"
      />
      <NumberInput
        label="Sample limit"
        description="More fails the scrape"
        placeholder="20000"
        min={1}
        max={200_000}
        allowDecimal={false}
        thousandSeparator=" "
        {...form.getInputProps('prometheus.sampleLimit')}
        data-testid="check-prometheus-sample-limit"
      />
    </SimpleGrid>
  );
}
