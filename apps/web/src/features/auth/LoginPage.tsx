import { isApiError } from '@estate/client';
import { type LoginRequest, ProblemType } from '@estate/contract';
import { Anchor, Button, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { isNotEmpty, useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter, useSearch } from '@tanstack/react-router';
import { useState } from 'react';
import { safeRedirectTarget } from '../../app/auth-guard';
import { EXPECTS_UNAUTHENTICATED } from '../../app/query-client';
import { useApi } from '../../app/use-api';
import { AuthCard } from '../../components/AuthCard';
import { useServerFieldErrors } from '../../components/field-errors';
import { ProblemAlert } from '../../components/ProblemAlert';
import { meQuery } from './auth-queries';
import { SecondFactorFields, type SecondFactorKind, secondFactorCodeRule } from './SecondFactorFields';

interface LoginValues {
  email: string;
  password: string;
  /** The authenticator or recovery code of step two. */
  code: string;
}

/**
 * The sign-in page. Step one asks for email and password; when the server answers `mfa-required`, step two asks
 * for the authenticator code (or a recovery code) and sends all three again.
 */
export function LoginPage() {
  const api = useApi();
  const queryClient = useQueryClient();
  const router = useRouter();
  const search = useSearch({ from: '/login' });
  const [secondFactor, setSecondFactor] = useState<SecondFactorKind | null>(null);
  const form = useForm<LoginValues>({
    initialValues: { email: '', password: '', code: '' },
    validate: {
      email: isNotEmpty('Enter your email'),
      password: isNotEmpty('Enter your password'),
      code: (code) => (secondFactor ? secondFactorCodeRule(secondFactor, code) : null),
    },
  });

  const login = useMutation({
    mutationFn: (request: LoginRequest) => api.login(request),
    meta: { [EXPECTS_UNAUTHENTICATED]: true },
    onSuccess: (me) => {
      queryClient.setQueryData(meQuery(api).queryKey, me);
      router.history.push(me.mfaEnrolmentRequired ? '/enrol-mfa' : safeRedirectTarget(search.redirect));
    },
    onError: (error) => {
      if (isApiError(error, ProblemType.mfaRequired)) setSecondFactor((kind) => kind ?? 'totp');
    },
  });
  // The mfa-required answer is the cue for step two, not a failure to show.
  const shownError = isApiError(login.error, ProblemType.mfaRequired) ? null : login.error;
  useServerFieldErrors(form, shownError);

  const submit = form.onSubmit(({ email, password, code }) => {
    const request: LoginRequest = { email: email.trim(), password };
    if (secondFactor === 'totp') request.totp = code.trim();
    if (secondFactor === 'recovery') request.recoveryCode = code.trim().toLowerCase();
    login.mutate(request);
  });

  const switchFactor = (kind: SecondFactorKind | null) => {
    setSecondFactor(kind);
    form.setFieldValue('code', '');
    form.clearFieldError('code');
    login.reset();
  };
  const startOver = () => {
    switchFactor(null);
    form.setFieldValue('password', '');
  };

  return (
    <AuthCard
      title={secondFactor ? 'Two-step verification' : 'Sign in'}
      description={secondFactor ? `Signing in as ${form.getValues().email}` : 'Sign in to manage your estate.'}
    >
      <form onSubmit={submit} noValidate data-testid="login-form">
        <Stack gap="sm">
          {secondFactor ? (
            <SecondFactorFields
              kind={secondFactor}
              code={form.getValues().code}
              error={form.errors.code}
              onCodeChange={(code) => form.setFieldValue('code', code)}
              onKindChange={switchFactor}
            />
          ) : (
            <>
              <TextInput
                label="Email"
                type="email"
                {...form.getInputProps('email')}
                required
                autoComplete="username"
                data-testid="login-email"
              />
              <PasswordInput
                label="Password"
                {...form.getInputProps('password')}
                required
                autoComplete="current-password"
                data-testid="login-password"
              />
            </>
          )}
          <ProblemAlert error={shownError} />
          <Button type="submit" loading={login.isPending} fullWidth mt="xs" data-testid="login-submit">
            {secondFactor ? 'Verify' : 'Sign in'}
          </Button>
          {secondFactor && (
            <Text size="sm" ta="center">
              <Anchor component="button" type="button" onClick={startOver}>
                Use a different account
              </Anchor>
            </Text>
          )}
        </Stack>
      </form>
    </AuthCard>
  );
}
