import type { CreateEscalationPolicyRequest, EscalationStep, EscalationTarget } from '@estate/contract';
import { Button, Group, MultiSelect, NumberInput, Paper, Stack, TagsInput, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { replaceAt } from './schedule-form';

/** Props of `EscalationPolicyEditor`. */
export interface EscalationPolicyEditorProps {
  initial: CreateEscalationPolicyRequest;
  users: { value: string; label: string }[];
  schedules: { value: string; label: string }[];
  submitLabel: string;
  onSubmit: (policy: CreateEscalationPolicyRequest) => Promise<unknown>;
  onCancel: () => void;
}

const targetsOf = (step: EscalationStep, kind: EscalationTarget['kind']) =>
  step.targets.flatMap((t) => (t.kind !== kind ? [] : [t.kind === 'user' ? t.userId : t.kind === 'schedule' ? t.scheduleId : t.channelId]));

/**
 * Edits an escalation policy: steps in order, each notifying users, whoever schedules have on call, and
 * notification channels (by id), then waiting its delay before the next step; then the whole list `repeat` times more.
 */
export function EscalationPolicyEditor({ initial, users, schedules, submitLabel, onSubmit, onCancel }: EscalationPolicyEditorProps) {
  const [draft, setDraft] = useState(initial);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const setStep = (index: number, step: EscalationStep) => setDraft({ ...draft, steps: replaceAt(draft.steps, index, step) });
  const setTargets = (index: number, step: EscalationStep, kind: EscalationTarget['kind'], ids: string[]) => {
    const others = step.targets.filter((t) => t.kind !== kind);
    const fresh: EscalationTarget[] = ids.map((id) =>
      kind === 'user' ? { kind, userId: id } : kind === 'schedule' ? { kind, scheduleId: id } : { kind, channelId: id },
    );
    setStep(index, { ...step, targets: [...others, ...fresh] });
  };

  return (
    <Stack gap="sm" data-testid="policy-editor">
      <TextInput
        label="Name"
        required
        value={draft.name}
        onChange={(e) => setDraft({ ...draft, name: e.currentTarget.value })}
        data-testid="policy-name"
      />
      {draft.steps.map((step, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: steps have no id; their position is their identity.
        <Paper key={index} withBorder p="sm" data-testid="policy-step">
          <Stack gap="xs">
            <Group justify="space-between">
              <Text fw={500}>Step {index + 1}</Text>
              <Button
                size="xs"
                variant="subtle"
                color="red"
                onClick={() => setDraft({ ...draft, steps: draft.steps.filter((_, i) => i !== index) })}
              >
                Remove step
              </Button>
            </Group>
            <MultiSelect
              label="Users"
              searchable
              data={users}
              value={targetsOf(step, 'user')}
              onChange={(ids) => setTargets(index, step, 'user', ids)}
            />
            <MultiSelect
              label="Whoever is on call in"
              searchable
              data={schedules}
              value={targetsOf(step, 'schedule')}
              onChange={(ids) => setTargets(index, step, 'schedule', ids)}
              data-testid="step-schedules"
            />
            <TagsInput
              label="Notification channels (ids)"
              value={targetsOf(step, 'channel')}
              onChange={(ids) => setTargets(index, step, 'channel', ids)}
            />
            <NumberInput
              label="Then wait (minutes) before the next step"
              min={0}
              w={280}
              value={step.delayMinutes}
              onChange={(value) => setStep(index, { ...step, delayMinutes: Number(value) || 0 })}
              data-testid="step-delay"
            />
          </Stack>
        </Paper>
      ))}
      <Group>
        <Button
          variant="default"
          onClick={() => setDraft({ ...draft, steps: [...draft.steps, { targets: [], delayMinutes: 15 }] })}
          data-testid="add-step"
        >
          Add step
        </Button>
        <NumberInput
          label="Repeat the steps"
          description="times after the first pass"
          min={0}
          max={100}
          w={200}
          value={draft.repeat ?? 0}
          onChange={(value) => setDraft({ ...draft, repeat: Number(value) || 0 })}
          data-testid="policy-repeat"
        />
      </Group>
      <ProblemAlert error={error} />
      <Group justify="flex-end">
        <Button variant="default" onClick={onCancel}>
          Cancel
        </Button>
        <Button
          loading={saving}
          data-testid="save-policy"
          onClick={async () => {
            setSaving(true);
            setError(null);
            try {
              await onSubmit(draft);
            } catch (caught) {
              setError(caught);
            } finally {
              setSaving(false);
            }
          }}
        >
          {submitLabel}
        </Button>
      </Group>
    </Stack>
  );
}
