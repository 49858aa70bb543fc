import { SegmentedControl, Stack } from '@mantine/core';
import { useState } from 'react';
import { can } from '../../app/auth-guard';
import { useApi } from '../../app/use-api';
import { NoPermission } from '../../components/NoPermission';
import { PageHeader } from '../../components/PageHeader';
import { ProblemAlert } from '../../components/ProblemAlert';
import { usePagedQuery } from '../../components/paged-query';
import { SectionCard } from '../../components/SectionCard';
import { useMe } from '../auth/use-me';
import { ExpiringTable, LicenceTable, RefreshPlanView } from './LifecycleTables';
import { expiringQuery, licenceUsageQuery, refreshPlanQuery } from './lifecycle-queries';

/** Lifecycle: what expires soon, licence use against seats, and the hardware refresh plan per quarter. */
export function LifecyclePage() {
  const me = useMe();
  if (!can(me, 'inventory:read')) return <NoPermission permission="inventory:read" />;
  return <Lifecycle />;
}

function Lifecycle() {
  const api = useApi();
  const [within, setWithin] = useState('90');
  const [horizon, setHorizon] = useState<'quarter' | 'year'>('year');
  const expiring = usePagedQuery(expiringQuery(api, Number(within)));
  const licences = usePagedQuery(licenceUsageQuery(api));
  const plan = usePagedQuery(refreshPlanQuery(api, horizon));

  return (
    <>
      <PageHeader title="Lifecycle" description="Warranties, end of life, contracts and licences: what needs attention, and when." />
      <Stack gap="lg">
        <SectionCard title="Expiring soon" description="Warranties, end-of-life dates, contracts and licences ending within the window.">
          <SegmentedControl
            w="fit-content"
            value={within}
            onChange={setWithin}
            data={['30', '90', '180', '365'].map((days) => ({ value: days, label: `${days} days` }))}
            data-testid="expiring-within"
          />
          <ProblemAlert error={expiring.error} />
          <ExpiringTable list={expiring} />
        </SectionCard>
        <SectionCard title="Licences" description="Seats bought against seats in use (licensed_by relationships).">
          <ProblemAlert error={licences.error} />
          <LicenceTable list={licences} />
        </SectionCard>
        <SectionCard title="Refresh plan" description="Hardware whose warranty or end of life falls before the horizon, per quarter.">
          <SegmentedControl
            w="fit-content"
            value={horizon}
            onChange={(value) => setHorizon(value as 'quarter' | 'year')}
            data={[
              { value: 'quarter', label: 'This quarter' },
              { value: 'year', label: 'This year' },
            ]}
            data-testid="refresh-horizon"
          />
          <ProblemAlert error={plan.error} />
          <RefreshPlanView list={plan} />
        </SectionCard>
      </Stack>
    </>
  );
}
