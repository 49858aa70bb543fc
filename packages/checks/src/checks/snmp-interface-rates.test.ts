import { describe, expect, it } from 'vitest';
import { CounterMemory, type CounterReading, counterRates } from './snmp-interface-rates';

const reading = (at: number, counters: CounterReading['counters'], extra: Partial<CounterReading> = {}): CounterReading => ({
  at,
  upTimeTicks: at / 10,
  counters,
  ...extra,
});

describe('interface counter rates', () => {
  it('has no rate on the first reading or when no time passed', () => {
    expect(counterRates(undefined, reading(1_000, { inOctets: 5n }))).toBeUndefined();
    expect(counterRates(reading(1_000, { inOctets: 5n }), reading(1_000, { inOctets: 9n }))).toBeUndefined();
  });

  it('divides each counter delta by the seconds between the readings', () => {
    const rates = counterRates(
      reading(10_000, { inOctets: 1_000n, outOctets: 2n ** 40n, inErrors: 3n }),
      reading(20_000, { inOctets: 6_000n, outOctets: 2n ** 40n + 10_000n, inErrors: 3n }),
    );
    expect(rates).toEqual({ inOctets: 500, outOctets: 1_000, inErrors: 0 });
  });

  it('skips a counter that went down (a wrap or an unannounced reset) and keeps the others', () => {
    const rates = counterRates(
      reading(0, { inOctets: 2n ** 32n - 10n, outOctets: 100n }),
      reading(5_000, { inOctets: 20n, outOctets: 600n }),
    );
    expect(rates).toEqual({ outOctets: 100 });
  });

  it('skips every counter when the agent restarted or the interface says its counters were reset', () => {
    const before = reading(0, { inOctets: 100n }, { upTimeTicks: 50_000, discontinuity: 0 });
    expect(counterRates(before, reading(5_000, { inOctets: 900n }, { upTimeTicks: 300, discontinuity: 0 }))).toBeUndefined();
    expect(counterRates(before, reading(5_000, { inOctets: 900n }, { upTimeTicks: 50_500, discontinuity: 50_400 }))).toBeUndefined();
    expect(counterRates(before, reading(5_000, { inOctets: 900n }, { upTimeTicks: 50_500, discontinuity: 0 }))).toEqual({ inOctets: 160 });
  });

  it('remembers the last reading per key and forgets the least recently read past its bound', () => {
    const memory = new CounterMemory(2);
    expect(memory.swap('a', reading(1, {}))).toBeUndefined();
    expect(memory.swap('b', reading(2, {}))).toBeUndefined();
    expect(memory.swap('a', reading(3, {}))?.at).toBe(1);
    memory.swap('c', reading(4, {}));
    expect(memory.size).toBe(2);
    expect(memory.swap('b', reading(5, {}))).toBeUndefined();
    expect(memory.swap('c', reading(6, {}))?.at).toBe(4);
  });
});
