import { describe, expect, it } from 'vitest';
import { type MatrixRow, matrixJson } from './matrix-json';
import { formatFloat } from './values';

/** What the answer was before: tuples of seconds and value strings, through JSON.stringify. */
const viaTuples = (rows: MatrixRow[]) =>
  JSON.stringify({
    resultType: 'matrix',
    result: rows.map((r) => ({
      metric: r.metric,
      values: Array.from(r.times, (t, i) => [t / 1000, formatFloat(r.values[i] as number)]),
    })),
  });

describe('matrixJson', () => {
  it('writes exactly what JSON.stringify writes of the tuple form, whatever the labels, times and values', () => {
    let seed = 7;
    const random = () => {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
      return seed / 2 ** 32;
    };
    const specials = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 1e-7, 1.5e21, -123.456, 0.1 + 0.2];
    const rows: MatrixRow[] = [];
    for (let r = 0; r < 40; r++) {
      const times: number[] = [];
      const values: number[] = [];
      let t = 1_733_380_800_000 + Math.floor(random() * 1000);
      for (let i = 0; i < Math.floor(random() * 30); i++) {
        t += 1 + Math.floor(random() * 90_000);
        times.push(t);
        values.push(
          random() < 0.2 ? (specials[Math.floor(random() * specials.length)] as number) : (random() - 0.5) * 10 ** (random() * 30 - 10),
        );
      }
      rows.push({ metric: { __name__: `m_${r}`, path: 'a"b\\c\nd', 'zone ü': 'ünïcode ✓', empty: '' }, times, values });
    }
    const bytes = Buffer.concat(matrixJson(rows));
    expect(bytes.toString('utf8')).toBe(viaTuples(rows));
    // Valid JSON, in UTF-8.
    expect(JSON.parse(bytes.toString('utf8')).result[0].metric['zone ü']).toBe('ünïcode ✓');
  });

  it('writes an empty matrix and series sharing step times', () => {
    expect(Buffer.concat(matrixJson([])).toString()).toBe('{"resultType":"matrix","result":[]}');
    const grid = { metric: {}, times: [1_000, 2_500, 4_000], values: [1, 2, 3] };
    const rows = [grid, { metric: { a: '1' }, times: grid.times, values: [Number.NaN, 0, 5e-324] }];
    expect(Buffer.concat(matrixJson(rows)).toString()).toBe(viaTuples(rows));
    expect(Buffer.concat(matrixJson(rows)).toString()).toContain('[2.5,"0"]');
  });
});
