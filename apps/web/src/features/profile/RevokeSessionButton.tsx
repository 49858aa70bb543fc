import type { Session } from '@estate/contract';
import { Button, Group, Modal, PasswordInput, Stack, Text } from '@mantine/core';
import { isNotEmpty, useForm } from '@mantine/form';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useApi } from '../../app/use-api';
import { useServerFieldErrors } from '../../components/field-errors';
import { ProblemAlert } from '../../components/ProblemAlert';
import { describeUserAgent } from './describe-user-agent';
import { SESSIONS_QUERY_KEY } from './sessions-queries';

/** Revokes another session of the user's after re-checking their password, as the server requires. */
export function RevokeSessionButton({ session }: { session: Session }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [opened, dialog] = useDisclosure(false);
  const form = useForm({
    initialValues: { password: '' },
    validate: { password: isNotEmpty('Enter your password') },
  });
  const revoke = useMutation({
    mutationFn: (password: string) => api.revokeSession(session.id, password),
    onSuccess: async () => {
      notifications.show({ color: 'teal', title: 'Session revoked', message: 'That browser is signed out.' });
      close();
      await queryClient.invalidateQueries({ queryKey: SESSIONS_QUERY_KEY });
    },
  });
  useServerFieldErrors(form, revoke.error);

  function close() {
    dialog.close();
    form.reset();
    revoke.reset();
  }

  return (
    <>
      <Button color="red" variant="light" size="xs" onClick={dialog.open} data-testid="revoke-session">
        Revoke
      </Button>
      <Modal opened={opened} onClose={close} title="Revoke this session?" centered>
        <form onSubmit={form.onSubmit(({ password }) => revoke.mutate(password))} noValidate>
          <Stack gap="md">
            <Text size="sm">{describeUserAgent(session.userAgent)} will be signed out at its next request.</Text>
            <PasswordInput
              label="Your password"
              required
              autoComplete="current-password"
              {...form.getInputProps('password')}
              data-autofocus
              data-testid="revoke-session-password"
            />
            <ProblemAlert error={revoke.error} shownFields={['password']} />
            <Group justify="flex-end" gap="xs">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" color="red" loading={revoke.isPending} data-testid="confirm-action">
                Revoke session
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
