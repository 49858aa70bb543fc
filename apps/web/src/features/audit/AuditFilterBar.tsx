import type { Outcome } from '@estate/contract';
import { Button, Collapse, Group, Paper, Select, SimpleGrid, TextInput } from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import { type FormEvent, useState } from 'react';
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

const EMPTY = { action: '', actorId: '', targetType: '', since: '', until: '' };

/**
 * The audit log's filters; they take effect on "Apply" so that typing does not fire a query per key. On a phone
 * they fold behind a "Filters" button so the log itself is on the first screen.
 */
export function AuditFilterBar({ onApply }: AuditFilterBarProps) {
  // Read synchronously so that wide screens never see the filters animate open on first render.
  const wide = useMediaQuery('(min-width: 48em)', true, { getInitialValueInEffect: false });
  const [unfolded, fold] = useDisclosure(false);
  const [draft, setDraft] = useState(EMPTY);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const field = (name: keyof typeof EMPTY) => ({
    value: draft[name],
    onChange: (event: React.ChangeEvent<HTMLInputElement>) => setDraft({ ...draft, [name]: event.currentTarget.value }),
  });

  const apply = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const filters: AuditFilters = {};
    if (draft.action.trim()) filters.action = draft.action.trim();
    if (draft.actorId.trim()) filters.actorId = draft.actorId.trim();
    if (draft.targetType.trim()) filters.targetType = draft.targetType.trim();
    if (outcome) filters.outcome = outcome;
    const since = localInputToEpochMs(draft.since);
    const until = localInputToEpochMs(draft.until);
    if (since !== undefined) filters.since = since;
    if (until !== undefined) filters.until = until;
    onApply(filters);
    fold.close();
  };

  const reset = () => {
    setDraft(EMPTY);
    setOutcome(null);
    onApply({});
  };

  const active = Object.values(draft).some(Boolean) || outcome !== null;
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
        <Paper withBorder p="sm" mb="md" component="form" onSubmit={apply} data-testid="audit-filters">
          <SimpleGrid cols={{ base: 1, xs: 2, md: 3 }} spacing="sm" verticalSpacing="xs">
            <TextInput
              label="Action"
              placeholder="user.create, or a prefix like auth."
              {...field('action')}
              data-testid="audit-filter-action"
            />
            <TextInput label="Actor id" placeholder="User or token id" {...field('actorId')} data-testid="audit-filter-actor" />
            <Select<Outcome>
              label="Outcome"
              placeholder="Any outcome"
              data={OUTCOMES}
              value={outcome}
              onChange={setOutcome}
              clearable
              data-testid="audit-filter-outcome"
            />
            <TextInput label="Target type" placeholder="user, token, …" {...field('targetType')} data-testid="audit-filter-target-type" />
            <TextInput label="From" type="datetime-local" {...field('since')} data-testid="audit-filter-since" />
            <TextInput label="Until" type="datetime-local" {...field('until')} data-testid="audit-filter-until" />
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
