import type { ChangePasswordRequest } from '@estate/contract';
import { Button, Checkbox, Group, PasswordInput, Stack } from '@mantine/core';
import { isNotEmpty, useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useApi } from '../../app/use-api';
import { useServerFieldErrors } from '../../components/field-errors';
import { ProblemAlert } from '../../components/ProblemAlert';
import { confirmsRule, newPasswordRule, revokedSummary } from '../../components/password-rules';
import { SectionCard } from '../../components/SectionCard';

interface ChangePasswordValues {
  currentPassword: string;
  newPassword: string;
  confirm: string;
  keepTokens: boolean;
}

/** Changes the own password. The server then ends every session, this one included, so it leads to the login page. */
export function ChangePasswordCard() {
  const api = useApi();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const form = useForm<ChangePasswordValues>({
    initialValues: { currentPassword: '', newPassword: '', confirm: '', keepTokens: false },
    validate: {
      currentPassword: isNotEmpty('Enter your current password'),
      newPassword: newPasswordRule,
      confirm: confirmsRule<ChangePasswordValues>('newPassword'),
    },
  });
  const change = useMutation({
    mutationFn: (request: ChangePasswordRequest) => api.changePassword(request),
    onSuccess: async ({ sessionsRevoked, tokensRevoked }) => {
      queryClient.clear();
      notifications.show({
        color: 'teal',
        title: 'Password changed',
        message: `${revokedSummary(sessionsRevoked, tokensRevoked)} Sign in with the new password.`,
      });
      await navigate({ to: '/login' });
    },
  });
  useServerFieldErrors(form, change.error);

  const submit = form.onSubmit(({ currentPassword, newPassword, keepTokens }) =>
    change.mutate({ currentPassword, newPassword, ...(keepTokens ? { keepTokens } : {}) }),
  );

  return (
    <SectionCard
      title="Password"
      description="Changing it signs you out on every device, this one too, and revokes your API tokens unless you keep them."
    >
      <form onSubmit={submit} noValidate data-testid="change-password-form">
        <Stack gap="sm">
          <PasswordInput label="Current password" required autoComplete="current-password" {...form.getInputProps('currentPassword')} />
          <PasswordInput
            label="New password"
            description="At least 12 characters; common passwords are refused."
            required
            autoComplete="new-password"
            {...form.getInputProps('newPassword')}
          />
          <PasswordInput label="Confirm new password" required autoComplete="new-password" {...form.getInputProps('confirm')} />
          <Checkbox
            label="Keep my API tokens working"
            description="Leave this off if the password may have leaked: whoever had it may have made a token."
            {...form.getInputProps('keepTokens', { type: 'checkbox' })}
            data-testid="keep-tokens"
          />
          <ProblemAlert error={change.error} shownFields={['currentPassword', 'newPassword']} />
          <Group justify="flex-end">
            <Button type="submit" loading={change.isPending}>
              Change password
            </Button>
          </Group>
        </Stack>
      </form>
    </SectionCard>
  );
}
