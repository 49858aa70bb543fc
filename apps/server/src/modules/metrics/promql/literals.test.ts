import { describe, expect, it } from 'vitest';
import { PromqlError } from './errors';
import { compileAnchored, parseDurationMs, parseNumber, unquote } from './literals';

describe('PromQL literals', () => {
  it.each([
    ['1.5e3', 1500],
    ['0x1F', 31],
    ['-Inf', Number.NEGATIVE_INFINITY],
    ['inf', Number.POSITIVE_INFINITY],
    ['1m', 60],
    ['.5', 0.5],
  ])('number %s is %d', (text, value) => {
    expect(parseNumber(text)).toBe(value);
  });

  it('reads NaN and refuses what is no number', () => {
    expect(parseNumber('NaN')).toBeNaN();
    expect(() => parseNumber('1x')).toThrow(PromqlError);
  });

  it.each([
    ['1h30m', 5_400_000],
    ['90s', 90_000],
    ['250ms', 250],
    ['1w', 604_800_000],
    ['1y', 31_536_000_000],
    ['30', 30_000],
  ])('duration %s is %d ms', (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
  });

  it('unquotes Go strings in all three quotings', () => {
    expect(unquote('"a\\"b\\n\\t\\\\"')).toBe('a"b\n\t\\');
    expect(unquote("'it\\'s'")).toBe("it's");
    expect(unquote('`raw\\n`')).toBe('raw\\n');
    expect(unquote('"\\x41\\u00e9\\101"')).toBe('AéA');
    expect(() => unquote('"\\q"')).toThrow(/invalid escape/);
  });

  it('anchors regular expressions and lets . match newlines, as Prometheus does', () => {
    expect(compileAnchored('a.c').test('a\nc')).toBe(true);
    expect(compileAnchored('b').test('abc')).toBe(false);
    expect(compileAnchored('a|b').test('b')).toBe(true);
    expect(() => compileAnchored('(')).toThrow(/invalid regular expression/);
  });

  it('takes a leading (?i) as case-insensitive and refuses RE2 flags it cannot honour', () => {
    expect(compileAnchored('(?i)get|post').test('GET')).toBe(true);
    expect(compileAnchored('get').test('GET')).toBe(false);
    expect(() => compileAnchored('(?U)a+')).toThrow(/flag U is not supported/);
  });
});
