import { Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../../../app/use-api';
import { ONCALL_QUERY_KEY, onCallApi } from './oncall-api';

/** Who a schedule has on call now, re-read every minute. */
export function OnCallNowCell({ scheduleId }: { scheduleId: string }) {
  const api = useApi();
  const now = useQuery({
    queryKey: [...ONCALL_QUERY_KEY, 'schedule', scheduleId, 'now'],
    queryFn: () => onCallApi(api).onCall(scheduleId),
    refetchInterval: 60_000,
  });
  if (!now.data)
    return (
      <Text size="sm" c="dimmed">
        …
      </Text>
    );
  return now.data.person ? (
    <Text size="sm" fw={500} data-testid="on-call-now">
      {now.data.person.name}
    </Text>
  ) : (
    <Text size="sm" c="orange" data-testid="on-call-now">
      Nobody
    </Text>
  );
}
