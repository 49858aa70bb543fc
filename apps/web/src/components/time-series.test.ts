import { describe, expect, it } from 'vitest';
import { alignSeries, lastValue, pointsFromPrometheus } from './time-series';

describe('alignSeries', () => {
  it('puts series sampled at different times on one ascending axis, with null where a series has no sample', () => {
    const aligned = alignSeries([
      {
        points: [
          [30, 2],
          [0, 1],
        ],
      },
      {
        points: [
          [15, 5],
          [30, 6],
        ],
      },
    ]);
    expect(aligned.times).toEqual([0, 15, 30]);
    expect(aligned.values).toEqual([
      [1, null, 2],
      [null, 5, 6],
    ]);
  });

  it('turns non-finite values into gaps and keeps the last of duplicate timestamps', () => {
    const aligned = alignSeries([
      {
        points: [
          [0, Number.NaN],
          [10, 1],
          [10, 3],
        ],
      },
    ]);
    expect(aligned).toEqual({ times: [0, 10], values: [[null, 3]] });
  });

  it('is empty for no series or series without points', () => {
    expect(alignSeries([])).toEqual({ times: [], values: [] });
    expect(alignSeries([{ points: [] }])).toEqual({ times: [], values: [[]] });
  });
});

describe('lastValue', () => {
  it('skips trailing gaps', () => {
    expect(lastValue([1, 2, null, null])).toBe(2);
    expect(lastValue([null])).toBeNull();
    expect(lastValue([])).toBeNull();
  });
});

describe('pointsFromPrometheus', () => {
  it('parses the string values and turns NaN and infinities into gaps', () => {
    expect(
      pointsFromPrometheus([
        [1700000000, '0.25'],
        [1700000015, 'NaN'],
        [1700000030, '+Inf'],
        [1700000045.5, '1e3'],
      ]),
    ).toEqual([
      [1700000000, 0.25],
      [1700000015, null],
      [1700000030, null],
      [1700000045.5, 1000],
    ]);
  });
});
