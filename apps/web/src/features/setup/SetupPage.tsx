import type { SetupRequest } from '@estate/contract';
import { Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { isEmail, isNotEmpty, useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useSearch } from '@tanstack/react-router';
import { useEffect } from 'react';
import { useApi } from '../../app/use-api';
import { AuthCard } from '../../components/AuthCard';
import { useServerFieldErrors } from '../../components/field-errors';
import { ProblemAlert } from '../../components/ProblemAlert';
import { confirmsRule, newPasswordRule } from '../../components/password-rules';
import { meQuery, setupStatusQuery } from '../auth/auth-queries';

const SHOWN_FIELDS = ['token', 'email', 'name', 'password'] as const;

interface SetupValues {
  token: string;
  name: string;
  email: string;
  password: string;
  confirm: string;
}

/**
 * First-run page, reachable only while the server has no admin: creates the first administrator with the
 * one-time setup token printed on the server's console, then signs in as them. The console's setup link carries
 * the token as `?token=`, which fills it in.
 */
export function SetupPage() {
  const api = useApi();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const search = useSearch({ from: '/setup' });
  const form = useForm<SetupValues>({
    initialValues: { token: search.token ?? '', name: '', email: '', password: '', confirm: '' },
    validate: {
      token: isNotEmpty('Paste the setup token from the server console'),
      name: isNotEmpty('Enter your name'),
      email: isEmail('Enter an email address'),
      password: newPasswordRule,
      confirm: confirmsRule<SetupValues>('password'),
    },
  });

  const setup = useMutation({
    mutationFn: (request: SetupRequest) => api.setup(request),
    onSuccess: async (me) => {
      queryClient.setQueryData(meQuery(api).queryKey, me);
      queryClient.setQueryData(setupStatusQuery(api).queryKey, { setupRequired: false });
      await navigate({ to: '/' });
    },
  });
  useServerFieldErrors(form, setup.error);

  // A token from the console's link is now in the form: take it out of the address bar and the browser's history.
  useEffect(() => {
    if (search.token !== undefined) void navigate({ to: '/setup', search: {}, replace: true });
  }, [search.token, navigate]);

  const submit = form.onSubmit(({ token, email, name, password }) =>
    setup.mutate({ token: token.trim(), email: email.trim(), name: name.trim(), password }),
  );

  return (
    <AuthCard
      title="Set up Estate"
      description="Create the first administrator. The one-time setup token was printed on the server's console when it started; its setup link fills it in."
      width={460}
    >
      <form onSubmit={submit} noValidate data-testid="setup-form">
        <Stack gap="sm">
          <TextInput
            label="Setup token"
            {...form.getInputProps('token')}
            required
            autoComplete="off"
            spellCheck={false}
            data-testid="setup-token"
          />
          <TextInput label="Your name" {...form.getInputProps('name')} required autoComplete="name" data-testid="setup-name" />
          <TextInput label="Email" type="email" {...form.getInputProps('email')} required autoComplete="email" data-testid="setup-email" />
          <PasswordInput
            label="Password"
            description="At least 12 characters; common passwords are refused."
            {...form.getInputProps('password')}
            required
            autoComplete="new-password"
            data-testid="setup-password"
          />
          <PasswordInput
            label="Confirm password"
            {...form.getInputProps('confirm')}
            required
            autoComplete="new-password"
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
