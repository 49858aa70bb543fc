import { Anchor, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { useApi } from '../../app/use-api';
import { AuthCard } from '../../components/AuthCard';
import { meQuery } from '../auth/auth-queries';
import { useSignOut } from '../auth/use-sign-out';
import { TotpEnrolmentFlow } from './TotpEnrolmentFlow';

/**
 * Shown when the server requires this user to enrol MFA before anything else (every other API answers 403 until
 * then): the enrolment flow, and a way out through sign-out.
 */
export function EnrolMfaPage() {
  const api = useApi();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const signOut = useSignOut();
  const finish = async () => {
    await queryClient.fetchQuery({ ...meQuery(api), staleTime: 0 });
    await navigate({ to: '/' });
  };

  return (
    <AuthCard
      title="Set up two-step verification"
      description="Your administrator requires a second step at sign-in. Set it up to continue."
      width={520}
    >
      <TotpEnrolmentFlow onComplete={finish} />
      <Text size="sm" ta="center">
        <Anchor component="button" type="button" onClick={() => void signOut()}>
          Sign out instead
        </Anchor>
      </Text>
    </AuthCard>
  );
}
