import type { Me, Permission } from '@estate/contract';
import { NavLink, Stack } from '@mantine/core';
import { Link, useRouterState } from '@tanstack/react-router';
import { API_DOCS_URL } from './api-docs';
import { can } from './auth-guard';

/** Props of `NavLinks`. */
export interface NavLinksProps {
  me: Me;
  /** Called after a link is followed; the shell closes the phone-sized navbar with it. */
  onNavigate: () => void;
}

interface Section {
  to:
    | '/'
    | '/users'
    | '/tokens'
    | '/audit'
    | '/inventory'
    | '/lifecycle'
    | '/software'
    | '/agents'
    | '/discovery'
    | '/checks'
    | '/oncall'
    | '/alerting/silences'
    | '/alerting/maintenance'
    | '/alerting/channels'
    | '/status-pages'
    | '/merge-suggestions'
    | '/terraform-imports'
    | '/explore'
    | '/alerts'
    | '/profile';
  label: string;
  description: string;
  permission?: Permission;
}

const SECTIONS: readonly Section[] = [
  { to: '/', label: 'Overview', description: 'The estate at a glance', permission: 'metrics:read' },
  { to: '/inventory', label: 'Inventory', description: 'Configuration items and their relations', permission: 'inventory:read' },
  { to: '/lifecycle', label: 'Lifecycle', description: 'Expiring, licences, refresh plan', permission: 'inventory:read' },
  { to: '/agents', label: 'Agents', description: 'Enrolled hosts and enrollment tokens', permission: 'agents:read' },
  { to: '/checks', label: 'Monitoring', description: 'Checks, their state and uptime', permission: 'monitoring:read' },
  { to: '/alerts', label: 'Alerts', description: 'What is firing, and the rules', permission: 'alerting:read' },
  { to: '/oncall', label: 'On-call', description: 'Schedules, escalation, my shifts', permission: 'alerting:read' },
  { to: '/alerting/silences', label: 'Silences', description: 'Mute alerts for a while', permission: 'alerting:read' },
  { to: '/alerting/maintenance', label: 'Maintenance', description: 'Planned work windows, alert routing', permission: 'alerting:read' },
  { to: '/alerting/channels', label: 'Channels', description: 'Where notifications go, and their log', permission: 'alerting:read' },
  { to: '/status-pages', label: 'Status pages', description: 'What your services’ users see', permission: 'monitoring:read' },
  { to: '/discovery', label: 'Discovery', description: 'Network scans and SNMP credentials', permission: 'discovery:read' },
  { to: '/software', label: 'Software', description: 'Where a package is installed', permission: 'inventory:read' },
  { to: '/merge-suggestions', label: 'Merge suggestions', description: 'Two records of one machine?', permission: 'discovery:read' },
  { to: '/terraform-imports', label: 'Terraform import', description: 'Cloud resources from state files', permission: 'discovery:read' },
  { to: '/explore', label: 'Explore metrics', description: 'PromQL: tables and graphs', permission: 'metrics:read' },
  { to: '/users', label: 'Users', description: 'Accounts and roles', permission: 'users:read' },
  { to: '/tokens', label: 'API tokens', description: 'Keys for scripts and integrations' },
  { to: '/audit', label: 'Audit log', description: 'Who changed what', permission: 'audit:read' },
  { to: '/profile', label: 'Profile', description: 'Password, MFA, sessions' },
];

/** The main navigation: the sections the user may see, then a link to the API documentation. */
export function NavLinks({ me, onNavigate }: NavLinksProps) {
  const pathname = useRouterState({ select: (state) => state.location.pathname });
  return (
    <Stack gap={4} component="nav" aria-label="Main">
      {SECTIONS.filter((section) => !section.permission || can(me, section.permission)).map((section) => (
        <NavLink
          key={section.to}
          component={Link}
          to={section.to}
          label={section.label}
          description={section.description}
          active={section.to === '/' ? pathname === '/' : pathname.startsWith(section.to)}
          onClick={onNavigate}
          data-testid={`nav-${section.to.slice(1) || 'home'}`}
        />
      ))}
      <NavLink
        component="a"
        href={API_DOCS_URL}
        target="_blank"
        rel="noopener"
        label="API docs"
        description="OpenAPI reference (new tab)"
        data-testid="nav-api-docs"
      />
    </Stack>
  );
}
