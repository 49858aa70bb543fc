import { describe, expect, it } from 'vitest';
import { BitReader, BitWriter } from './bit-stream';
import { decodeXorChunk, XorChunkEncoder } from './xor-chunk';

/** A small deterministic PRNG (mulberry32), so a failing case can be replayed from its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function bits(value: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  return view.getBigUint64(0).toString(16);
}

function roundTrip(samples: Array<[number, number]>): Array<[number, number]> {
  const encoder = new XorChunkEncoder();
  for (const [t, v] of samples) encoder.append(t, v);
  const { timestamps, values } = decodeXorChunk(encoder.bytes());
  return Array.from(timestamps, (t, i) => [t, values[i] as number]);
}

const STALE_NAN = (() => {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, 0x7ff0000000000002n);
  return view.getFloat64(0);
})();

describe('bit stream', () => {
  it('reads back every width it wrote, across byte boundaries', () => {
    const writer = new BitWriter(1);
    const widths = [1, 3, 7, 8, 9, 13, 17, 31, 32, 5];
    const values = widths.map((w, i) => (w === 32 ? 0xdeadbeef : (0x5a5a5a5a + i) & (2 ** w - 1)));
    widths.forEach((w, i) => {
      writer.write(values[i] as number, w);
    });
    writer.uvarint(2 ** 53 - 1);
    writer.varint(-123456789);
    const reader = new BitReader(writer.bytes());
    expect(widths.map((w) => reader.read(w))).toEqual(values.map((v) => v >>> 0));
    expect(reader.uvarint()).toBe(2 ** 53 - 1);
    expect(reader.varint()).toBe(-123456789);
  });

  it('refuses to read past the end', () => {
    const writer = new BitWriter();
    writer.write(1, 3);
    const reader = new BitReader(writer.bytes());
    expect(() => reader.read(9)).toThrow(/truncated/);
  });
});

describe('XOR chunks', () => {
  it('gives back a regular scrape exactly and spends about two bytes a sample on a slowly moving gauge', () => {
    const samples: Array<[number, number]> = [];
    for (let i = 0; i < 120; i++) samples.push([1_700_000_000_000 + i * 15_000, 42 + Math.floor(i / 10)]);
    const encoder = new XorChunkEncoder();
    for (const [t, v] of samples) encoder.append(t, v);
    expect(roundTrip(samples)).toEqual(samples);
    expect(encoder.bytes().length / samples.length).toBeLessThan(1.5);
  });

  it('keeps the exact bit pattern of stale markers, NaN, infinities and -0', () => {
    const samples: Array<[number, number]> = [
      [0, 1],
      [10, STALE_NAN],
      [20, Number.NaN],
      [30, Number.POSITIVE_INFINITY],
      [40, Number.NEGATIVE_INFINITY],
      [50, -0],
      [60, Number.MIN_VALUE],
      [70, Number.MAX_VALUE],
    ];
    const back = roundTrip(samples);
    expect(back.map(([t]) => t)).toEqual(samples.map(([t]) => t));
    expect(back.map(([, v]) => bits(v))).toEqual(samples.map(([, v]) => bits(v)));
  });

  it('handles jitter, gaps, equal timestamps and huge jumps in time', () => {
    const samples: Array<[number, number]> = [
      [-5_000, 0.1],
      [0, 0.2],
      [0, 0.2],
      [9_999, 0.3],
      [20_001, 0.3],
      [20_001 + 2 ** 20, 0.4],
      [2 ** 40, 1e300],
      [2 ** 52, -1e-300],
    ];
    expect(roundTrip(samples)).toEqual(samples);
  });

  it('round-trips random series of every shape (seeded property test)', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const random = rng(seed);
      const n = 1 + Math.floor(random() * 300);
      const shape = seed % 4;
      let t = Math.floor(random() * 2 ** 41);
      let v = random() * 1000;
      const samples: Array<[number, number]> = [];
      for (let i = 0; i < n; i++) {
        const step = random() < 0.05 ? Math.floor(random() * 2 ** 30) : 10_000 + Math.floor((random() - 0.5) * 200);
        t += Math.max(0, step);
        if (shape === 0)
          v += 1; // counter
        else if (shape === 1)
          v = random() * 1e6 - 5e5; // noise
        else if (shape === 2)
          v = random() < 0.1 ? random() : v; // mostly constant
        else v = Math.floor(random() * 100) / 4; // quantised gauge
        samples.push([t, v]);
      }
      const back = roundTrip(samples);
      expect(
        back.map(([x, y]) => `${x}:${bits(y)}`),
        `seed ${seed}`,
      ).toEqual(samples.map(([x, y]) => `${x}:${bits(y)}`));
    }
  });

  it('refuses samples out of order and timestamps that are not integers, and keeps what it had', () => {
    const encoder = new XorChunkEncoder();
    encoder.append(100, 1);
    expect(() => encoder.append(99, 2)).toThrow(/out of order/);
    expect(() => encoder.append(100.5, 2)).toThrow(/not an integer/);
    expect(() => encoder.append(2 ** 53, 2)).toThrow(/not an integer/);
    expect(encoder.count).toBe(1);
    expect(roundTrip([[100, 1]])).toEqual([[100, 1]]);
  });

  it('goes on appending after a restart from its bytes', () => {
    const encoder = new XorChunkEncoder();
    encoder.append(1000, 1);
    encoder.append(2000, 2);
    const resumed = XorChunkEncoder.from(encoder.bytes());
    resumed.append(3000, 3);
    expect(resumed.minTime).toBe(1000);
    expect(resumed.maxTime).toBe(3000);
    const { timestamps, values } = decodeXorChunk(resumed.bytes());
    expect([...timestamps]).toEqual([1000, 2000, 3000]);
    expect([...values]).toEqual([1, 2, 3]);
  });

  it('says a truncated chunk is truncated instead of inventing samples', () => {
    const encoder = new XorChunkEncoder();
    for (let i = 0; i < 50; i++) encoder.append(i * 1000, Math.sin(i));
    const bytes = encoder.bytes();
    expect(() => decodeXorChunk(bytes.subarray(0, bytes.length - 10))).toThrow(RangeError);
    expect(decodeXorChunk(new XorChunkEncoder().bytes()).timestamps).toHaveLength(0);
  });
});
