import { isApiError } from '@estate/client';
import { type LoginRequest, ProblemType } from '@estate/contract';
import { Anchor, Button, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter, useSearch } from '@tanstack/react-router';
import { type FormEvent, useState } from 'react';
import { safeRedirectTarget } from '../../app/auth-guard';
import { EXPECTS_UNAUTHENTICATED } from '../../app/query-client';
import { useApi } from '../../app/use-api';
import { AuthCard } from '../../components/AuthCard';
import { ProblemAlert } from '../../components/ProblemAlert';
import { meQuery } from './auth-queries';
import { SecondFactorFields, type SecondFactorKind } from './SecondFactorFields';

/**
 * The sign-in page. Step one asks for email and password; when the server answers `mfa-required`, step two asks
 * for the authenticator code (or a recovery code) and sends all three again.
 */
export function LoginPage() {
  const api = useApi();
  const queryClient = useQueryClient();
  const router = useRouter();
  const search = useSearch({ from: '/login' });
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [secondFactor, setSecondFactor] = useState<SecondFactorKind | null>(null);
  const [code, setCode] = useState('');

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

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const request: LoginRequest = { email: email.trim(), password };
    if (secondFactor === 'totp') request.totp = code.trim();
    if (secondFactor === 'recovery') request.recoveryCode = code.trim().toLowerCase();
    login.mutate(request);
  };

  const startOver = () => {
    setSecondFactor(null);
    setCode('');
    setPassword('');
    login.reset();
  };

  return (
    <AuthCard
      title={secondFactor ? 'Two-step verification' : 'Sign in'}
      description={secondFactor ? `Signing in as ${email}` : 'Sign in to manage your estate.'}
    >
      <form onSubmit={submit} noValidate data-testid="login-form">
        <Stack gap="sm">
          {secondFactor ? (
            <SecondFactorFields
              kind={secondFactor}
              code={code}
              onCodeChange={setCode}
              onKindChange={(kind) => {
                setSecondFactor(kind);
                setCode('');
                login.reset();
              }}
            />
          ) : (
            <>
              <TextInput
                label="Email"
                type="email"
                value={email}
                onChange={(event) => setEmail(event.currentTarget.value)}
                required
                autoComplete="username"
                data-testid="login-email"
              />
              <PasswordInput
                label="Password"
                value={password}
                onChange={(event) => setPassword(event.currentTarget.value)}
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
