import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalSeries, compileMatchers, fingerprintOf, matchesAll, parseCanonicalSeries } from './label-matchers';

describe('canonical series text', () => {
  it('sorts labels, drops empty ones, escapes values and quotes names outside the classic set', () => {
    expect(canonicalSeries({ job: 'node', __name__: 'up', instance: 'a"b\\c\nd', empty: '' })).toBe(
      'up{instance="a\\"b\\\\c\\nd",job="node"}',
    );
    expect(canonicalSeries({ __name__: 'up' })).toBe('up');
    expect(canonicalSeries({ __name__: 'http.requests', 'le.x': '1' })).toBe('{"http.requests","le.x"="1"}');
    expect(fingerprintOf('up')).toMatch(/^[0-9a-f]{32}$/);
    expect(fingerprintOf('up')).not.toBe(fingerprintOf('up{a="1"}'));
  });

  it('is read back into the labels it was written from, escapes and quoted names included', () => {
    expect(parseCanonicalSeries('up{instance="a\\"b\\\\c\\nd",job="node"}')).toEqual({
      __name__: 'up',
      instance: 'a"b\\c\nd',
      job: 'node',
    });
    expect(parseCanonicalSeries('{"http.requests","le.x"="1"}')).toEqual({ __name__: 'http.requests', 'le.x': '1' });
    expect(parseCanonicalSeries('{"",a="1"}')).toEqual({ a: '1' });
    for (const bad of ['up{a="1"', 'up{a="1"}x', 'up{a=1}', 'up{a="\\x"}', '{"up"']) expect(() => parseCanonicalSeries(bad), bad).toThrow();
    // Characters the notation gives meaning to, more often than arbitrary strings would hold them.
    const text = fc.string({
      unit: fc.oneof(fc.constantFrom('"', '\\', '\n', '{', '}', ',', '=', '.', 'a', '_', '1'), fc.string({ unit: 'binary', maxLength: 1 })),
    });
    const labels = fc.record(
      {
        name: text,
        rest: fc.dictionary(
          text.filter((k) => k !== '' && k !== '__name__'),
          text,
          { maxKeys: 6 },
        ),
      },
      { requiredKeys: ['rest'] },
    );
    fc.assert(
      fc.property(labels, ({ name, rest }) => {
        const given: Record<string, string> = { ...rest };
        if (name !== undefined) given.__name__ = name;
        const expected = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== ''));
        const parsed = parseCanonicalSeries(canonicalSeries(given));
        expect(parsed).toEqual(expected);
        expect(canonicalSeries(parsed)).toBe(canonicalSeries(given));
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('label matchers', () => {
  it('anchor regular expressions, let . match a newline and treat an absent label as empty', () => {
    const [anchored] = compileMatchers([{ name: 'a', op: '=~', value: 'b|c' }]);
    expect(['b', 'c', 'bc', 'xb'].map((v) => anchored?.test(v))).toEqual([true, true, false, false]);
    const [dotAll] = compileMatchers([{ name: 'a', op: '=~', value: 'x.y' }]);
    expect(dotAll?.test('x\ny')).toBe(true);
    const absent = compileMatchers([{ name: 'missing', op: '!~', value: '.+' }]);
    expect(matchesAll(absent, { __name__: 'up' })).toBe(true);
    expect(absent[0]?.matchesEmpty).toBe(true);
    expect(compileMatchers([{ name: 'a', op: '!=', value: '' }])[0]?.matchesEmpty).toBe(false);
  });
});

describe('the regular expression guard', () => {
  it('refuses what RE2 would not take and what could backtrack without bound, and lets ordinary patterns through', () => {
    const refused = (value: string) => {
      try {
        compileMatchers([{ name: 'a', op: '=~', value }]);
        return undefined;
      } catch (err) {
        return (err as Error).message;
      }
    };
    expect(refused('(a+)+$')).toMatch(/exponential/);
    expect(refused('(x*)*y')).toMatch(/exponential/);
    expect(refused('((ab)+c)+')).toMatch(/exponential/);
    expect(refused('([a-z]+){2,}')).toMatch(/exponential/);
    expect(refused('(?=a)a')).toMatch(/lookahead/);
    expect(refused('(?<!a)b')).toMatch(/lookbehind/);
    expect(refused('(a)\\1')).toMatch(/backreference/);
    for (const ok of ['node.*', 'a+b+c+', '(GET|POST)', '(foo)+', '[(+*)]+', 'host-[0-9]{1,3}', '(?<name>x)+', '\\(a+\\)+', '(ab){3}']) {
      expect(refused(ok), ok).toBeUndefined();
    }
  });

  it('keeps a hostile pattern from stalling: the nested one is refused before it runs over a long value', () => {
    expect(() => compileMatchers([{ name: 'a', op: '!~', value: '(a|aa)+(b+)+' }])).toThrow(/exponential/);
  });
});
