import { describe, expect, it } from 'vitest';
import { canonicalSeries, compileMatchers, matchesAll } from './label-matchers';
import { type LabelMatcher, MetricQueryError } from './metric-store';
import { SeriesIndex } from './series-index';

const m = (name: string, op: LabelMatcher['op'], value: string): LabelMatcher => ({ name, op, value });

function indexOf(series: Array<[number, Record<string, string>]>): SeriesIndex {
  const index = new SeriesIndex();
  for (const [id, labels] of series) index.add(id, labels, canonicalSeries(labels));
  return index;
}

const ids = (index: SeriesIndex, matchers: LabelMatcher[]) => index.select(compileMatchers(matchers)).map((s) => s.id);

/** A small deterministic generator (mulberry32), so a failing case can be run again. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('the in-memory series index', () => {
  const cpu = (instance: string, mode: string) => ({ __name__: 'cpu', instance, mode });

  it('answers each matcher operator, an absent label matching as the empty string, sorted by canonical text', () => {
    const index = indexOf([
      [5, cpu('b', 'user')],
      [2, cpu('a', 'user')],
      [9, cpu('a', 'system')],
      [4, { __name__: 'cpu', instance: 'c' }],
      [7, { __name__: 'mem', instance: 'a' }],
    ]);
    expect(ids(index, [m('__name__', '=', 'cpu')])).toEqual([9, 2, 5, 4]);
    expect(ids(index, [m('__name__', '=', 'cpu'), m('mode', '!=', 'user')])).toEqual([9, 4]);
    expect(ids(index, [m('__name__', '=', 'cpu'), m('mode', '=', '')])).toEqual([4]);
    expect(ids(index, [m('__name__', '=', 'cpu'), m('mode', '=~', 'us.*')])).toEqual([2, 5]);
    expect(ids(index, [m('__name__', '=', 'cpu'), m('mode', '!~', 'us.*|')])).toEqual([9]);
    expect(ids(index, [m('instance', '=~', 'a|c')])).toEqual([9, 2, 4, 7]);
    expect(ids(index, [m('instance', '=~', 'a|zz'), m('__name__', '=~', 'm.m')])).toEqual([7]);
    // Anchored: `a` is not a prefix match of a longer value.
    expect(ids(index, [m('__name__', '=~', 'cp')])).toEqual([]);
    expect(ids(index, [m('__name__', '=', 'cpu'), m('nope', '=', 'x')])).toEqual([]);
    expect(() => index.select(compileMatchers([m('mode', '!=', 'user')]))).toThrow(MetricQueryError);
    expect(index.labelNames()).toEqual(['__name__', 'instance', 'mode']);
    expect(index.labelValues('instance')).toEqual(['a', 'b', 'c']);
  });

  it('keeps a label named __proto__ as a label like any other', () => {
    const labels = JSON.parse('{"__name__":"up","__proto__":"x"}') as Record<string, string>;
    const index = indexOf([[1, labels]]);
    expect(ids(index, [m('__proto__', '=', 'x')])).toEqual([1]);
    const [found] = index.select(compileMatchers([m('__name__', '=', 'up')]));
    expect(Object.getPrototypeOf(found?.labels)).toBe(Object.prototype);
    expect(JSON.stringify(found?.labels)).toBe('{"__name__":"up","__proto__":"x"}');
    expect(index.labelNames()).toContain('__proto__');
  });

  it('forgets what it removes, postings, names and values included, and takes an id again with new labels', () => {
    const index = indexOf([
      [1, cpu('a', 'user')],
      [2, cpu('b', 'idle')],
      [3, { __name__: 'up', job: 'x', empty: '' }],
    ]);
    expect(index.select(compileMatchers([m('job', '=', 'x')]))[0]?.labels).toEqual({ __name__: 'up', job: 'x' });
    index.remove(2);
    index.remove(2);
    expect(index.size).toBe(2);
    expect(ids(index, [m('__name__', '=', 'cpu')])).toEqual([1]);
    expect(index.labelValues('mode')).toEqual(['user']);
    index.remove(3);
    expect(index.labelNames()).toEqual(['__name__', 'instance', 'mode']);
    index.add(3, { __name__: 'cpu', instance: 'z' }, canonicalSeries({ __name__: 'cpu', instance: 'z' }));
    expect(ids(index, [m('__name__', '=', 'cpu')])).toEqual([1, 3]);
    expect(ids(index, [m('job', '=', 'x')])).toEqual([]);
    // Added out of id order, still found by an intersection that walks the postings in order.
    index.add(0, cpu('z', 'user'), canonicalSeries(cpu('z', 'user')));
    expect(ids(index, [m('mode', '=', 'user'), m('__name__', '=', 'cpu')])).toEqual([1, 0]);
    expect(index.maxId).toBe(3);
  });

  it('answers exactly what a filter over every series answers, for random series and matchers', () => {
    const next = random(20261205);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
    const names = ['__name__', 'job', 'instance', 'mode', 'le'];
    const values = ['', 'a', 'b', 'ab', 'node', 'x.y', '10', 'ünï'];
    const patterns = ['a', 'a|b', 'a.*', '.*', '', 'ab|node|', '[ab]+', 'x\\.y', '.+', 'b|ünï', '1.'];
    const index = new SeriesIndex();
    const all = new Map<number, Record<string, string>>();
    for (let id = 1; id <= 400; id++) {
      const labels: Record<string, string> = { __name__: pick(['cpu', 'mem', 'up']) };
      for (const name of names.slice(1)) if (next() < 0.7) labels[name] = pick(values);
      all.set(id, Object.fromEntries(Object.entries(labels).filter(([, v]) => v !== '')));
      index.add(id, labels, canonicalSeries(labels));
    }
    for (let round = 0; round < 600; round++) {
      if (round % 50 === 49) {
        // Remove some series along the way: postings must follow.
        for (const id of [...all.keys()].filter(() => next() < 0.1)) {
          index.remove(id);
          all.delete(id);
        }
      }
      const matchers: LabelMatcher[] = Array.from({ length: 1 + Math.floor(next() * 3) }, () => {
        const op = pick(['=', '!=', '=~', '!~'] as const);
        return m(pick(names), op, op === '=' || op === '!=' ? pick(values) : pick(patterns));
      });
      const compiled = compileMatchers(matchers);
      const expected = [...all]
        .filter(([, labels]) => matchesAll(compiled, labels))
        .map(([id, labels]) => ({ id, key: canonicalSeries(labels) }))
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
        .map((s) => s.id);
      if (compiled.every((c) => c.matchesEmpty)) {
        expect(() => index.select(compiled), JSON.stringify(matchers)).toThrow(MetricQueryError);
        continue;
      }
      expect(
        index.select(compiled).map((s) => s.id),
        JSON.stringify(matchers),
      ).toEqual(expected);
    }
  });
});
