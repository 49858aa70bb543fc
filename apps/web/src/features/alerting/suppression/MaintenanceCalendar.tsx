import type { MaintenanceOccurrence } from '@estate/contract';
import { ActionIcon, Group, Paper, SegmentedControl, SimpleGrid, Stack, Text, Tooltip } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useApi } from '../../../app/use-api';
import { ProblemAlert } from '../../../components/ProblemAlert';
import { type CalendarView, calendarDays, occurrencesOn, shiftAnchor } from './calendar-range';
import { occurrencesQuery } from './suppression-queries';

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const title = new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric' });
const span = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A month or week of every window's occurrences, in your local time. */
export function MaintenanceCalendar() {
  const api = useApi();
  const [view, setView] = useState<CalendarView>('month');
  const [anchor, setAnchor] = useState(() => new Date());
  const days = calendarDays(view, anchor);
  const from = days[0]?.start ?? 0;
  const to = days[days.length - 1]?.end ?? 0;
  const occurrences = useQuery(occurrencesQuery(api, from, to));
  const today = new Date().toDateString();

  return (
    <Paper withBorder p="sm" radius="md" data-testid="maintenance-calendar">
      <Group justify="space-between" mb="sm">
        <Group gap={4}>
          <ActionIcon variant="default" aria-label="Earlier" onClick={() => setAnchor(shiftAnchor(view, anchor, -1))}>
            ‹
          </ActionIcon>
          <ActionIcon variant="default" aria-label="Later" onClick={() => setAnchor(shiftAnchor(view, anchor, 1))}>
            ›
          </ActionIcon>
          <Text fw={500} ml="xs">
            {view === 'month' ? title.format(anchor) : `Week of ${days[0]?.date.toLocaleDateString()}`}
          </Text>
        </Group>
        <SegmentedControl
          size="xs"
          value={view}
          onChange={(value) => setView(value as CalendarView)}
          data={[
            { value: 'month', label: 'Month' },
            { value: 'week', label: 'Week' },
          ]}
        />
      </Group>
      <ProblemAlert error={occurrences.error} />
      <SimpleGrid cols={7} spacing={4} verticalSpacing={4}>
        {WEEKDAYS.map((day) => (
          <Text key={day} size="xs" c="dimmed" ta="center">
            {day}
          </Text>
        ))}
        {days.map((day) => (
          <Stack
            key={day.start}
            gap={2}
            p={4}
            mih={view === 'week' ? 160 : 84}
            style={{
              border: '1px solid var(--mantine-color-gray-3)',
              borderRadius: 4,
              opacity: day.inMonth ? 1 : 0.5,
              background: day.date.toDateString() === today ? 'var(--mantine-color-blue-0)' : undefined,
            }}
            data-testid="calendar-day"
          >
            <Text size="xs" fw={500}>
              {day.date.getDate()}
            </Text>
            {occurrencesOn(day, occurrences.data ?? []).map((o: MaintenanceOccurrence) => (
              <Tooltip key={`${o.windowId}${o.start}`} label={`${o.name}: ${span.format(o.start)} – ${span.format(o.end)}`}>
                <Text size="xs" truncate px={4} c="violet.9" bg="violet.1" style={{ borderRadius: 4 }} data-testid="calendar-occurrence">
                  {o.start >= day.start ? time.format(o.start) : '…'} {o.name}
                </Text>
              </Tooltip>
            ))}
          </Stack>
        ))}
      </SimpleGrid>
    </Paper>
  );
}
