import type { CheckSuggestion } from '@estate/contract';
import { Badge, Button, Group, Paper, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useApi } from '../../app/use-api';
import { fieldErrorsOf } from '../../components/field-errors';
import { ProblemAlert } from '../../components/ProblemAlert';
import { checkTypeLabel } from './check-format';
import { checkSuggestionsQuery, MONITORING_QUERY_KEY } from './monitoring-queries';
import { withInputs } from './suggestion-request';

/** Checks discovery suggests for a CI (open ports, ping), each created with one click, or after its login for databases. */
export function CheckSuggestions({ ciId }: { ciId: string }) {
  const api = useApi();
  const suggestions = useQuery(checkSuggestionsQuery(api, ciId));
  if (suggestions.error) return <ProblemAlert error={suggestions.error} />;
  const items = suggestions.data ?? [];
  if (items.length === 0) return null;
  return (
    <Stack gap={6} data-testid="check-suggestions">
      <Text size="sm" fw={500}>
        Suggested from discovery
      </Text>
      {items.map((suggestion) => (
        <SuggestionRow key={suggestion.key} suggestion={suggestion} />
      ))}
    </Stack>
  );
}

function SuggestionRow({ suggestion }: { suggestion: CheckSuggestion }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [asking, setAsking] = useState(false);
  const [values, setValues] = useState<Record<string, string>>({});
  const add = useMutation({
    mutationFn: () => api.createCheck(withInputs(suggestion, values)),
    onSuccess: async ({ value }) => {
      notifications.show({ color: 'teal', title: 'Check created', message: `${value.name} runs every ${value.intervalSeconds} s.` });
      await queryClient.invalidateQueries({ queryKey: MONITORING_QUERY_KEY });
    },
  });
  const errors = fieldErrorsOf(add.error);
  const needsInput = suggestion.inputs.length > 0;
  return (
    <Paper withBorder px="sm" py={6} radius="md" data-testid="check-suggestion" data-key={suggestion.key}>
      <Group justify="space-between" gap="xs" wrap="nowrap">
        <Stack gap={0} style={{ minWidth: 0 }}>
          <Group gap={6}>
            <Badge variant="light" size="sm">
              {checkTypeLabel(suggestion.request.type)}
            </Badge>
            <Text size="sm" fw={500} data-testid="check-suggestion-name">
              {suggestion.request.name}
            </Text>
          </Group>
          <Text size="xs" c="dimmed" truncate="end">
            {suggestion.reason}
          </Text>
        </Stack>
        {!asking && (
          <Button
            size="xs"
            variant="light"
            onClick={() => (needsInput ? setAsking(true) : add.mutate())}
            loading={add.isPending}
            data-testid="check-suggestion-add"
          >
            {needsInput ? 'Add…' : 'Add'}
          </Button>
        )}
      </Group>
      {asking && (
        <Group gap="xs" align="flex-end" mt={6}>
          {suggestion.inputs.map((input) => {
            const Input = input.secret ? PasswordInput : TextInput;
            return (
              <Input
                key={input.path}
                size="xs"
                label={input.label}
                required={input.required}
                defaultValue={input.value}
                error={errors[input.path]}
                onChange={(event) => setValues({ ...values, [input.path]: event.currentTarget.value })}
                data-testid={`check-suggestion-input-${input.path}`}
              />
            );
          })}
          <Button size="xs" onClick={() => add.mutate()} loading={add.isPending} data-testid="check-suggestion-create">
            Create
          </Button>
        </Group>
      )}
      <ProblemAlert error={add.error} shownFields={suggestion.inputs.map((input) => input.path)} />
    </Paper>
  );
}
