import { Group, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

/** Props of `PageHeader`. */
export interface PageHeaderProps {
  title: string;
  description?: string;
  /** Buttons on the right, e.g. "Create user"; they wrap below the title on narrow screens. */
  actions?: ReactNode;
}

/** The title row of a page inside the app shell. */
export function PageHeader({ title, description, actions }: PageHeaderProps) {
  return (
    <Group justify="space-between" align="flex-end" mb="md" gap="sm">
      <Stack gap={2}>
        <Title order={2}>{title}</Title>
        {description && (
          <Text c="dimmed" size="sm">
            {description}
          </Text>
        )}
      </Stack>
      {actions && <Group gap="xs">{actions}</Group>}
    </Group>
  );
}
