import { Tabs } from '@mantine/core';
import { useNavigate } from '@tanstack/react-router';

type Section = '/alerting/silences' | '/alerting/maintenance' | '/alerting/routing';

const SECTIONS: readonly { to: Section; label: string }[] = [
  { to: '/alerting/silences', label: 'Silences' },
  { to: '/alerting/maintenance', label: 'Maintenance windows' },
  { to: '/alerting/routing', label: 'Alert routing' },
];

/** The tabs joining the suppression pages: silences, maintenance windows and the routing configuration. */
export function SuppressionTabs({ active }: { active: Section }) {
  const navigate = useNavigate();
  return (
    <Tabs value={active} onChange={(to) => to && void navigate({ to: to as Section })} mb="md">
      <Tabs.List>
        {SECTIONS.map((section) => (
          <Tabs.Tab key={section.to} value={section.to} data-testid={`suppression-tab-${section.to.split('/').pop()}`}>
            {section.label}
          </Tabs.Tab>
        ))}
      </Tabs.List>
    </Tabs>
  );
}
