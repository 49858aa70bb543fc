import { describe, expect, it } from 'vitest';
import { nextSlot, phaseOf, slotAtOrAfter } from './slot-grid';

const I = 10_000;

describe('the slot grid', () => {
  it('places a check by a stable hash of its id, spread over the interval', () => {
    expect(phaseOf('web-1', I)).toBe(phaseOf('web-1', I));
    expect(phaseOf('web-1', I)).not.toBe(phaseOf('web-2', I));
    const buckets = new Array(10).fill(0);
    for (let i = 0; i < 100_000; i++) buckets[Math.floor(phaseOf(`check-${i}`, I) / 1000)]++;
    for (const n of buckets) expect(Math.abs(n - 10_000)).toBeLessThan(500);
    for (let i = 0; i < 1000; i++) {
      const p = phaseOf(`x${i}`, 60_000);
      expect(p >= 0 && p < 60_000 && Number.isInteger(p)).toBe(true);
    }
  });

  it('finds the next slot: one interval on, or re-aligned at least half an interval after a late run', () => {
    expect(slotAtOrAfter(1234, I, 1_000_000)).toBe(1_001_234);
    expect(slotAtOrAfter(1234, I, 1_001_234)).toBe(1_001_234);
    // On time (a few ms of timer delay).
    expect(nextSlot(1234, I, 1_001_234, 1_001_240)).toBe(1_011_234);
    // Five minutes late: the next slot on the grid at least 5 s away.
    expect(nextSlot(1234, I, 1_001_234, 1_301_234 + 7_000)).toBe(1_321_234);
    expect(nextSlot(1234, I, 1_001_234, 1_301_234 + 2_000)).toBe(1_311_234);
    // After an interval change: the new grid, at least half the new interval after the slot that ran.
    expect(nextSlot(phaseOf('a', 60_000), 60_000, 1_001_234, 1_001_234) % 60_000).toBe(phaseOf('a', 60_000));
  });
});
