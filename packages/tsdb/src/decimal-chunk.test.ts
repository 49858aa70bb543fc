import { describe, expect, it } from 'vitest';
import { chunkCount, chunkFormat, chunkMinTime, decodeChunk, decodeChunkInto, encoderOf, sealChunk } from './chunk';
import { decimalChunkCount, decimalScale, encodeDecimalChunk } from './decimal-chunk';
import { bits, rng } from './test-values';
import { STALE_BITS, XorChunkEncoder } from './xor-chunk';

type Sample = { t: number; v: number; stale?: boolean };

function xorOf(samples: readonly Sample[]): Uint8Array {
  const encoder = new XorChunkEncoder();
  for (const s of samples) encoder.append(s.t, s.v, s.stale ?? false);
  return encoder.bytes();
}

/** The samples' bits as they should come back: the stale marker as its own bits. */
function expectedBits(samples: readonly Sample[]): string[] {
  return samples.map((s) => (s.stale ? ((BigInt(STALE_BITS[0]) << 32n) | BigInt(STALE_BITS[1])).toString(16) : bits(s.v)));
}

function decodedBits(chunk: Uint8Array): { times: number[]; values: string[] } {
  const { timestamps, values } = decodeChunk(chunk);
  const view = new DataView(values.buffer);
  const out: string[] = [];
  // Read the words the decoder wrote, not a number taken out of the array (which could quieten a NaN).
  for (let i = 0; i < values.length; i++) out.push(view.getBigUint64(8 * i, true).toString(16));
  return { times: Array.from(timestamps), values: out };
}

const SCRAPE = 15_000;

/** One chunk's worth of a random kind of series, by seed. */
function randomSeries(seed: number): { kind: string; samples: Sample[] } {
  const random = rng(seed);
  const n = 1 + Math.floor(random() * 160);
  const kinds = ['gauge', 'counter', 'flat', 'negative', 'zeros', 'huge', 'tiny', 'mixture', 'bytes', 'integers'];
  const kind = kinds[seed % kinds.length] as string;
  const decimals = Math.floor(random() * 5);
  const power = 10 ** decimals;
  let t = Math.floor(random() * 2 ** 41);
  let level = Math.round((random() - 0.3) * 1e4 * power) / power;
  const samples: Sample[] = [];
  for (let i = 0; i < n; i++) {
    t += random() < 0.9 ? SCRAPE : Math.floor(random() * 5 * SCRAPE);
    let v: number;
    switch (kind) {
      case 'gauge':
        level = Math.round((level + (random() - 0.5) * 20) * power) / power;
        v = level;
        break;
      case 'counter':
        level += Math.round(random() * 1000) / power;
        v = Math.round(level * power) / power;
        break;
      case 'flat':
        v = level;
        break;
      case 'negative':
        v = -Math.abs(Math.round((random() * 1e6 - 5e5) * power) / power) - 1;
        break;
      case 'zeros':
        v = [0, -0, 1, 0.5][Math.floor(random() * 4)] as number;
        break;
      case 'huge':
        v = [2 ** 50, 2 ** 53, 1e300, -1e21, 2 ** 50 + 2, 123456789012345][Math.floor(random() * 6)] as number;
        break;
      case 'tiny':
        v = [1e-9, 1e-12, 5e-324, 1e-300, 0.000123][Math.floor(random() * 5)] as number;
        break;
      case 'bytes':
        level += Math.floor(random() * 64) * 4096;
        v = level;
        break;
      case 'integers':
        v = Math.floor(random() * 2 ** 32) - 2 ** 31;
        break;
      default: {
        // Anything: decimals, the results of arithmetic, specials, stale markers.
        const pick = Math.floor(random() * 8);
        v = [random() * 100, Math.round(random() * 1e4) / 100, 0.1 + 0.2, Number.NaN, Number.POSITIVE_INFINITY, -0, 7, 1 / 3][
          pick
        ] as number;
        if (random() < 0.05) {
          samples.push({ t, v: Number.NaN, stale: true });
          continue;
        }
      }
    }
    samples.push({ t, v });
  }
  return { kind, samples };
}

