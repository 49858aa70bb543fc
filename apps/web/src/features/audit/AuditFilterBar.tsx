import type { Outcome } from '@estate/contract';
import { Button, Collapse, Group, Paper, Select, SimpleGrid, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import { localInputToEpochMs } from '../../components/format-time';
import type { AuditFilters } from './audit-queries';

/** Props of `AuditFilterBar`. */
export interface AuditFilterBarProps {
  /** Called with the filters when the user applies or resets them. */
  onApply: (filters: AuditFilters) => void;
}

const OUTCOMES: { value: Outcome; label: string }[] = [
  { value: 'success', label: 'Success' },
  { value: 'denied', label: 'Denied' },
  { value: 'failure', label: 'Failure' },
];

interface AuditFilterValues {
  action: string;
  actorId: string;
  targetType: string;
  outcome: Outcome | null;
  /** `datetime-local` input values, in the browser's time zone. */
  since: string;
  until: string;
}

const EMPTY: AuditFilterValues = { action: '', actorId: '', targetType: '', outcome: null, since: '', until: '' };

/** The filters the form's values ask for; blank fields ask for nothing. */
function auditFilters(values: AuditFilterValues): AuditFilters {
  const filters: AuditFilters = {};
  if (values.action.trim()) filters.action = values.action.trim();
  if (values.actorId.trim()) filters.actorId = values.actorId.trim();
  if (values.targetType.trim()) filters.targetType = values.targetType.trim();
  if (values.outcome) filters.outcome = values.outcome;
  const since = localInputToEpochMs(values.since);
  const until = localInputToEpochMs(values.until);
  if (since !== undefined) filters.since = since;
  if (until !== undefined) filters.until = until;
  return filters;
}

/** A time range that ends before it starts matches nothing; say so instead of showing an empty log. */
function untilRule(until: string, values: AuditFilterValues): string | null {
  const from = localInputToEpochMs(values.since);
  const to = localInputToEpochMs(until);
  return from !== undefined && to !== undefined && to < from ? 'Until is before From' : null;
}

/**
 * The audit log's filters; they take effect on "Apply" so that typing does not fire a query per key. On a phone
 * they fold behind a "Filters" button so the log itself is on the first screen.
 */
export function AuditFilterBar({ onApply }: AuditFilterBarProps) {
  // Read synchronously so that wide screens never see the filters animate open on first render.
  const wide = useMediaQuery('(min-width: 48em)', true, { getInitialValueInEffect: false });
  const [unfolded, fold] = useDisclosure(false);
  const form = useForm<AuditFilterValues>({ initialValues: EMPTY, validate: { until: untilRule } });

  const apply = form.onSubmit((values) => {
    onApply(auditFilters(values));
    fold.close();
  });

  const reset = () => {
    form.reset();
    onApply({});
  };

  const active = Object.values(form.getValues()).some(Boolean);
  return (
    <>
      {!wide && (
        <Button
          variant={active ? 'light' : 'default'}
          mb="sm"
          onClick={fold.toggle}
          aria-expanded={unfolded}
          data-testid="audit-filters-toggle"
        >
          {unfolded ? 'Hide filters' : active ? 'Filters (active)' : 'Filters'}
        </Button>
      )}
      <Collapse expanded={wide || unfolded}>
        <Paper withBorder p="sm" mb="md" component="form" onSubmit={apply} noValidate data-testid="audit-filters">
          <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }} spacing="sm" verticalSpacing="xs">
            <TextInput
              label="Action"
              placeholder="user.create, or a prefix like auth."
              {...form.getInputProps('action')}
              data-testid="audit-filter-action"
            />
            <TextInput
              label="Actor id"
              placeholder="User or token id"
              {...form.getInputProps('actorId')}
              data-testid="audit-filter-actor"
            />
            <Select<Outcome>
              label="Outcome"
              placeholder="Any outcome"
              data={OUTCOMES}
              {...form.getInputProps('outcome')}
              clearable
              data-testid="audit-filter-outcome"
            />
            <TextInput
              label="Target type"
              placeholder="user, token, …"
              {...form.getInputProps('targetType')}
              data-testid="audit-filter-target-type"
            />
            <TextInput label="From" type="datetime-local" {...form.getInputProps('since')} data-testid="audit-filter-since" />
            <TextInput label="Until" type="datetime-local" {...form.getInputProps('until')} data-testid="audit-filter-until" />
          </SimpleGrid>
          <Group justify="flex-end" gap="xs" mt="sm">
            <Button variant="default" onClick={reset}>
              Reset
            </Button>
            <Button type="submit" data-testid="audit-filter-apply">
              Apply filters
            </Button>
          </Group>
        </Paper>
      </Collapse>
    </>
  );
}
