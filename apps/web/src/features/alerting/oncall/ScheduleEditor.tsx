import type { Restriction, ScheduleLayer, User } from '@estate/contract';
import { ActionIcon, Button, Checkbox, Group, MultiSelect, NumberInput, Paper, Select, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { newLayer, officeHours, replaceAt, type ScheduleDraft, timeZones, WEEKDAYS, type Weekday } from './schedule-form';

/** Props of `ScheduleEditor`. */
export interface ScheduleEditorProps {
  initial: ScheduleDraft;
  users: readonly User[];
  submitLabel: string;
  onSubmit: (draft: ScheduleDraft) => Promise<unknown>;
  onCancel?: () => void;
}

/**
 * Edits a schedule: its name and time zone, and its layers bottom to top — each a rotation of users in order, with a
 * handoff time, a shift length and a start date, optionally limited to restriction windows (e.g. weekdays 09–17).
 * The server checks it; errors come back naming the field.
 */
export function ScheduleEditor({ initial, users, submitLabel, onSubmit, onCancel }: ScheduleEditorProps) {
  const [draft, setDraft] = useState<ScheduleDraft>(initial);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const userOptions = users.map((u) => ({ value: u.id, label: `${u.name} (${u.email})` }));
  const setLayer = (index: number, layer: ScheduleLayer) => setDraft({ ...draft, layers: replaceAt(draft.layers, index, layer) });

  const submit = async () => {
    setSaving(true);
    setError(null);
    try {
      await onSubmit(draft);
    } catch (caught) {
      setError(caught);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Stack gap="sm" data-testid="schedule-editor">
      <Group grow>
        <TextInput
          label="Name"
          required
          value={draft.name}
          onChange={(e) => setDraft({ ...draft, name: e.currentTarget.value })}
          data-testid="schedule-name"
        />
        <Select
          label="Time zone"
          searchable
          data={timeZones()}
          value={draft.timeZone}
          onChange={(value) => value && setDraft({ ...draft, timeZone: value })}
          data-testid="schedule-time-zone"
        />
      </Group>
      {draft.layers.map((layer, index) => (
        <LayerEditor
          key={layer.id}
          layer={layer}
          index={index}
          userOptions={userOptions}
          onChange={(next) => setLayer(index, next)}
          onRemove={() => setDraft({ ...draft, layers: draft.layers.filter((_, i) => i !== index) })}
        />
      ))}
      <Group>
        <Button
          variant="default"
          onClick={() => setDraft({ ...draft, layers: [...draft.layers, newLayer(draft.layers)] })}
          data-testid="add-layer"
        >
          Add layer
        </Button>
        <Text size="xs" c="dimmed">
          Later layers win over earlier ones where they have someone.
        </Text>
      </Group>
      <ProblemAlert error={error} />
      <Group justify="flex-end">
        {onCancel && (
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
        )}
        <Button onClick={submit} loading={saving} data-testid="save-schedule">
          {submitLabel}
        </Button>
      </Group>
    </Stack>
  );
}

interface LayerEditorProps {
  layer: ScheduleLayer;
  index: number;
  userOptions: { value: string; label: string }[];
  onChange: (layer: ScheduleLayer) => void;
  onRemove: () => void;
}

function LayerEditor({ layer, index, userOptions, onChange, onRemove }: LayerEditorProps) {
  const { rotation } = layer;
  const restrictions = layer.restrictions ?? [];
  const setRotation = (patch: Partial<ScheduleLayer['rotation']>) => onChange({ ...layer, rotation: { ...rotation, ...patch } });
  const setRestriction = (i: number, restriction: Restriction) =>
    onChange({ ...layer, restrictions: replaceAt(restrictions, i, restriction) });
  return (
    <Paper withBorder p="sm" data-testid="layer-editor">
      <Stack gap="xs">
        <Group justify="space-between">
          <TextInput
            label={`Layer ${index + 1}`}
            value={layer.name}
            onChange={(e) => onChange({ ...layer, name: e.currentTarget.value })}
            data-testid="layer-name"
          />
          <Button variant="subtle" color="red" size="xs" onClick={onRemove}>
            Remove layer
          </Button>
        </Group>
        <MultiSelect
          label="Participants, in turn order"
          description="Pick users in the order they take turns."
          searchable
          data={userOptions}
          value={[...rotation.participants]}
          onChange={(participants) => setRotation({ participants })}
          data-testid="layer-participants"
        />
        <Group grow>
          <TextInput
            label="Handoff time"
            type="time"
            value={rotation.handoffTime}
            onChange={(e) => setRotation({ handoffTime: e.currentTarget.value })}
            data-testid="layer-handoff-time"
          />
          <NumberInput
            label="Shift length"
            min={1}
            value={rotation.shiftLength.count}
            onChange={(value) => setRotation({ shiftLength: { ...rotation.shiftLength, count: Number(value) || 1 } })}
            data-testid="layer-shift-count"
          />
          <Select
            label="Unit"
            data={[
              { value: 'hours', label: 'hours' },
              { value: 'days', label: 'days' },
              { value: 'weeks', label: 'weeks' },
            ]}
            value={rotation.shiftLength.unit}
            onChange={(value) =>
              value && setRotation({ shiftLength: { ...rotation.shiftLength, unit: value as 'hours' | 'days' | 'weeks' } })
            }
            data-testid="layer-shift-unit"
          />
          <TextInput
            label="First handoff on"
            type="date"
            value={rotation.startDate}
            onChange={(e) => setRotation({ startDate: e.currentTarget.value })}
            data-testid="layer-start-date"
          />
        </Group>
        <Text size="sm" fw={500}>
          Restrictions{' '}
          {restrictions.length === 0 && (
            <Text span size="xs" c="dimmed">
              (none: the layer applies at all times)
            </Text>
          )}
        </Text>
        {restrictions.map((restriction, i) => (
          <RestrictionRow
            // biome-ignore lint/suspicious/noArrayIndexKey: restrictions have no id; their position is their identity.
            key={i}
            restriction={restriction}
            onChange={(next) => setRestriction(i, next)}
            onRemove={() => onChange({ ...layer, restrictions: restrictions.filter((_, j) => j !== i) })}
          />
        ))}
        <Group gap="xs">
          <Button
            size="xs"
            variant="default"
            onClick={() => onChange({ ...layer, restrictions: [...restrictions, officeHours()] })}
            data-testid="add-daily-restriction"
          >
            Add daily window
          </Button>
          <Button
            size="xs"
            variant="default"
            onClick={() =>
              onChange({
                ...layer,
                restrictions: [...restrictions, { kind: 'weekly', startDay: 5, start: '17:00', endDay: 1, end: '09:00' }],
              })
            }
          >
            Add weekly window
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}

interface RestrictionRowProps {
  restriction: Restriction;
  onChange: (restriction: Restriction) => void;
  onRemove: () => void;
}

/** One restriction window: daily (optionally on some weekdays only) or weekly. */
function RestrictionRow({ restriction, onChange, onRemove }: RestrictionRowProps) {
  return restriction.kind === 'daily' ? (
    <Group gap="xs" data-testid="layer-restriction">
      <Text size="sm">Daily</Text>
      <TextInput type="time" value={restriction.start} onChange={(e) => onChange({ ...restriction, start: e.currentTarget.value })} />
      <Text size="sm">to</Text>
      <TextInput type="time" value={restriction.end} onChange={(e) => onChange({ ...restriction, end: e.currentTarget.value })} />
      <Checkbox.Group
        value={(restriction.days ?? []).map(String)}
        onChange={(days) => onChange({ ...restriction, days: days.map(Number).sort((a, b) => a - b) as Weekday[] })}
      >
        <Group gap={6}>
          {WEEKDAYS.map((day) => (
            <Checkbox key={day.value} value={String(day.value)} label={day.label} size="xs" />
          ))}
        </Group>
      </Checkbox.Group>
      <ActionIcon variant="subtle" color="red" aria-label="Remove restriction" onClick={onRemove}>
        ×
      </ActionIcon>
    </Group>
  ) : (
    <Group gap="xs" data-testid="layer-restriction">
      <Text size="sm">Weekly from</Text>
      <Select
        w={90}
        data={WEEKDAYS.map((d) => ({ value: String(d.value), label: d.label }))}
        value={String(restriction.startDay)}
        onChange={(v) => v && onChange({ ...restriction, startDay: Number(v) as Weekday })}
      />
      <TextInput type="time" value={restriction.start} onChange={(e) => onChange({ ...restriction, start: e.currentTarget.value })} />
      <Text size="sm">to</Text>
      <Select
        w={90}
        data={WEEKDAYS.map((d) => ({ value: String(d.value), label: d.label }))}
        value={String(restriction.endDay)}
        onChange={(v) => v && onChange({ ...restriction, endDay: Number(v) as Weekday })}
      />
      <TextInput type="time" value={restriction.end} onChange={(e) => onChange({ ...restriction, end: e.currentTarget.value })} />
      <ActionIcon variant="subtle" color="red" aria-label="Remove restriction" onClick={onRemove}>
        ×
      </ActionIcon>
    </Group>
  );
}
