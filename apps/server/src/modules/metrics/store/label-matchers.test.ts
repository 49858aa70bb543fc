import { describe, expect, it } from 'vitest';
import { canonicalSeries, compileMatchers, fingerprintOf, matchesAll } from './label-matchers';

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
