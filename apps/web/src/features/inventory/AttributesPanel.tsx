import type { Ci, CiTypeInfo } from '@estate/contract';
import { Badge, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { formatDateTime } from '../../components/format-time';
import { CiLink } from './CiLink';
import { attributeFields, COMMON_FIELDS, customFieldSpecs, type FieldSpec, fieldValue } from './ci-fields';
import { formatRelative, formatValue, humanize, labelOfKey, provenanceHint } from './ci-labels';
import { StructuredAttribute } from './StructuredAttribute';
import { isStructured } from './structured-attribute';

/** Props of `AttributesPanel`. */
export interface AttributesPanelProps {
  ci: Ci;
  type: CiTypeInfo | undefined;
}

/**
 * Every field of a CI in three groups (common, type attributes, custom fields), each value with where it came from
 * and when ("agent · 3 hr. ago"). Attributes the type's schema does not know are shown too, last.
 */
export function AttributesPanel({ ci, type }: AttributesPanelProps) {
  const attributes = attributeFields(type);
  const known = new Set(attributes.map((field) => field.key));
  const extra: FieldSpec[] = Object.keys(ci.attributes)
    .filter((key) => !known.has(`attributes.${key}`))
    .map((key) => ({
      key: `attributes.${key}`,
      label: labelOfKey(key),
      kind: 'text',
      required: false,
      provenanceKey: `attributes.${key}`,
    }));
  // Services and why they are unknown have a section of their own.
  // The interfaces have their own tab; the attribute older agents filled is shown only while it holds something.
  const all = [...attributes, ...extra].filter(
    (field) => !SERVICE_KEYS.has(field.key) && !(field.key === 'attributes.interfaces' && fieldValue(ci, field.key) == null),
  );
  // Lists of records (interfaces, disks, filesystems, ports) read as tables under the grid, not in a grid cell.
  const structured = all.filter((field) => isStructured(fieldValue(ci, field.key)));
  const scalar = all.filter((field) => !structured.includes(field));
  return (
    <Stack gap="lg" data-testid="ci-attributes">
      <FieldGroup title="General" ci={ci} fields={COMMON_FIELDS} />
      <FieldGroup title={`${type?.label ?? humanize(ci.type)} attributes`} ci={ci} fields={scalar} />
      {structured.map((field) => {
        const key = field.key.replace(/^attributes\./, '');
        return (
          <StructuredAttribute
            key={field.key}
            attributeKey={key}
            label={field.label}
            value={fieldValue(ci, field.key)}
            type={type}
            hint={provenanceHint(ci.provenance[field.provenanceKey] ?? ci.provenance[key])}
          />
        );
      })}
      <ServicesSection ci={ci} />
      <FieldGroup title="Custom fields" ci={ci} fields={customFieldSpecs(type)} />
      <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm">
        <Fact label="Created" value={formatDateTime(ci.createdAt)} />
        <Fact label="Updated" value={formatDateTime(ci.updatedAt)} />
        <Fact label="First seen" value={formatDateTime(ci.firstSeen, '—')} />
        <Fact label="Last seen" value={formatDateTime(ci.lastSeen, '—')} />
      </SimpleGrid>
    </Stack>
  );
}

const SERVICE_KEYS = new Set(['attributes.services', 'attributes.servicesUnavailable']);

/**
 * The running services an agent reported, or the sentence saying why there are none to list (no systemd in a
 * container). Shown only for CIs that have either.
 */
function ServicesSection({ ci }: { ci: Ci }) {
  const services = Array.isArray(ci.attributes.services) ? (ci.attributes.services as unknown[]).map(String) : undefined;
  const unavailable = typeof ci.attributes.servicesUnavailable === 'string' ? ci.attributes.servicesUnavailable : undefined;
  if (services === undefined && unavailable === undefined) return null;
  const hint = provenanceHint(
    ci.provenance['attributes.services'] ?? ci.provenance.services ?? ci.provenance['attributes.servicesUnavailable'],
  );
  return (
    <Stack gap={4} data-testid="ci-services">
      <Title order={4} fz="sm">
        Running services
        {services && services.length > 0 && (
          <Text span c="dimmed" fz="xs" ml={6}>
            {services.length}
          </Text>
        )}
      </Title>
      {unavailable ? (
        <Text size="sm" c="dimmed" data-testid="services-unavailable">
          Not listed: {unavailable}.
        </Text>
      ) : services && services.length > 0 ? (
        <Group gap={4}>
          {services.map((name) => (
            <Badge key={name} variant="light" color="gray" tt="none" fw={500}>
              {name}
            </Badge>
          ))}
        </Group>
      ) : (
        <Text size="sm" c="dimmed">
          None running.
        </Text>
      )}
      {hint && (
        <Text size="xs" c="dimmed" data-testid="provenance-hint">
          {hint}
        </Text>
      )}
    </Stack>
  );
}

/** A field's value for the grid: a CI link, an option's label, a time with how long ago, or the value in words. */
function shownValue(field: FieldSpec, value: unknown): ReactNode {
  if (field.kind === 'ci' && typeof value === 'string') return <CiLink id={value} />;
  if (field.format === 'date-time' && typeof value === 'string' && !Number.isNaN(Date.parse(value))) {
    const at = Date.parse(value);
    return `${formatDateTime(at)} (${formatRelative(at)})`;
  }
  return formatValue(field.options?.find((o) => o.value === value)?.label ?? value);
}

function FieldGroup({ title, ci, fields }: { title: string; ci: Ci; fields: FieldSpec[] }) {
  if (fields.length === 0) return null;
  return (
    <Stack gap="xs">
      <Title order={3} fz="h5">
        {title}
      </Title>
      <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }} spacing="sm" verticalSpacing="sm">
        {fields.map((field) => {
          const value = fieldValue(ci, field.key);
          const shortKey = field.key.replace(/^(attributes|customFields)\./, '');
          const hint = provenanceHint(ci.provenance[field.provenanceKey] ?? ci.provenance[shortKey]);
          return <Fact key={field.key} label={field.label} value={shownValue(field, value)} hint={hint} testId={`ci-value-${field.key}`} />;
        })}
      </SimpleGrid>
    </Stack>
  );
}

function Fact({ label, value, hint, testId }: { label: string; value: ReactNode; hint?: string | null; testId?: string }) {
  return (
    <Stack gap={0} miw={0}>
      <Text size="xs" c="dimmed" fw={500}>
        {label}
      </Text>
      <Text size="sm" component="div" style={{ wordBreak: 'break-word' }} data-testid={testId}>
        {value}
      </Text>
      {hint && (
        <Text size="xs" c="dimmed" data-testid="provenance-hint">
          {hint}
        </Text>
      )}
    </Stack>
  );
}
