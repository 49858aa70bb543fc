import { describe, expect, it } from 'vitest';
import { formatMatchers, MatcherSyntaxError, matchersMatch, parseMatchers } from './matchers';

describe('parseMatchers', () => {
  it('reads the four operators, quoted and unquoted', () => {
    const matchers = parseMatchers('{a="b", c!=d, e=~"f|g", h!~i.*}');
    expect(matchers.map((m) => [m.name, m.type, m.value])).toEqual([
      ['a', '=', 'b'],
      ['c', '!=', 'd'],
      ['e', '=~', 'f|g'],
      ['h', '!~', 'i.*'],
    ]);
    expect(formatMatchers(matchers)).toBe('{a="b", c!="d", e=~"f|g", h!~"i.*"}');
  });

  it('accepts quoted UTF-8 label names and escapes', () => {
    const [matcher] = parseMatchers('"service.name"="api \\"v2\\""');
    expect(matcher).toMatchObject({ name: 'service.name', type: '=', value: 'api "v2"' });
    expect(matchersMatch(parseMatchers('"日本"="東京"'), { 日本: '東京' })).toBe(true);
    expect(formatMatchers(parseMatchers('"service.name"=x'))).toBe('{"service.name"="x"}');
  });

  it('anchors regexes and treats a missing label as empty', () => {
    expect(matchersMatch(parseMatchers('env=~"prod"'), { env: 'production' })).toBe(false);
    expect(matchersMatch(parseMatchers('env=~"prod.*"'), { env: 'production' })).toBe(true);
    expect(matchersMatch(parseMatchers('team=""'), {})).toBe(true);
    expect(matchersMatch(parseMatchers('team!=""'), {})).toBe(false);
    expect(matchersMatch(parseMatchers('env!~"dev|test"'), { env: 'prod' })).toBe(true);
  });

  it('honours Go inline flags and keeps regex escapes', () => {
    expect(matchersMatch(parseMatchers('a=~"(?i)error"'), { a: 'ERROR' })).toBe(true);
    expect(matchersMatch(parseMatchers('a=~"\\d+"'), { a: '42' })).toBe(true);
    expect(matchersMatch(parseMatchers('a=~"\\d+"'), { a: '4x' })).toBe(false);
  });

  it.each([
    ['', 'expected a matcher'],
    ['a', 'expected an operator'],
    ['a=="b"', 'unexpected'],
    ['{a="b"', "expected ',' or '}'"],
    ['a="b', 'unterminated'],
    ['a=~"("', 'invalid regular expression'],
    ['=b', 'expected a label name'],
  ])('rejects %j', (text, message) => {
    expect(() => parseMatchers(text)).toThrow(MatcherSyntaxError);
    expect(() => parseMatchers(text)).toThrow(message);
  });
});