describe('decimal chunks', () => {
  it('give back every sample bit for bit, sealed from XOR, for 2,000 random series of every kind', () => {
    const decimalKinds = new Set<string>();
    for (let seed = 0; seed < 2000; seed++) {
      const { kind, samples } = randomSeries(seed);
      const xor = xorOf(samples);
      const sealed = sealChunk(xor);
      if (chunkFormat(sealed) === 'decimal') decimalKinds.add(kind);
      const decoded = decodedBits(sealed);
      expect(decoded.times, `seed ${seed}`).toEqual(samples.map((s) => s.t));
      expect(decoded.values, `seed ${seed} (${kind})`).toEqual(expectedBits(samples));
      expect(sealed.length).toBeLessThanOrEqual(xor.length);
      expect(chunkCount(sealed)).toBe(samples.length);
      expect(chunkMinTime(sealed)).toBe(samples[0]?.t);
    }
    // The kinds made of decimals of a small scale did take the new format.
    for (const kind of ['gauge', 'counter', 'negative', 'bytes', 'integers']) expect(decimalKinds).toContain(kind);
  });

  it('encode directly whatever qualifies, and give it back exactly, even when larger than XOR', () => {
    for (let seed = 0; seed < 500; seed++) {
      const { samples } = randomSeries(seed);
      if (samples.some((s) => s.stale)) continue;
      const times = Float64Array.from(samples, (s) => s.t);
      const values = Float64Array.from(samples, (s) => s.v);
      const chunk = encodeDecimalChunk(times, values);
      if (chunk === undefined) {
        expect(decimalScale(values)).toBe(-1);
        continue;
      }
      expect(decodedBits(chunk).values, `seed ${seed}`).toEqual(expectedBits(samples));
    }
  });

  it('take the smallest scale, and none for values that are not short decimals or would lose their sign', () => {
    expect(decimalScale(Float64Array.of(1, 2, 3))).toBe(0);
    expect(decimalScale(Float64Array.of(1.5, 2.25, 0))).toBe(2);
    expect(decimalScale(Float64Array.of(0.1, 1234.5678))).toBe(4);
    expect(decimalScale(Float64Array.of(-0.001))).toBe(3);
    expect(decimalScale(Float64Array.of(0.1 + 0.2))).toBe(-1);
    expect(decimalScale(Float64Array.of(1 / 3))).toBe(-1);
    expect(decimalScale(Float64Array.of(-0))).toBe(-1);
    expect(decimalScale(Float64Array.of(1, Number.NaN))).toBe(-1);
    expect(decimalScale(Float64Array.of(Number.NEGATIVE_INFINITY))).toBe(-1);
    expect(decimalScale(Float64Array.of(2 ** 50))).toBe(0);
    expect(decimalScale(Float64Array.of(2 ** 50 + 2))).toBe(-1);
    expect(decimalScale(Float64Array.of(1e-13))).toBe(-1);
  });

  it('keep stale markers, NaNs, -0 and values of no small scale in XOR', () => {
    const base = [1.25, 2.5, 3.75].map((v, i) => ({ t: 1000 * i, v }));
    expect(chunkFormat(sealChunk(xorOf(base)))).toBe('decimal');
    for (const odd of [{ v: Number.NaN, stale: true }, { v: Number.NaN }, { v: -0 }, { v: 0.1 + 0.2 }, { v: 1e300 }]) {
      const samples = [...base, { t: 5000, ...odd }];
      const xor = xorOf(samples);
      expect(sealChunk(xor)).toBe(xor);
      expect(decodedBits(sealChunk(xor)).values).toEqual(expectedBits(samples));
    }
  });

  it('shrink a two-decimal gauge to a fraction of its XOR size', () => {
    const random = rng(7);
    let level = 40;
    const samples: Sample[] = [];
    for (let i = 0; i < 120; i++) {
      level = Math.round((level + (random() - 0.5) * 4) * 100) / 100;
      samples.push({ t: 1_700_000_000_000 + i * SCRAPE, v: level });
    }
    const xor = xorOf(samples);
    const sealed = sealChunk(xor);
    expect(chunkFormat(sealed)).toBe('decimal');
    // About 10 bits a value against XOR's 50 and more.
    expect(sealed.length * 4).toBeLessThan(xor.length);
  });

  it('decode into arrays at an offset, after another chunk, and refuse arrays too short', () => {
    const first = xorOf([1, 2].map((v, i) => ({ t: i, v })));
    const second = sealChunk(xorOf([3.5, 4.5, 5.5].map((v, i) => ({ t: 10 + i, v }))));
    expect(chunkFormat(second)).toBe('decimal');
    const t = new Float64Array(5);
    const v = new Float64Array(5);
    expect(decodeChunkInto(first, t, v, 0)).toBe(2);
    expect(decodeChunkInto(second, t, v, 2)).toBe(3);
    expect(Array.from(t)).toEqual([0, 1, 10, 11, 12]);
    expect(Array.from(v)).toEqual([1, 2, 3.5, 4.5, 5.5]);
    expect(() => decodeChunkInto(second, t, v, 3)).toThrow(RangeError);
  });

  it('reopen as an XOR encoder that appends after the sealed samples', () => {
    const sealed = sealChunk(xorOf([10.5, 11, 11.5].map((v, i) => ({ t: i * SCRAPE, v }))));
    expect(chunkFormat(sealed)).toBe('decimal');
    const encoder = encoderOf(sealed);
    encoder.append(3 * SCRAPE, 0.1 + 0.2);
    expect(Array.from(decodeChunk(encoder.bytes()).values)).toEqual([10.5, 11, 11.5, 0.1 + 0.2]);
  });

  it('refuse timestamps out of order or not integers, as the XOR encoder does', () => {
    const values = Float64Array.of(1, 2, 3);
    expect(() => encodeDecimalChunk(Float64Array.of(0, 20, 10), values)).toThrow(/out of order: 10 after 20/);
    expect(() => encodeDecimalChunk(Float64Array.of(0, 1.5, 2), values)).toThrow(/not an integer/);
    expect(() => encodeDecimalChunk(Float64Array.of(0, 1, 2 ** 53), values)).toThrow(/not an integer/);
    expect(encodeDecimalChunk(Float64Array.of(-5, 0, 0), values)).toBeInstanceOf(Uint8Array);
  });

  it('fail on a truncated or corrupt chunk instead of decoding zeros', () => {
    const random = rng(3);
    const samples = Array.from({ length: 100 }, (_, i) => ({ t: i * SCRAPE, v: Math.round(random() * 1e5) / 100 }));
    const sealed = sealChunk(xorOf(samples));
    expect(chunkFormat(sealed)).toBe('decimal');
    for (let cut = 2; cut < sealed.length; cut += 7) {
      expect(() => decodeChunk(sealed.subarray(0, cut)), `cut at ${cut}`).toThrow(RangeError);
    }
    const huge = Uint8Array.from([0x81, 0x00, 0xff, 0xff, 0x7f, 0, 0]);
    expect(() => decimalChunkCount(huge)).toThrow(/truncated/);
  });

  it('are told apart from every XOR chunk, including those whose count takes two bytes', () => {
    for (const n of [0, 1, 127, 128, 129, 255, 256, 300]) {
      const samples = Array.from({ length: n }, (_, i) => ({ t: i, v: i / 4 }));
      const xor = xorOf(samples);
      expect(chunkFormat(xor), `${n} samples`).toBe('xor');
      expect(chunkCount(xor)).toBe(n);
      expect(decodedBits(xor).values).toEqual(expectedBits(samples));
      expect(decodeChunk(sealChunk(xor)).values).toEqual(Float64Array.from(samples, (s) => s.v));
    }
    expect(() => chunkFormat(Uint8Array.of(0x82, 0x00, 1))).toThrow(/unknown chunk format 2/);
  });
});
