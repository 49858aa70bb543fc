import { Badge, Group, SimpleGrid, Stack, Text } from '@mantine/core';
import { PageHeader } from '../../components/PageHeader';
import { SectionCard } from '../../components/SectionCard';
import { useMe } from '../auth/use-me';
import { ChangePasswordCard } from './ChangePasswordCard';
import { MfaCard } from './MfaCard';
import { SessionsCard } from './SessionsCard';

/** The signed-in user's own account: who they are, password, two-step verification and sessions. */
export function ProfilePage() {
  const { user, permissions } = useMe();
  return (
    <>
      <PageHeader title="Profile" description="Your account, how you sign in, and where you are signed in." />
      <Stack gap="lg">
        <SectionCard title={user.name} description={user.email}>
          <Group gap="xs">
            <Text size="sm">Role</Text>
            <Badge variant="light">{user.role}</Badge>
          </Group>
          <Group gap={6}>
            <Text size="sm">Permissions</Text>
            {permissions.map((permission) => (
              <Badge key={permission} variant="outline" size="sm" tt="none">
                {permission}
              </Badge>
            ))}
          </Group>
        </SectionCard>
        <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
          <ChangePasswordCard />
          <MfaCard />
        </SimpleGrid>
        <SessionsCard />
      </Stack>
    </>
  );
}
