import { describe, expect, it } from 'vitest';
import { compileLinearRegex } from './linear-regex';
import { RegexSyntaxError } from './regex-syntax';

const matches = (pattern: string, input: string) => compileLinearRegex(pattern).test(input);

describe('the linear-time matcher', () => {
  it('searches anywhere unless anchored, as RE2 MatchString does', () => {
    expect(matches('abc', 'xxabcxx')).toBe(true);
    expect(matches('^abc', 'xabc')).toBe(false);
    expect(matches('abc$', 'abcx')).toBe(false);
    expect(matches('\\Aab\\z', 'ab')).toBe(true);
    expect(matches('', 'anything')).toBe(true);
    expect(matches('a|b', 'zzb')).toBe(true);
    expect(matches('(?:foo|bar)baz', 'xbarbaz')).toBe(true);
  });

  it('reads classes, escapes, repeats and word boundaries', () => {
    expect(matches('\\d{3}-\\d{4}', 'call 555-1234')).toBe(true);
    expect(matches('x{2,3}y', 'axy')).toBe(false);
    expect(matches('x{2,}y', 'axxxxy')).toBe(true);
    expect(matches('colou?r', 'color')).toBe(true);
    expect(matches('(ab)+c', 'ababc')).toBe(true);
    expect(matches('[^a-z]+$', 'abc123')).toBe(true);
    expect(matches('[[:digit:]]+x', 'a12x')).toBe(true);
    expect(matches('[[:^alpha:]]', 'abc')).toBe(false);
    expect(matches('[]a]', ']')).toBe(true);
    expect(matches('[a-]', '-')).toBe(true);
    expect(matches('[\\d.]+', '1.5')).toBe(true);
    expect(matches('\\bfoo\\b', 'a foo b')).toBe(true);
    expect(matches('\\bfoo\\b', 'afoob')).toBe(false);
    expect(matches('\\Bfoo', 'afoo')).toBe(true);
    expect(matches('a\\.b', 'acb')).toBe(false);
    expect(matches('\\x41\\x{1F600}', 'A😀')).toBe(true);
    expect(matches('"ok":\\s*true', '{"ok":\n true}')).toBe(true);
    expect(matches('a.*?b', 'a--b')).toBe(true);
    expect(matches('(?P<word>\\w+)@(?<host>\\w+)', 'me@host')).toBe(true);
  });

  it('honours the i, m and s flags, for the rest of a group or inside (?flags:…)', () => {
    expect(matches('(?i)hello', 'HeLLo')).toBe(true);
    expect(matches('(?i)[a-c]+Z', 'xBz')).toBe(true);
    expect(matches('(?i:a)b', 'AB')).toBe(false);
    expect(matches('(?i:a)b', 'Ab')).toBe(true);
    expect(matches('(?i)straße', 'STRASSE')).toBe(false);
    expect(matches('(?i)é', 'É')).toBe(true);
    expect(matches('a.c', 'a\nc')).toBe(false);
    expect(matches('(?s)a.c', 'a\nc')).toBe(true);
    expect(matches('^b$', 'a\nb\nc')).toBe(false);
    expect(matches('(?m)^b$', 'a\nb\nc')).toBe(true);
  });

  it('treats a character outside the BMP as one character', () => {
    expect(matches('^.$', '😀')).toBe(true);
    expect(matches('😀.x', 'a😀😀x')).toBe(true);
    expect(matches('\\b😀', ' 😀')).toBe(false);
    expect(matches('a\\b😀', 'a😀')).toBe(true);
  });

  it('refuses what RE2 refuses, naming the offset', () => {
    const offsetOf = (pattern: string) => {
      try {
        compileLinearRegex(pattern);
        return undefined;
      } catch (err) {
        expect(err).toBeInstanceOf(RegexSyntaxError);
        return (err as RegexSyntaxError).offset;
      }
    };
    expect(offsetOf('a(b')).toBe(1);
    expect(offsetOf('ab)')).toBe(2);
    expect(offsetOf('[ab')).toBe(0);
    expect(offsetOf('x*+')).toBe(2);
    expect(offsetOf('*x')).toBe(0);
    expect(offsetOf('a{2,1}')).toBe(1);
    expect(offsetOf('a{1001}')).toBe(1);
    expect(offsetOf('[z-a]')).toBe(2);
    expect(offsetOf('(?=a)')).toBe(0);
    expect(offsetOf('(a)\\1')).toBe(3);
    expect(offsetOf('\\pL')).toBe(0);
    expect(offsetOf('\\q')).toBe(0);
    expect(offsetOf('a\\')).toBe(1);
    expect(offsetOf('^*')).toBe(1);
    expect(() => compileLinearRegex('(x{1000}){1000}')).toThrow(/too large/);
    // A `{` that does not make a repeat is a literal, as in RE2.
    expect(matches('a{x', 'a{x')).toBe(true);
  });

  it('agrees with JavaScript on random patterns over a small alphabet', () => {
    // A seeded generator, so a failure reproduces.
    let seed = 12345;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const atom = (depth: number): string => {
      const pick = rand(depth > 2 ? 5 : 8);
      if (pick < 3) return ['a', 'b', 'c'][pick] as string;
      if (pick === 3) return '.';
      if (pick === 4) return ['[ab]', '[^a]', '\\b', '^', '$'][rand(5)] as string;
      if (pick === 5) return `(${pattern(depth + 1)})`;
      if (pick === 6) return `(?:${pattern(depth + 1)}|${pattern(depth + 1)})`;
      return `${['a', 'b', '[bc]'][rand(3)]}${['*', '+', '?', '{1,2}', '{2}'][rand(5)]}`;
    };
    const pattern = (depth: number): string => {
      let out = '';
      for (let i = rand(4) + 1; i > 0; i--) out += atom(depth);
      return out;
    };
    let compared = 0;
    for (let i = 0; i < 600; i++) {
      const p = pattern(0);
      const ours = compileLinearRegex(p);
      const theirs = new RegExp(p);
      for (let j = 0; j < 8; j++) {
        let input = '';
        for (let k = rand(9); k > 0; k--) input += ['a', 'b', 'c', ' '][rand(4)];
        expect(ours.test(input), `${p} on ${JSON.stringify(input)}`).toBe(theirs.test(input));
        compared++;
      }
    }
    expect(compared).toBe(4800);
  });

  it('answers patterns that make a backtracking engine run for minutes, on large inputs', () => {
    // Each of these takes JavaScript's RegExp more than ten seconds on a few KiB (measured while writing this).
    const long = 'a'.repeat(256 * 1024);
    expect(matches('.*a.*b', long)).toBe(false);
    expect(matches('(a|aa)*c', long)).toBe(false);
    expect(matches('[a-z]+[a-z]+[a-z]+!', long)).toBe(false);
    expect(matches('\\s*\\s*z', ' '.repeat(256 * 1024))).toBe(false);
    expect(matches('(.*a){5}b', `${long}b`)).toBe(true);
  });
});
