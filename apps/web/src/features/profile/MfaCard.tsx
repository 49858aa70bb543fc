import { Badge, Group, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useApi } from '../../app/use-api';
import { SectionCard } from '../../components/SectionCard';
import { meQuery } from '../auth/auth-queries';
import { useMe } from '../auth/use-me';
import { DisableMfaForm } from './DisableMfaForm';
import { SESSIONS_QUERY_KEY } from './sessions-queries';
import { TotpEnrolmentFlow } from './TotpEnrolmentFlow';

/** Two-step verification of the own account: enrol an authenticator app, or turn it off with the password. */
export function MfaCard() {
  const api = useApi();
  const queryClient = useQueryClient();
  const { user } = useMe();
  // True between confirming the first code and dismissing the recovery codes, while `me` still says "off".
  const [confirmed, setConfirmed] = useState(false);
  const enabled = user.mfaEnabled || confirmed;
  const refresh = async () => {
    // Turning MFA on or off ends the user's other sessions and changes `mfaEnabled`.
    await queryClient.invalidateQueries({ queryKey: meQuery(api).queryKey, exact: true });
    await queryClient.invalidateQueries({ queryKey: SESSIONS_QUERY_KEY });
    setConfirmed(false);
  };

  return (
    <SectionCard
      title="Two-step verification"
      description="A code from an authenticator app on your phone, asked for at every sign-in."
      data-testid="mfa-card"
    >
      <Group gap="xs">
        <Text size="sm">Status</Text>
        <Badge color={enabled ? 'teal' : 'gray'} variant="light" data-testid="mfa-status">
          {enabled ? 'On' : 'Off'}
        </Badge>
      </Group>
      {user.mfaEnabled ? (
        <DisableMfaForm onDisabled={refresh} />
      ) : (
        <TotpEnrolmentFlow onComplete={refresh} onConfirmed={() => setConfirmed(true)} />
      )}
    </SectionCard>
  );
}
