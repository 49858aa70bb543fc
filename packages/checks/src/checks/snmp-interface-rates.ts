/**
 * Turning IF-MIB counters into rates between two runs of an interface check: pure arithmetic over two readings, and
 * the bounded memory of the last reading per interface that the check type keeps between runs.
 */

/** The counters read from one interface; a counter the agent does not have is absent. */
export interface InterfaceCounters {
  inOctets?: bigint;
  outOctets?: bigint;
  inErrors?: bigint;
  outErrors?: bigint;
  inDiscards?: bigint;
  outDiscards?: bigint;
}

/** One interface's counters and when they were read. */
export interface CounterReading {
  /** Milliseconds on the check type's clock (monotonic), when the answer came. */
  at: number;
  /** The agent's sysUpTime in hundredths of a second; going back means the agent restarted. */
  upTimeTicks?: number;
  /** ifCounterDiscontinuityTime: changes when the interface's counters were reset (a line card swapped, …). */
  discontinuity?: number;
  counters: InterfaceCounters;
}

/** Per-second rates of the counters that could be compared; a counter left out has no rate this time. */
export type CounterRates = { [K in keyof InterfaceCounters]?: number };

/**
 * The rates from `previous` to `current`, per second; undefined when there is no previous reading, no time passed,
 * the agent restarted or the interface's counters were reset. A counter that went down (wrapped, or reset without
 * the agent saying so) has no rate this time: a wrap cannot be told from a reset, and a wrong rate is worse than none.
 */
export function counterRates(previous: CounterReading | undefined, current: CounterReading): CounterRates | undefined {
  if (!previous) return undefined;
  const seconds = (current.at - previous.at) / 1000;
  if (!(seconds > 0)) return undefined;
  if (previous.upTimeTicks !== undefined && current.upTimeTicks !== undefined && current.upTimeTicks < previous.upTimeTicks) {
    return undefined;
  }
  if (previous.discontinuity !== current.discontinuity) return undefined;
  const rates: CounterRates = {};
  for (const key of Object.keys(current.counters) as (keyof InterfaceCounters)[]) {
    const now = current.counters[key];
    const before = previous.counters[key];
    if (now === undefined || before === undefined || now < before) continue;
    rates[key] = Number(now - before) / seconds;
  }
  return rates;
}

/**
 * The last reading of each interface, keyed by the check configuration and the interface, held in memory by the
 * check type between runs. Bounded: past `maxEntries` the least recently read is forgotten (its next run has no rate).
 */
export class CounterMemory {
  private readonly readings = new Map<string, CounterReading>();

  constructor(private readonly maxEntries = 100_000) {}

  /** Stores `current` for `key` and answers the reading it replaces. */
  swap(key: string, current: CounterReading): CounterReading | undefined {
    const previous = this.readings.get(key);
    this.readings.delete(key);
    this.readings.set(key, current);
    if (this.readings.size > this.maxEntries) {
      const oldest = this.readings.keys().next().value as string;
      this.readings.delete(oldest);
    }
    return previous;
  }

  get size(): number {
    return this.readings.size;
  }
}
