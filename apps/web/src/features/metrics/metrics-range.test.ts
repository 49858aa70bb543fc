import { describe, expect, it } from 'vitest';
import { chooseStep, MAX_POINTS, promDuration, RANGE_PRESETS, rateWindow, resolveRange } from './metrics-range';

describe('chooseStep', () => {
  it('keeps every preset at or under the point budget with a nice step', () => {
    const steps = RANGE_PRESETS.map((preset) => [preset.key, chooseStep(preset.seconds)]);
    expect(steps).toEqual([
      ['1h', 30],
      ['6h', 60],
      ['24h', 300],
      ['7d', 1_800],
      ['30d', 7_200],
    ]);
    for (const preset of RANGE_PRESETS) expect(preset.seconds / chooseStep(preset.seconds)).toBeLessThanOrEqual(MAX_POINTS);
  });

  it('never goes finer than the agent interval, however short the range', () => {
    expect(chooseStep(60)).toBe(30);
    expect(chooseStep(1)).toBe(30);
  });

  it('uses whole days beyond a day per point and honours another budget', () => {
    expect(chooseStep(365 * 86_400)).toBe(86_400);
    expect(chooseStep(1_000 * 86_400)).toBe(2 * 86_400);
    expect(chooseStep(3_600, 60)).toBe(60);
  });
});

describe('rateWindow', () => {
  it('spans at least three agent intervals and at least the step', () => {
    expect(rateWindow(30)).toBe(90);
    expect(rateWindow(60)).toBe(90);
    expect(rateWindow(300)).toBe(300);
    expect(rateWindow(7_200)).toBe(7_200);
  });
});

describe('resolveRange', () => {
  const now = Date.UTC(2026, 11, 4, 10, 0, 0, 500);

  it('ends a preset now, to the second, and starts it the preset’s length before', () => {
    expect(resolveRange({ kind: 'preset', preset: '6h' }, now)).toEqual({
      start: now / 1000 - 0.5 - 6 * 3_600,
      end: now / 1000 - 0.5,
      step: 60,
    });
  });

  it('keeps a custom span that is a whole number of steps and chooses its step from its length', () => {
    expect(resolveRange({ kind: 'custom', from: 1_000, to: 1_000 + 2 * 86_400 }, now)).toEqual({
      start: 1_000,
      end: 1_000 + 2 * 86_400,
      step: 600,
    });
  });

  it('starts a custom span up to one step early so that its last point falls on its end', () => {
    const resolved = resolveRange({ kind: 'custom', from: 1_000, to: 1_000 + 3 * 86_400 - 60 }, now);
    expect(resolved).toEqual({ start: 940, end: 1_000 + 3 * 86_400 - 60, step: 600 });
    expect((resolved.end - resolved.start) % resolved.step).toBe(0);
  });
});

describe('promDuration', () => {
  it('writes the largest whole unit', () => {
    expect(promDuration(90)).toBe('90s');
    expect(promDuration(300)).toBe('5m');
    expect(promDuration(7_200)).toBe('2h');
    expect(promDuration(86_400)).toBe('1d');
  });
});
