import { Button, Group, Input, SegmentedControl, Text, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import { localInputToEpochMs } from '../../components/format-time';
import { type ExploreState, type ExploreView, PRESET_RANGES, parseDuration } from './explore-search';

/** Props of `ExploreControls`. */
export interface ExploreControlsProps {
  state: ExploreState;
  /** The time "now" stood for when the query last ran, shown while no time is pinned. */
  nowMs: number;
  /** Called with what the user changed; the page writes it to the URL. */
  onChange: (patch: Partial<ExploreState>) => void;
}

const CUSTOM = 'custom';

/** Epoch milliseconds as a `datetime-local` input's value (local time, to the second). */
export function epochMsToLocalInput(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/**
 * The explorer's view switch (table or graph), the graph's range (1h, 6h, 24h, 7d or a typed duration) and the
 * evaluation time (empty for now). They wrap onto several lines on a phone.
 */
export function ExploreControls(props: ExploreControlsProps) {
  const { state, onChange } = props;
  return (
    <Group gap="md" align="flex-start" wrap="wrap">
      <Input.Wrapper label="View">
        <div>
          <SegmentedControl
            value={state.view}
            onChange={(view) => onChange({ view: view as ExploreView })}
            data={[
              { value: 'table', label: 'Table' },
              { value: 'graph', label: 'Graph' },
            ]}
            aria-label="Result view"
            data-testid="explore-view"
          />
        </div>
      </Input.Wrapper>
      {state.view === 'graph' && <RangePicker {...props} />}
      <EndTimeInput {...props} />
    </Group>
  );
}

function RangePicker({ state, onChange }: ExploreControlsProps) {
  const preset = PRESET_RANGES.find((range) => parseDuration(range) === state.rangeMs);
  const [custom, setCustom] = useState(preset === undefined);
  const [text, setText] = useState(state.range);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setText(state.range), [state.range]);

  const applyText = () => {
    const ms = parseDuration(text);
    if (ms === undefined) {
      setError('A duration such as 90m, 3d or 2w');
      return;
    }
    setError(null);
    if (ms !== state.rangeMs) onChange({ range: text.trim(), rangeMs: ms });
  };

  return (
    <Input.Wrapper label="Range">
      <Group gap="xs" align="flex-start" wrap="wrap">
        <SegmentedControl
          value={custom ? CUSTOM : (preset ?? CUSTOM)}
          onChange={(value) => {
            if (value === CUSTOM) return setCustom(true);
            setCustom(false);
            setError(null);
            onChange({ range: value, rangeMs: parseDuration(value) as number });
          }}
          data={[...PRESET_RANGES.map((range) => ({ value: range, label: range })), { value: CUSTOM, label: 'Custom' }]}
          aria-label="Graph range"
          data-testid="explore-range"
        />
        {(custom || preset === undefined) && (
          <TextInput
            aria-label="Custom range"
            placeholder="e.g. 90m"
            value={text}
            onChange={(event) => setText(event.currentTarget.value)}
            onBlur={applyText}
            onKeyDown={(event) => {
              if (event.key === 'Enter') applyText();
            }}
            error={error}
            w={110}
            data-testid="explore-range-custom"
          />
        )}
      </Group>
    </Input.Wrapper>
  );
}

function EndTimeInput({ state, nowMs, onChange }: ExploreControlsProps) {
  const label = (
    <>
      {state.view === 'graph' ? 'End time' : 'Evaluation time'}
      {state.endMs === null && (
        <Text span c="dimmed" size="sm" fw={400}>
          {' '}
          (now)
        </Text>
      )}
    </>
  );
  return (
    <Group gap="xs" align="flex-end" wrap="nowrap">
      <TextInput
        type="datetime-local"
        step={1}
        label={label}
        value={epochMsToLocalInput(state.endMs ?? nowMs)}
        onChange={(event) => {
          const ms = localInputToEpochMs(event.currentTarget.value);
          onChange({ endMs: ms ?? null });
        }}
        data-testid="explore-end"
      />
      {state.endMs !== null && (
        <Button variant="default" onClick={() => onChange({ endMs: null })} data-testid="explore-end-now">
          Now
        </Button>
      )}
    </Group>
  );
}
