import { AppShell, Burger, Group, ScrollArea } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Outlet } from '@tanstack/react-router';
import { useMe } from '../features/auth/use-me';
import { Brand } from './Brand';
import { NavLinks } from './NavLinks';
import { UserMenu } from './UserMenu';

/**
 * The frame of every signed-in page: header with the product name and account menu, a navbar that folds into a
 * burger below the `sm` breakpoint, and the page itself.
 */
export function AppShellLayout() {
  const me = useMe();
  const [navbarOpen, navbar] = useDisclosure(false);
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 250, breakpoint: 'sm', collapsed: { mobile: !navbarOpen } }}
      padding={{ base: 'sm', sm: 'lg' }}
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={navbarOpen}
              onClick={navbar.toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={navbarOpen ? 'Close navigation' : 'Open navigation'}
              data-testid="nav-burger"
            />
            <Brand />
          </Group>
          <UserMenu me={me} />
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="sm">
        {/* On a short screen the sections outgrow the navbar: it scrolls rather than cutting the last ones off. */}
        <AppShell.Section grow component={ScrollArea}>
          <NavLinks me={me} onNavigate={navbar.close} />
        </AppShell.Section>
      </AppShell.Navbar>
      <AppShell.Main>
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
