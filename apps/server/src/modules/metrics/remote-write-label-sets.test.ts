import { decodeWriteColumnsV1, decodeWriteColumnsV2, encodeWriteRequestV1, encodeWriteRequestV2, type WriteSeries } from '@estate/tsdb';
import { describe, expect, it } from 'vitest';
import { hashOf, KnownLabelSets, type ReceivedLabels } from './remote-write-label-sets';
import { checkLabels } from './remote-write-receiver';

const series = (labels: Array<[string, string]>): WriteSeries => ({ labels, samples: [[1000, 1]] });
const host = (i: number) =>
  series([
    ['__name__', 'up'],
    ['instance', `host-${i}`],
  ]);

/** A table that counts the label sets it had to read. */
function counting(capacity?: number) {
  let reads = 0;
  const known = new KnownLabelSets((labels) => {
    reads++;
    return checkLabels(labels);
  }, capacity);
  const v1 = (s: WriteSeries[]) => known.labelsOf(decodeWriteColumnsV1(encodeWriteRequestV1(s)));
  const v2 = (s: WriteSeries[]) => known.labelsOf(decodeWriteColumnsV2(encodeWriteRequestV2(s)));
  return { known, v1, v2, reads: () => reads };
}

describe('the label sets a receiver knows', () => {
  it('reads a label set once and hands back the same frozen labels for it in every later request', () => {
    const t = counting();
    const [a, b] = t.v1([host(1), host(2)]);
    expect(a).toEqual({ __name__: 'up', instance: 'host-1' });
    expect(Object.isFrozen(a)).toBe(true);
    const [b2, c, a2] = t.v1([host(2), host(3), host(1)]);
    expect(a2).toBe(a);
    expect(b2).toBe(b);
    expect(c).toEqual({ __name__: 'up', instance: 'host-3' });
    expect(t.reads()).toBe(3);
    // 2.0 keys its label sets its own way, and knows them again just the same.
    const [v2a] = t.v2([host(1)]);
    expect(v2a).toEqual(a);
    expect(t.v2([host(1)])[0]).toBe(v2a);
    expect(t.reads()).toBe(4);
  });

  it('keeps label sets apart that differ in one byte, in order, or in where a name ends', () => {
    const t = counting();
    const sets: Array<Array<[string, string]>> = [
      [
        ['__name__', 'up'],
        ['a', 'bc'],
      ],
      [
        ['__name__', 'up'],
        ['ab', 'c'],
      ],
      [
        ['__name__', 'up'],
        ['a', 'bd'],
      ],
      [
        ['a', 'bc'],
        ['__name__', 'up'],
      ],
    ];
    const first = t.v1(sets.map(series));
    const again = t.v1(sets.map(series));
    expect(again).toEqual(first);
    expect(first.slice(0, 3)).toEqual([
      { __name__: 'up', a: 'bc' },
      { __name__: 'up', ab: 'c' },
      { __name__: 'up', a: 'bd' },
    ]);
    expect(first[3]).toEqual({ __name__: 'up', a: 'bc' });
    expect(t.reads()).toBe(4);
  });

  it('tells apart label sets whose hashes collide', () => {
    // Find two label sets with the same hash among many (30 bits: a pair is due after some 40,000).
    const many = decodeWriteColumnsV1(encodeWriteRequestV1(Array.from({ length: 120_000 }, (_, i) => host(i))));
    const view = new DataView(many.keyBytes.buffer, many.keyBytes.byteOffset, many.keyBytes.byteLength);
    const seen = new Map<number, number>();
    let pair: [number, number] | undefined;
    for (let i = 0; i < many.seriesCount && !pair; i++) {
      const h = hashOf(view, many.keyBytes, many.keyBounds[2 * i] as number, many.keyBounds[2 * i + 1] as number);
      const other = seen.get(h);
      if (other !== undefined) pair = [other, i];
      seen.set(h, i);
    }
    expect(pair).toBeDefined();
    const [a, b] = pair as [number, number];
    const t = counting();
    const first = t.v1([host(a), host(b)]);
    expect(first).toEqual([
      { __name__: 'up', instance: `host-${a}` },
      { __name__: 'up', instance: `host-${b}` },
    ]);
    const again = t.v1([host(b), host(a)]);
    expect(again[0]).toBe(first[1]);
    expect(again[1]).toBe(first[0]);
    expect(t.reads()).toBe(2);
  });

  it('remembers why a label set is refused, as it remembers good ones', () => {
    const t = counting();
    const twice = series([
      ['__name__', 'up'],
      ['job', 'a'],
      ['job', 'b'],
    ]);
    const unnamed = series([['job', 'a']]);
    const first: ReceivedLabels[] = t.v1([twice, unnamed]);
    expect(first).toEqual(['label "job" appears twice', 'the series has no metric name (__name__)']);
    expect(t.v1([twice, unnamed])).toEqual(first);
    expect(t.reads()).toBe(2);
  });

  it('stays within its capacity, reading again a label set it let go', () => {
    const t = counting(8);
    t.v1(Array.from({ length: 40 }, (_, i) => host(i)));
    expect(t.known.size).toBeLessThanOrEqual(8);
    expect(t.reads()).toBe(40);
    // The newest are still known; the first were let go and are read again, as they were.
    expect(t.v1([host(39)])[0]).toEqual({ __name__: 'up', instance: 'host-39' });
    expect(t.reads()).toBe(40);
    expect(t.v1([host(0)])[0]).toEqual({ __name__: 'up', instance: 'host-0' });
    expect(t.reads()).toBe(41);
    // A label set met again is kept young: it outlives those met once since.
    for (let round = 0; round < 10; round++) t.v1([host(0), host(100 + round)]);
    expect(t.reads()).toBe(51);
  });

  it('reads a label set too long to keep every time, and still right', () => {
    const t = counting();
    const long = series([
      ['__name__', 'up'],
      ['blob', 'x'.repeat(20_000)],
    ]);
    expect(t.v1([long])[0]).toEqual({ __name__: 'up', blob: 'x'.repeat(20_000) });
    t.v1([long]);
    expect(t.reads()).toBe(2);
  });
});
