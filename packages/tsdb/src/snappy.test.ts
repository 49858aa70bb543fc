import { describe, expect, it } from 'vitest';
import { SnappyError, snappyDecode, snappyDecodedLength, snappyEncode } from './snappy';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const bytes = (s: string) => new TextEncoder().encode(s);

describe('snappy block format', () => {
  it('decodes a hand-built block: a literal, a one-byte-offset copy that overlaps itself, a two-byte-offset copy', () => {
    // "abcd" literal, then copy(offset 4, len 8) → "abcdabcd", then copy2(offset 12, len 2) → "ab".
    const block = Uint8Array.from([14, 3 << 2, 97, 98, 99, 100, 1 | ((8 - 4) << 2), 4, 2 | (1 << 2), 12, 0]);
    expect(text(snappyDecode(block))).toBe('abcdabcdabcdab');
    expect(snappyDecodedLength(block)).toBe(14);
  });

  it('repeats a pattern shorter than the copy at every offset, as a copy reading what it writes must', () => {
    // A literal "abcdefghi", then a copy of 45 bytes from `offset` back, for offsets 1 to 9 (two-byte-offset form).
    for (let offset = 1; offset <= 9; offset++) {
      const block = Uint8Array.from([54, 8 << 2, ...bytes('abcdefghi'), 2 | (44 << 2), offset, 0]);
      const pattern = 'abcdefghi'.slice(9 - offset);
      expect(text(snappyDecode(block)), `offset ${offset}`).toBe(`abcdefghi${pattern.repeat(45).slice(0, 45)}`);
    }
  });

  it('round-trips text, repetitive protobuf-like data, random bytes, and the empty input', () => {
    let seed = 7;
    const random = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed >>> 24;
    };
    const samples = [
      new Uint8Array(0),
      bytes('x'),
      bytes('node_cpu_seconds_total{cpu="0",mode="idle"} '.repeat(500)),
      Uint8Array.from({ length: 70_000 }, () => random()),
      Uint8Array.from({ length: 200_000 }, (_, i) => (i % 251 < 40 ? random() : i % 7)),
    ];
    for (const input of samples) {
      const packed = snappyEncode(input);
      expect(snappyDecode(packed)).toEqual(input);
    }
    expect(snappyEncode(samples[2] as Uint8Array).length).toBeLessThan((samples[2] as Uint8Array).length / 10);
  });

  it('refuses bodies that lie: bad offsets, overruns, truncation, and sizes past the cap', () => {
    const cases: Array<[string, number[]]> = [
      ['copy before the start', [4, 1 | (0 << 2), 1]],
      ['zero offset', [5, 0, 97, 1 | (0 << 2), 0]],
      ['literal past the declared length', [1, 1 << 2, 97, 98]],
      ['literal past the input', [4, 3 << 2, 97]],
      ['short output', [3, 0, 97]],
      ['truncated preamble', [0x80]],
    ];
    for (const [why, body] of cases) expect(() => snappyDecode(Uint8Array.from(body)), why).toThrow(SnappyError);
    const huge = snappyEncode(new Uint8Array(1000));
    expect(() => snappyDecode(huge, 999)).toThrow(/exceeds the limit/);
  });
});
