import { decodeXorChunk, FLOAT_HIGH_WORD, FLOAT_LOW_WORD, isStaleWords, XorChunkEncoder } from '@estate/tsdb';
import { describe, expect, it } from 'vitest';
import { seededRandom as rng } from '../../../../test/seeded-random';
import { decodeColumns, type SampleColumns } from './chunk-columns';
import type { ChunkRow } from './metric-store.repository';

/** A stored-chunk row of `seriesId` holding the samples; `stale` marks the samples written as stale markers. */
function row(seriesId: number, samples: ReadonlyArray<readonly [number, number, boolean?]>): ChunkRow {
  const encoder = new XorChunkEncoder();
  for (const [t, v, stale] of samples) encoder.append(t, v, stale);
  return {
    series_id: seriesId,
    min_time: encoder.minTime ?? 0,
    max_time: encoder.maxTime ?? 0,
    count: encoder.count,
    bytes: encoder.bytes(),
  };
}

/** The columns as plain rows, with the stale mask and a value's exact bits, for comparison. */
function plain(c: SampleColumns): string[] {
  const words = new Uint32Array(c.v.buffer, c.v.byteOffset, c.v.length * 2);
  return Array.from(c.t, (t, i) => {
    const bits = `${(words[2 * i + FLOAT_HIGH_WORD] as number).toString(16)}:${(words[2 * i + FLOAT_LOW_WORD] as number).toString(16)}`;
    return `${t} ${bits}${c.stale?.[i] ? ' stale' : ''}`;
  });
}

/** The same answer worked out the plain way: decode every chunk, merge, sort, filter sample by sample. */
function reference(chunks: readonly ChunkRow[], start: number, end: number): Map<number, string[]> {
  const bySeries = new Map<number, Array<[number, string]>>();
  for (const chunk of chunks) {
    const { timestamps, values } = decodeXorChunk(chunk.bytes);
    const words = new Uint32Array(values.buffer);
    const list = bySeries.get(chunk.series_id) ?? [];
    bySeries.set(chunk.series_id, list);
    timestamps.forEach((t, i) => {
      const hi = words[2 * i + FLOAT_HIGH_WORD] as number;
      const lo = words[2 * i + FLOAT_LOW_WORD] as number;
      if (t >= start && t <= end) list.push([t, `${t} ${hi.toString(16)}:${lo.toString(16)}${isStaleWords(hi, lo) ? ' stale' : ''}`]);
    });
  }
  const out = new Map<number, string[]>();
  for (const [id, list] of bySeries) {
    if (list.length > 0)
      out.set(
        id,
        list.sort((a, b) => a[0] - b[0]).map(([, text]) => text),
      );
  }
  return out;
}

describe('decodeColumns', () => {
  it('joins a series’ chunks in time order, whatever order they come in, and cuts them to [start, end]', () => {
    const older = row(7, [
      [1_000, 1],
      [2_000, 2],
      [3_000, 3],
    ]);
    const newer = row(7, [
      [4_000, 4],
      [5_000, 5],
    ]);
    const head = row(7, [
      [6_000, 6],
      [6_000, 6.5],
    ]);
    for (const order of [
      [older, newer, head],
      [head, older, newer],
      [newer, head, older],
    ]) {
      const columns = decodeColumns(order, 2_000, 6_000).get(7);
      expect([...(columns?.t ?? [])]).toEqual([2_000, 3_000, 4_000, 5_000, 6_000, 6_000]);
      expect([...(columns?.v ?? [])]).toEqual([2, 3, 4, 5, 6, 6.5]);
      expect(columns?.stale).toBeNull();
    }
    // Bounds between samples, before all and after all.
    expect([...(decodeColumns([older, newer], 1_500, 4_500).get(7)?.t ?? [])]).toEqual([2_000, 3_000, 4_000]);
    expect([...(decodeColumns([older, newer], 0, 1_000).get(7)?.t ?? [])]).toEqual([1_000]);
    expect([...(decodeColumns([older, newer], 5_000, 9_000).get(7)?.t ?? [])]).toEqual([5_000]);
  });

  it('marks stale markers by their bits, and leaves out series with no sample in the range', () => {
    const chunks = [
      row(1, [
        [1_000, 1],
        [2_000, 0, true],
        [3_000, Number.NaN],
        [4_000, 4],
      ]),
      row(2, [[10_000, 1]]),
      row(3, []),
    ];
    const columns = decodeColumns(chunks, 1_500, 5_000);
    expect([...columns.keys()]).toEqual([1]);
    const one = columns.get(1) as SampleColumns;
    expect([...one.t]).toEqual([2_000, 3_000, 4_000]);
    expect([...(one.stale ?? [])]).toEqual([1, 0, 0]);
    expect(Number.isNaN(one.v[0]) && Number.isNaN(one.v[1])).toBe(true);
    expect(decodeColumns(chunks, 2_500, 5_000).get(1)?.stale).toBeNull();
    expect(decodeColumns(chunks, 4_500, 9_000).size).toBe(0);
  });

  it('agrees with decoding sample by sample on random series, chunk orders and ranges (seeded)', () => {
    for (let seed = 1; seed <= 80; seed++) {
      const random = rng(seed);
      const chunks: ChunkRow[] = [];
      for (let id = 1; id <= 4; id++) {
        let t = Math.floor(random() * 1e6);
        for (let c = Math.floor(random() * 4); c > 0; c--) {
          const samples: Array<[number, number, boolean]> = [];
          for (let i = Math.floor(random() * 40); i >= 0; i--) {
            samples.push([t, Math.round(random() * 100), random() < 0.05]);
            t += random() < 0.1 ? 0 : Math.floor(random() * 20_000);
          }
          chunks.push(row(id, samples));
          t += 1;
        }
      }
      chunks.sort(() => random() - 0.5);
      const start = Math.floor(random() * 1.5e6);
      const end = start + Math.floor(random() * 1e6);
      const got = new Map([...decodeColumns(chunks, start, end)].map(([id, c]) => [id, plain(c)]));
      expect(got, `seed ${seed}`).toEqual(reference(chunks, start, end));
    }
  });
});
