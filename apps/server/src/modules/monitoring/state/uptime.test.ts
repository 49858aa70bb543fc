import { describe, expect, it } from 'vitest';
import { uptimeOver } from './uptime';

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
});
