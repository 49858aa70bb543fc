import { describe, expect, it } from 'vitest';
import { BitReader, BitWriter } from './bit-stream';
import { bits, rng } from './test-values';
import {
  decodeXorChunk,
  decodeXorChunkInto,
  FLOAT_HIGH_WORD,
  FLOAT_LOW_WORD,
  STALE_BITS,
  XorChunkEncoder,
  xorChunkCount,
  xorChunkMinTime,
} from './xor-chunk';

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

/** A float from its 64 bits as 16 hex digits, through a DataView so NaN payloads are kept. */
function fromBits(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

/** The values' bits as hex, read from the array's words (a NaN's payload would not survive reading the number). */
function wordsHex(values: Float64Array, from = 0, to = values.length): string[] {
  const words = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
  const out: string[] = [];
  for (let i = from; i < to; i++) {
    const hi = (words[2 * i + FLOAT_HIGH_WORD] as number).toString(16).padStart(8, '0');
    out.push(hi + (words[2 * i + FLOAT_LOW_WORD] as number).toString(16).padStart(8, '0'));
  }
  return out;
}

/** A sample to encode: its time, its value's bits as hex, and whether it is written as the stale marker. */
interface Sample {
  t: number;
  bits: string;
  stale: boolean;
}

const STALE_HEX = STALE_BITS.map((w) => w.toString(16).padStart(8, '0')).join('');

function encode(samples: readonly Sample[]): Uint8Array {
  const encoder = new XorChunkEncoder();
  for (const s of samples) encoder.append(s.t, s.stale ? 0 : fromBits(s.bits), s.stale);
  return encoder.bytes();
}

/** Random 64-bit patterns, special values and the usual shapes of series, with every timestamp shape. */
function randomSeries(seed: number): Sample[] {
  const random = rng(seed);
  const word = () => Math.floor(random() * 2 ** 32);
  const hex = (v: number) => bits(v).padStart(16, '0');
  const n = 1 + Math.floor(random() * 250);
  const timing = seed % 3; // regular, jittered, wild
  const shape = Math.floor(seed / 3) % 5; // counter, gauge, special values, raw bits, mixed
  let t = Math.floor((random() - 0.5) * 2 ** 45);
  let v = Math.floor(random() * 1e6);
  const specials = ['7ff8000000000000', STALE_HEX, '7ff0000000000000', 'fff0000000000000', '8000000000000000', '0000000000000000'];
  const out: Sample[] = [];
  for (let i = 0; i < n; i++) {
    if (i > 0) {
      if (timing === 0) t += 30_000;
      else if (timing === 1) t += 30_000 + Math.floor((random() - 0.5) * 2_000);
      else t += [0, 1, 8_191, 65_535, 524_287, 2 ** 20, 2 ** 33][Math.floor(random() * 7)] as number;
    }
    let bitsHex: string;
    let stale = false;
    const kind = shape === 4 ? Math.floor(random() * 4) : shape;
    if (kind === 0) {
      v = Math.round((v + random() * 500) * 100) / 100;
      bitsHex = hex(v);
    } else if (kind === 1) {
      bitsHex = hex(random() < 0.3 ? v : Math.round(random() * 1000) / 8);
    } else if (kind === 2) {
      bitsHex = specials[Math.floor(random() * specials.length)] as string;
      stale = bitsHex === STALE_HEX;
    } else {
      // Any pattern at all, NaN payloads included; XORs of these often need all 64 bits.
      bitsHex = word().toString(16).padStart(8, '0') + word().toString(16).padStart(8, '0');
      if (bitsHex === STALE_HEX) stale = true;
    }
    out.push({ t, bits: bitsHex, stale });
  }
  return out;
}

describe('decoding XOR chunks', () => {
  it('decodes chunks written in the current layout, every bucket and value path (pinned bytes)', () => {
    // Written by XorChunkEncoder: delta-of-delta 0, 14-, 17- and 20-bit buckets and both varint escapes; values
    // equal, in a new window, in the old window, the stale marker, -0, +Inf, NaN, and a 64-bit XOR.
    const chunk = Uint8Array.from(
      Buffer.from(
        '0dd00f3ff0000000000000e8073097ffef1f3603c9fc473d09062f7ff8000000000003f010101001183ffff0000000000003f7feb830011' +
          '7ff80000000000004001000000000000187f8010000000000002c004000000000000000de0c5002000000000000107d160ebf21e44003ace0',
        'hex',
      ),
    );
    const big = 2 ** 30;
    const { timestamps, values } = decodeXorChunk(chunk);
    expect([...timestamps]).toEqual([
      1_000,
      2_000,
      3_000,
      3_100,
      44_100,
      585_100,
      big + 1_126_100,
      big + 1_127_100,
      big + 1_128_100,
      big + 1_129_100,
      big + 1_130_100,
      big + 1_130_100,
      big + 1_131_100,
    ]);
    expect(wordsHex(values)).toEqual(
      [1, 1, 2, 3, 3]
        .map((v) => bits(v).padStart(16, '0'))
        .concat([
          STALE_HEX,
          '8000000000000000',
          '7ff0000000000000',
          '7ff8000000000000',
          '3ff0000000000001',
          'bff0000000000000',
          bits(0.5),
          bits(-1e300),
        ]),
    );
    expect(xorChunkCount(chunk)).toBe(13);
    expect(xorChunkMinTime(chunk)).toBe(1_000);
  });

  it('gives back every bit of random series, alone and into shared arrays at an offset (seeded property test)', () => {
    for (let seed = 1; seed <= 400; seed++) {
      const samples = randomSeries(seed);
      const chunk = encode(samples);
      const expectedT = samples.map((s) => s.t);
      const expectedBits = samples.map((s) => s.bits);

      const alone = decodeXorChunk(chunk);
      expect([...alone.timestamps], `seed ${seed}`).toEqual(expectedT);
      expect(wordsHex(alone.values), `seed ${seed}`).toEqual(expectedBits);

      const offset = seed % 7;
      const times = new Float64Array(offset + samples.length + 3).fill(-1);
      const values = new Float64Array(times.length).fill(-1);
      expect(xorChunkCount(chunk)).toBe(samples.length);
      expect(xorChunkMinTime(chunk)).toBe(samples[0]?.t);
      expect(decodeXorChunkInto(chunk, times, values, offset)).toBe(samples.length);
      expect([...times.subarray(offset, offset + samples.length)], `seed ${seed}`).toEqual(expectedT);
      expect(wordsHex(values, offset, offset + samples.length), `seed ${seed}`).toEqual(expectedBits);
      // Nothing outside its place is touched.
      expect([...times.subarray(0, offset), ...times.subarray(offset + samples.length)].every((x) => x === -1)).toBe(true);
      expect([...values.subarray(0, offset), ...values.subarray(offset + samples.length)].every((x) => x === -1)).toBe(true);
    }
  });

  it('throws a RangeError for every cut of a chunk, never returning made-up samples', () => {
    const throwsRangeError = (decode: () => unknown) => {
      try {
        decode();
        return false;
      } catch (err) {
        return err instanceof RangeError;
      }
    };
    const times = new Float64Array(4096);
    const values = new Float64Array(4096);
    const wrong: string[] = [];
    for (let seed = 1; seed <= 30; seed++) {
      const chunk = encode(randomSeries(seed));
      for (let length = 0; length < chunk.length; length++) {
        const cut = chunk.subarray(0, length);
        if (!throwsRangeError(() => decodeXorChunk(cut))) wrong.push(`decodeXorChunk, seed ${seed}, ${length} bytes`);
        if (!throwsRangeError(() => decodeXorChunkInto(cut, times, values, 0)))
          wrong.push(`decodeXorChunkInto, seed ${seed}, ${length} bytes`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('refuses malformed chunks and arrays without room', () => {
    const chunk = encode(randomSeries(10));
    const count = xorChunkCount(chunk);
    // A count far beyond what the bytes can hold fails before any array is sized for it.
    const huge = Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x0f, ...chunk.subarray(1)]);
    expect(() => xorChunkCount(huge)).toThrow(RangeError);
    expect(() => decodeXorChunk(huge)).toThrow(RangeError);
    expect(() => decodeXorChunk(Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]))).toThrow(RangeError);
    // A new window claiming more meaningful bits than 64 minus its leading zeros: `11`, 31 leading, length 63.
    const writer = new BitWriter();
    writer.uvarint(2);
    writer.varint(0);
    writer.write(0, 32);
    writer.write(0, 32);
    writer.uvarint(1);
    writer.write(0b11, 2);
    writer.write(31, 5);
    writer.write(63, 6);
    writer.write(0, 32);
    writer.write(0, 32);
    expect(() => decodeXorChunk(writer.bytes())).toThrow(/malformed/);
    expect(() => decodeXorChunkInto(chunk, new Float64Array(count), new Float64Array(count), 1)).toThrow(RangeError);
    expect(() => decodeXorChunkInto(chunk, new Float64Array(count), new Float64Array(count - 1), 0)).toThrow(RangeError);
    expect(() => decodeXorChunkInto(chunk, new Float64Array(count + 1), new Float64Array(count + 1), -1)).toThrow(RangeError);
    const empty = new XorChunkEncoder().bytes();
    expect(xorChunkCount(empty)).toBe(0);
    expect(xorChunkMinTime(empty)).toBeUndefined();
    expect(decodeXorChunkInto(empty, new Float64Array(0), new Float64Array(0), 0)).toBe(0);
  });
});
