import { Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

/** Props of `SectionCard`. */
export interface SectionCardProps {
  title: string;
  description?: ReactNode;
  children: ReactNode;
  'data-testid'?: string;
}

/** A titled, bordered block of a page, e.g. "Password" on the profile page. */
export function SectionCard({ title, description, children, 'data-testid': testId }: SectionCardProps) {
  return (
    <Paper withBorder p={{ base: 'md', sm: 'lg' }} radius="md" data-testid={testId}>
      <Stack gap="md">
        <Stack gap={2}>
          <Title order={3} fz="h4">
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
  );
}
