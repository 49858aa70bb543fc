import type { SetupRequest } from '@estate/contract';
import { Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { useApi } from '../../app/use-api';
import { AuthCard } from '../../components/AuthCard';
import { fieldErrorsOf } from '../../components/field-errors';
import { ProblemAlert } from '../../components/ProblemAlert';
import { meQuery, setupStatusQuery } from '../auth/auth-queries';

const SHOWN_FIELDS = ['token', 'email', 'name', 'password'] as const;

/**
 * First-run page, reachable only while the server has no admin: creates the first administrator with the
 * one-time setup token printed on the server's console, then signs in as them.
 */
export function SetupPage() {
  const api = useApi();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const search = useSearch({ from: '/setup' });
  const [mismatch, setMismatch] = useState(false);

  const setup = useMutation({
    mutationFn: (request: SetupRequest) => api.setup(request),
    onSuccess: async (me) => {
      queryClient.setQueryData(meQuery(api).queryKey, me);
      queryClient.setQueryData(setupStatusQuery(api).queryKey, { setupRequired: false });
      await navigate({ to: '/' });
    },
  });
  const errors = fieldErrorsOf(setup.error);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const value = (name: string) => String(form.get(name) ?? '');
    const isMismatch = value('password') !== value('confirm');
    setMismatch(isMismatch);
    if (isMismatch) return;
    setup.mutate({ token: value('token').trim(), email: value('email').trim(), name: value('name').trim(), password: value('password') });
  };

  return (
    <AuthCard
      title="Set up Estate"
      description="Create the first administrator. The one-time setup token was printed on the server's console when it started."
      width={460}
    >
      <form onSubmit={submit} noValidate data-testid="setup-form">
        <Stack gap="sm">
          <TextInput
            name="token"
            label="Setup token"
            defaultValue={search.token ?? ''}
            required
            autoComplete="off"
            spellCheck={false}
            error={errors.token}
            data-testid="setup-token"
          />
          <TextInput name="name" label="Your name" required autoComplete="name" error={errors.name} data-testid="setup-name" />
          <TextInput name="email" label="Email" type="email" required autoComplete="email" error={errors.email} data-testid="setup-email" />
          <PasswordInput
            name="password"
            label="Password"
            description="At least 12 characters; common passwords are refused."
            required
            autoComplete="new-password"
            error={errors.password}
            data-testid="setup-password"
          />
          <PasswordInput
            name="confirm"
            label="Confirm password"
            required
            autoComplete="new-password"
            error={mismatch ? 'The passwords do not match' : undefined}
            data-testid="setup-confirm"
          />
          <ProblemAlert error={setup.error} shownFields={SHOWN_FIELDS} />
          <Button type="submit" loading={setup.isPending} fullWidth mt="xs" data-testid="setup-submit">
            Create administrator and sign in
          </Button>
        </Stack>
      </form>
    </AuthCard>
  );
}
