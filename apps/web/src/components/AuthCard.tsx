import { Center, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Brand } from '../app/Brand';

/** Props of `AuthCard`. */
export interface AuthCardProps {
  title: string;
  description?: ReactNode;
  children: ReactNode;
  /** Maximum width in pixels; 420 by default. */
  width?: number;
}

/** The centred card of the pages outside the app shell: setup, login and forced MFA enrolment. */
export function AuthCard({ title, description, children, width = 420 }: AuthCardProps) {
  return (
    <Center mih="100vh" p="md" bg="var(--mantine-color-body)">
      <Stack w="100%" maw={width} gap="lg">
        <Center>
          <Brand />
        </Center>
        <Paper withBorder shadow="sm" p={{ base: 'md', xs: 'xl' }} radius="md">
          <Stack gap="md">
            <Stack gap={4}>
              <Title order={2} fz="h3">
                {title}
              </Title>
              {description && (
                <Text size="sm" c="dimmed">
                  {description}
                </Text>
              )}
            </Stack>
            {children}
          </Stack>
        </Paper>
      </Stack>
    </Center>
  );
}
