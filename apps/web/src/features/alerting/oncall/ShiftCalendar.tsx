import type { OnCallShift } from '@estate/contract';
import { Badge, Box, Group, SegmentedControl, Stack, Text, Tooltip } from '@mantine/core';
import { formatDateTime } from '../../../components/format-time';
import { calendarDays, personColor } from './calendar-layout';

/** Props of `ShiftCalendar`. */
export interface ShiftCalendarProps {
  shifts: readonly OnCallShift[];
  /** Local midnight of the first day shown. */
  from: number;
  days: 7 | 14;
  onDaysChange: (days: 7 | 14) => void;
  /** Names layers by id, for the tooltip. */
  layerName: (layerId: string) => string;
}

const dayLabel = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short' });
const timeLabel = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

/**
 * The final shifts as a week or two of day rows (local time): one bar per day, a coloured piece per person; layer
 * turns are filled, overrides striped and outlined; a handoff is a thick line with the incoming person's name; a red
 * line marks now.
 */
export function ShiftCalendar({ shifts, from, days, onDaysChange, layerName }: ShiftCalendarProps) {
  const rows = calendarDays(shifts, from, days);
  const now = Date.now();
  return (
    <Stack gap={6} data-testid="shift-calendar">
      <Group justify="space-between">
        <Group gap="xs">
          <Badge variant="filled" color="gray">
            Layer turn
          </Badge>
          <Badge variant="outline" color="gray" style={{ borderStyle: 'dashed' }}>
            Override
          </Badge>
        </Group>
        <SegmentedControl
          size="xs"
          value={String(days)}
          onChange={(value) => onDaysChange(value === '14' ? 14 : 7)}
          data={[
            { value: '7', label: 'Week' },
            { value: '14', label: '2 weeks' },
          ]}
          data-testid="calendar-range"
        />
      </Group>
      <Group gap="xs" wrap="nowrap" aria-hidden>
        <Box w={90} style={{ flexShrink: 0 }} />
        <Box pos="relative" h={16} style={{ flex: 1 }}>
          {[0, 6, 12, 18].map((hour) => (
            <Text key={hour} size="xs" c="dimmed" pos="absolute" left={`${(hour / 24) * 100}%`} top={0}>
              {String(hour).padStart(2, '0')}:00
            </Text>
          ))}
        </Box>
      </Group>
      {rows.map((row) => (
        <Group key={row.start} gap="xs" wrap="nowrap" align="stretch">
          <Text size="xs" w={90} style={{ flexShrink: 0 }}>
            {dayLabel.format(row.start)}
          </Text>
          <Box
            pos="relative"
            h={30}
            style={{ flex: 1, background: 'var(--mantine-color-default-hover)', borderRadius: 4, overflow: 'hidden' }}
            data-testid="calendar-day"
          >
            {row.segments.map((segment) => {
              const { shift } = segment;
              const color = personColor(shift.person.id);
              const override = shift.source.kind === 'override';
              const why = shift.source.kind === 'override' ? 'override' : layerName(shift.source.layerId);
              return (
                <Tooltip
                  key={`${shift.start}-${shift.person.id}-${segment.left}`}
                  label={`${shift.person.name} (${why}): ${formatDateTime(shift.start)} – ${formatDateTime(shift.end)}`}
                >
                  <Box
                    pos="absolute"
                    top={0}
                    bottom={0}
                    left={`${segment.left * 100}%`}
                    w={`${segment.width * 100}%`}
                    data-testid="calendar-shift"
                    data-person={shift.person.name}
                    data-source={shift.source.kind}
                    data-handoff={segment.handoff ? 'true' : undefined}
                    style={{
                      background: override
                        ? `repeating-linear-gradient(45deg, var(--mantine-color-${color}-2), var(--mantine-color-${color}-2) 6px, var(--mantine-color-${color}-4) 6px, var(--mantine-color-${color}-4) 12px)`
                        : `var(--mantine-color-${color}-5)`,
                      border: override ? `2px dashed var(--mantine-color-${color}-8)` : undefined,
                      borderLeft: segment.handoff ? '3px solid var(--mantine-color-dark-9)' : undefined,
                      overflow: 'hidden',
                      whiteSpace: 'nowrap',
                    }}
                  >
                    <Text size="xs" px={4} lh="30px" c={override ? 'dark' : 'white'} fw={500}>
                      {segment.handoff ? `${timeLabel.format(shift.start)} → ` : ''}
                      {shift.person.name}
                    </Text>
                  </Box>
                </Tooltip>
              );
            })}
            {now >= row.start && now < row.end && (
              <Box
                pos="absolute"
                top={0}
                bottom={0}
                left={`${((now - row.start) / (row.end - row.start)) * 100}%`}
                w={2}
                bg="red"
                title="Now"
                data-testid="calendar-now"
              />
            )}
          </Box>
        </Group>
      ))}
    </Stack>
  );
}
