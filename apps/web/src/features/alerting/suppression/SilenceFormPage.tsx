import { Button, Chip, Group, Paper, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { useState } from 'react';
import { can } from '../../../app/auth-guard';
import { useApi } from '../../../app/use-api';
import { fieldErrorsOf } from '../../../components/field-errors';
import { formatDateTime, localInputToEpochMs } from '../../../components/format-time';
import { NoPermission } from '../../../components/NoPermission';
import { PageHeader } from '../../../components/PageHeader';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { useMe } from '../../auth/use-me';
import { MatchersEditor } from './MatchersEditor';
import { type MatcherRow, parseMatcherText } from './matcher-text';
import { SUPPRESSION_QUERY_KEY } from './suppression-queries';

const HOUR = 3_600_000;
const PRESETS = [
  { label: '1 hour', ms: HOUR },
  { label: '2 hours', ms: 2 * HOUR },
  { label: '4 hours', ms: 4 * HOUR },
  { label: '1 day', ms: 24 * HOUR },
  { label: '1 week', ms: 7 * 24 * HOUR },
] as const;

/**
 * A new silence: matchers (prefilled from `?matchers=` in Alertmanager's text form, so an alert's page can link
 * "Silence"), a duration preset or an end time, and a comment saying why.
 */
export function SilenceFormPage() {
  const me = useMe();
  if (!can(me, 'alerting:write')) return <NoPermission permission="alerting:write" />;
  return <SilenceForm />;
}

function SilenceForm() {
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const search = useSearch({ strict: false }) as { matchers?: string };
  const [rows, setRows] = useState<MatcherRow[]>(() => {
    const parsed = search.matchers ? parseMatcherText(search.matchers) : null;
    return parsed && parsed.length > 0 ? parsed : [{ name: 'alertname', type: '=', value: '' }];
  });
  const [durationMs, setDurationMs] = useState<number | null>(2 * HOUR);
  const [endsAtText, setEndsAtText] = useState('');
  const [comment, setComment] = useState('');
  const save = useMutation({
    mutationFn: () => {
      const endsAt = durationMs === null ? (localInputToEpochMs(endsAtText) ?? 0) : Date.now() + durationMs;
      return api.createSilence({ matchers: rows.filter((row) => row.name.trim() !== ''), endsAt, comment });
    },
    onSuccess: async ({ value }) => {
      notifications.show({
        color: 'teal',
        title: 'Silence created',
        message: `${value.matchersText} is muted until ${formatDateTime(value.endsAt)}.`,
      });
      await queryClient.invalidateQueries({ queryKey: SUPPRESSION_QUERY_KEY });
      await navigate({ to: '/alerting/silences' });
    },
  });
  const errors = fieldErrorsOf(save.error);
  const matcherError = Object.entries(errors).find(([path]) => path.startsWith('matchers'))?.[1];

  return (
    <>
      <PageHeader
        title="New silence"
        description="Alerts whose labels every matcher accepts are not notified while the silence is active."
      />
      <Paper withBorder p={{ base: 'sm', sm: 'lg' }} radius="md" maw={800}>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            save.mutate();
          }}
        >
          <Stack>
            <MatchersEditor value={rows} onChange={setRows} error={matcherError} />
            <Stack gap={6}>
              <Text size="sm" fw={500}>
                Duration
              </Text>
              <Chip.Group
                value={durationMs === null ? 'custom' : String(durationMs)}
                onChange={(value) => setDurationMs(value === 'custom' ? null : Number(value))}
              >
                <Group gap={6} data-testid="silence-duration">
                  {PRESETS.map((preset) => (
                    <Chip key={preset.ms} value={String(preset.ms)} size="sm">
                      {preset.label}
                    </Chip>
                  ))}
                  <Chip value="custom" size="sm">
                    Until…
                  </Chip>
                </Group>
              </Chip.Group>
              {durationMs === null && (
                <TextInput
                  type="datetime-local"
                  label="Ends at (your local time)"
                  value={endsAtText}
                  onChange={(event) => setEndsAtText(event.currentTarget.value)}
                  error={errors.endsAt}
                  maw={260}
                  data-testid="silence-ends-at"
                />
              )}
              {durationMs !== null && errors.endsAt && (
                <Text size="sm" c="red">
                  {errors.endsAt}
                </Text>
              )}
            </Stack>
            <Textarea
              label="Comment"
              description="Why: a ticket, the work being done. Shown wherever the silence mutes an alert."
              required
              autosize
              minRows={2}
              value={comment}
              onChange={(event) => setComment(event.currentTarget.value)}
              error={errors.comment}
              data-testid="silence-comment"
            />
            <ProblemAlert error={save.error} shownFields={Object.keys(errors)} />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => void navigate({ to: '/alerting/silences' })}>
                Cancel
              </Button>
              <Button type="submit" loading={save.isPending} data-testid="save-silence">
                Create silence
              </Button>
            </Group>
          </Stack>
        </form>
      </Paper>
    </>
  );
}
