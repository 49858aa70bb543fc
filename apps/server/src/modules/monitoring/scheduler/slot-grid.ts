/**
 * Where a check's runs fall in time. Each check has a grid of slots, `phase + k × interval` in epoch milliseconds,
 * with the phase taken from a hash of the check's id: the same check lands on the same slots in every process (so a
 * check that moves to another worker keeps its rhythm), and 10,000 checks with one interval spread evenly over it
 * instead of firing together.
 */

/** The offset of a check's slots within its interval, in ms: a hash of the id scaled to [0, interval). */
export function phaseOf(id: string, intervalMs: number): number {
  // FNV-1a over the UTF-16 units, then murmur3's finaliser so similar ids ("check-1", "check-2") scatter.
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return Math.floor(((h >>> 0) / 2 ** 32) * intervalMs);
}

/** The first slot of the grid at or after `at`. */
export function slotAtOrAfter(phase: number, intervalMs: number, at: number): number {
  return phase + Math.ceil((at - phase) / intervalMs) * intervalMs;
}

/**
 * The slot after a run for the slot `due`, seen at `now`: the first grid slot at least half an interval after both.
 * On time, that is `due + interval`. Late (a stalled event loop, a clock jump forward, a suspended machine), the
 * missed slots are skipped rather than run one after another, and the next run is at least half an interval after
 * this late one — re-aligned to the grid. After an interval change, it is the first slot of the new grid.
 */
export function nextSlot(phase: number, intervalMs: number, due: number, now: number): number {
  return slotAtOrAfter(phase, intervalMs, Math.max(due, now) + intervalMs / 2);
}
