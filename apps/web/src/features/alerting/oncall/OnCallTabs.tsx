import { Tabs } from '@mantine/core';
import { useNavigate } from '@tanstack/react-router';

type OnCallSection = '/oncall' | '/oncall/escalation-policies' | '/oncall/me';

/** The on-call sections: schedules, escalation policies, my on-call. */
export function OnCallTabs({ active }: { active: OnCallSection }) {
  const navigate = useNavigate();
  return (
    <Tabs value={active} onChange={(value) => value && navigate({ to: value as OnCallSection })} mb="md">
      <Tabs.List>
        <Tabs.Tab value="/oncall" data-testid="oncall-tab-schedules">
          Schedules
        </Tabs.Tab>
        <Tabs.Tab value="/oncall/escalation-policies" data-testid="oncall-tab-policies">
          Escalation policies
        </Tabs.Tab>
        <Tabs.Tab value="/oncall/me" data-testid="oncall-tab-me">
          My on-call
        </Tabs.Tab>
      </Tabs.List>
    </Tabs>
  );
}
