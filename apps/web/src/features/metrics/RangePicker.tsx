import { Button, Group, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { localInputToEpochMs } from '../../components/format-time';
import { type MetricsRange, RANGE_PRESETS } from './metrics-range';

/** Props of `RangePicker`. */
export interface RangePickerProps {
  value: MetricsRange;
  onChange: (range: MetricsRange) => void;
}

const CUSTOM = 'custom';

/** Epoch seconds as the value of an `<input type="datetime-local">`, in local time, to the minute. */
function toLocalInput(epochSeconds: number): string {
  const date = new Date(epochSeconds * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/**
 * Picks the time range of a page of graphs: the last hour, 6 hours, day, week or month, or a custom span given as
 * two local date-times (also set by dragging across a graph). A custom span is applied only when it is valid.
 */
export function RangePicker({ value, onChange }: RangePickerProps) {
  const [editing, setEditing] = useState(value.kind === 'custom');
  const nowSeconds = Math.floor(Date.now() / 1000);
  const [from, setFrom] = useState(toLocalInput(value.kind === 'custom' ? value.from : nowSeconds - 3_600));
  const [to, setTo] = useState(toLocalInput(value.kind === 'custom' ? value.to : nowSeconds));
  const showCustom = editing || value.kind === 'custom';
  const fromMs = localInputToEpochMs(from);
  const toMs = localInputToEpochMs(to);
  const invalid = fromMs === undefined || toMs === undefined || toMs <= fromMs;

  // A drag-to-zoom sets a custom range from outside; the inputs then show it.
  const shownKey = value.kind === 'custom' ? `${value.from}-${value.to}` : '';
  const [seenKey, setSeenKey] = useState(shownKey);
  if (shownKey !== seenKey) {
    setSeenKey(shownKey);
    if (value.kind === 'custom') {
      setFrom(toLocalInput(value.from));
      setTo(toLocalInput(value.to));
    }
  }

  return (
    <Stack gap="xs">
      <SegmentedControl
        size="xs"
        value={showCustom ? CUSTOM : value.kind === 'preset' ? value.preset : CUSTOM}
        onChange={(key) => {
          if (key === CUSTOM) {
            setEditing(true);
            return;
          }
          setEditing(false);
          const preset = RANGE_PRESETS.find((p) => p.key === key);
          if (preset) onChange({ kind: 'preset', preset: preset.key });
        }}
        data={[...RANGE_PRESETS.map((p) => ({ value: p.key, label: p.label })), { value: CUSTOM, label: 'Custom' }]}
        data-testid="metrics-range"
        style={{ alignSelf: 'flex-start', maxWidth: '100%' }}
      />
      {showCustom && (
        <Group gap="xs" align="flex-end" wrap="wrap">
          <TextInput
            type="datetime-local"
            label="From"
            size="xs"
            value={from}
            onChange={(e) => setFrom(e.currentTarget.value)}
            data-testid="metrics-range-from"
          />
          <TextInput
            type="datetime-local"
            label="To"
            size="xs"
            value={to}
            onChange={(e) => setTo(e.currentTarget.value)}
            data-testid="metrics-range-to"
          />
          <Button
            size="xs"
            disabled={invalid}
            onClick={() => {
              if (fromMs !== undefined && toMs !== undefined)
                onChange({ kind: 'custom', from: Math.floor(fromMs / 1000), to: Math.floor(toMs / 1000) });
            }}
            data-testid="metrics-range-apply"
          >
            Apply
          </Button>
          {invalid && (
            <Text size="xs" c="red">
              “To” must be after “From”.
            </Text>
          )}
        </Group>
      )}
    </Stack>
  );
}
