import { describe, expect, it } from 'vitest';
import { dailyUptime, uptimeOver } from './uptime';

describe('uptime from state changes', () => {
  it('counts each state from where the period starts, leaving out time before the first change', () => {
    const changes = [
      { at: 0, state: 'up' as const },
      { at: 600, state: 'down' as const },
      { at: 700, state: 'up' as const },
      { at: 900, state: 'unknown' as const },
    ];
    const period = uptimeOver(changes, 500, 1_000, 'custom');
    expect(period).toMatchObject({ upMs: 100 + 200, downMs: 100, unknownMs: 100, degradedMs: 0, incidents: 1 });
    expect(period.ratio).toBeCloseTo(0.75, 12);
    // Before the check existed: not counted, so a check created in the middle of the period is not penalised.
    const late = uptimeOver([{ at: 800, state: 'up' }], 0, 1_000, '24h');
    expect(late).toMatchObject({ upMs: 200, downMs: 0, unknownMs: 0, ratio: 1 });
    expect(uptimeOver([], 0, 1_000, '24h').ratio).toBeNull();
    expect(uptimeOver([{ at: 0, state: 'unknown' }], 0, 1_000, '24h').ratio).toBeNull();
  });

  it('counts an entry into down once, and a down state carried in from before the period not at all', () => {
    const changes = [
      { at: 0, state: 'down' as const },
      { at: 200, state: 'up' as const },
      { at: 300, state: 'down' as const },
      { at: 400, state: 'degraded' as const },
    ];
    const period = uptimeOver(changes, 100, 500, 'custom');
    expect(period).toMatchObject({ downMs: 100 + 100, upMs: 100, degradedMs: 100, incidents: 1 });
    expect(period.ratio).toBeCloseTo(0.5, 12);
  });

  it('splits a period into UTC days that add up to the whole, each knowing the state it starts in', () => {
    const day = 86_400_000;
    const d0 = Date.UTC(2026, 11, 1);
    const changes = [
      { at: d0 - day, state: 'up' as const },
      { at: d0 + day + 6 * 3_600_000, state: 'down' as const },
      { at: d0 + day + 9 * 3_600_000, state: 'up' as const },
      { at: d0 + 3 * day, state: 'unknown' as const },
    ];
    const from = d0 + 12 * 3_600_000;
    const to = d0 + 3 * day + 12 * 3_600_000;
    const days = dailyUptime(changes, from, to);
    expect(days.map((d) => d.label)).toEqual(['2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04']);
    expect(days[0]).toMatchObject({ from, to: d0 + day, upMs: 12 * 3_600_000, ratio: 1 });
    expect(days[1]).toMatchObject({ downMs: 3 * 3_600_000, upMs: 21 * 3_600_000, incidents: 1 });
    expect(days[1]?.ratio).toBeCloseTo(21 / 24, 12);
    expect(days[2]).toMatchObject({ upMs: day, incidents: 0, ratio: 1 });
    expect(days[3]).toMatchObject({ unknownMs: 12 * 3_600_000, ratio: null, to });
    const whole = uptimeOver(changes, from, to, 'custom');
    for (const key of ['upMs', 'downMs', 'unknownMs', 'incidents'] as const) {
      expect(days.reduce((sum, d) => sum + d[key], 0)).toBe(whole[key]);
    }
    // Days before the first change know nothing; a period over 366 days is not split.
    expect(dailyUptime(changes, d0 - 3 * day, d0 - day)[0]?.ratio).toBeNull();
    expect(dailyUptime(changes, 0, 400 * day)).toEqual([]);
  });
});
