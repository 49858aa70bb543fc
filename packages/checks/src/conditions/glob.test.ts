import { describe, expect, it } from 'vitest';
import { compileGlob } from './glob';

describe('pat() globs', () => {
  it('match the whole value, a star standing for any run of characters', () => {
    const cases: [string, string, boolean][] = [
      ['web-*', 'web-1', true],
      ['web-*', 'xweb-1', false],
      ['*ok*', 'all ok here', true],
      ['*ok*', 'all fine', false],
      ['*', '', true],
      ['a*b*c', 'abc', true],
      ['a*b*c', 'a-c-b', false],
      ['ab*ba', 'aba', false],
      ['*.example.com', 'www.example.com', true],
      ['exact', 'exact', true],
      ['exact', 'exactly', false],
      ['**x**', 'line1\nx\nline3', true],
    ];
    for (const [pattern, value, expected] of cases) expect(compileGlob(pattern).test(value), `${pattern} ~ ${value}`).toBe(expected);
  });

  it('finds a piece in a large value with one scan', () => {
    const body = `${'x'.repeat(2_000_000)}"status":"ok"${'y'.repeat(100)}`;
    expect(compileGlob('*"status":"ok"*').test(body)).toBe(true);
    expect(compileGlob('*"status":"fail"*').test(body)).toBe(false);
  });
});
