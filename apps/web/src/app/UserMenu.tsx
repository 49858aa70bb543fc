import type { Me } from '@estate/contract';
import { Avatar, Group, Menu, Text, UnstyledButton, useComputedColorScheme, useMantineColorScheme } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import { useSignOut } from '../features/auth/use-sign-out';
import { API_DOCS_URL } from './api-docs';

/** Props of `UserMenu`. */
export interface UserMenuProps {
  me: Me;
}

/** The header's account menu: who is signed in, profile, API docs, light/dark switch and sign-out. */
export function UserMenu({ me }: UserMenuProps) {
  const signOut = useSignOut();
  const { setColorScheme } = useMantineColorScheme();
  const scheme = useComputedColorScheme('light');
  const initials = me.user.name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((word) => word[0]?.toUpperCase())
    .join('');

  return (
    <Menu position="bottom-end" width={240} shadow="md">
      <Menu.Target>
        <UnstyledButton aria-label="Account menu" data-testid="user-menu">
          <Group gap="xs" wrap="nowrap">
            <Avatar radius="xl" size={32} color="blue">
              {initials || '?'}
            </Avatar>
            <Text size="sm" fw={500} visibleFrom="sm" maw={180} truncate>
              {me.user.name}
            </Text>
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>
          <Text size="sm" fw={500} c="var(--mantine-color-text)" truncate>
            {me.user.name}
          </Text>
          <Text size="xs" truncate>
            {me.user.email} · {me.user.role}
          </Text>
        </Menu.Label>
        <Menu.Divider />
        <Menu.Item component={Link} to="/profile">
          Profile
        </Menu.Item>
        <Menu.Item component="a" href={API_DOCS_URL} target="_blank" rel="noopener">
          API docs
        </Menu.Item>
        <Menu.Item
          onClick={() => setColorScheme(scheme === 'dark' ? 'light' : 'dark')}
          data-testid="color-scheme-toggle"
          closeMenuOnClick={false}
        >
          {scheme === 'dark' ? 'Switch to light mode' : 'Switch to dark mode'}
        </Menu.Item>
        <Menu.Divider />
        <Menu.Item color="red" onClick={() => void signOut()} data-testid="sign-out">
          Sign out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
