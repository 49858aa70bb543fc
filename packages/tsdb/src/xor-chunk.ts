/**
 * A chunk of samples of one series, compressed as Facebook's Gorilla paper describes and Prometheus' XOR chunks do:
 * timestamps as delta-of-delta in variable-width buckets, values as the XOR with the previous value, storing only
 * its meaningful bits. A regular scrape costs about one bit per timestamp and, for slowly changing values, a few
 * bits per value.
 *
 * Layout (our own, not Prometheus' byte format): a uvarint sample count, then a bit stream. The first sample is a
 * zig-zag varint timestamp and the value's 64 raw bits; the second a uvarint delta and an XOR value; every later one
 * a delta-of-delta and an XOR value.
 *
 * - Delta-of-delta: `0` for 0; `10` + 14 bits, `110` + 17 bits, `1110` + 20 bits (two's complement); `1111` + a zig-zag
 *   varint for anything larger.
 * - Value: `0` when equal to the previous (bit for bit); else `1`, then `0` + the meaningful bits when they fit the
 *   previous value's window of leading/trailing zeros, or `1` + 5 bits of leading zeros + 6 bits of length (64 as 0)
 *   + the meaningful bits.
 *
 * Values keep their exact bit pattern, so NaN payloads (Prometheus' stale marker) and -0 survive. Timestamps are
 * integers (milliseconds), never decreasing; duplicates are the caller's business.
 */
import { BitReader, BitWriter } from './bit-stream';

const scratch = new DataView(new ArrayBuffer(8));

/** The 64 bits of a float as unsigned 32-bit halves. */
/**
 * Prometheus' stale marker, the NaN 0x7ff0000000000002, as its two words. It is a signalling NaN, which optimised
 * JavaScript may quieten when the number is stored in an array, so callers say "stale" instead of passing the NaN.
 */
/** The index of a float's low and high 32-bit word in a Uint32Array over its bytes, by the platform's byte order. */
export const FLOAT_LOW_WORD = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 0 : 1;
export const FLOAT_HIGH_WORD = 1 - FLOAT_LOW_WORD;

export const STALE_BITS: readonly [hi: number, lo: number] = [0x7ff00000, 0x00000002];

/** Whether a decoded value's words (from a Float64Array's buffer) are the stale marker. */
export function isStaleWords(hi: number, lo: number): boolean {
  return hi === 0x7ff00000 && lo === 0x00000002;
}

function bitsOf(value: number): [hi: number, lo: number] {
  scratch.setFloat64(0, value);
  return [scratch.getUint32(0), scratch.getUint32(4)];
}

function floatOf(hi: number, lo: number): number {
  scratch.setUint32(0, hi);
  scratch.setUint32(4, lo);
  return scratch.getFloat64(0);
}

function leadingZeros(hi: number, lo: number): number {
  return hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(lo);
}

function trailingZeros(hi: number, lo: number): number {
  if (lo !== 0) return 31 - Math.clz32(lo & -lo);
  if (hi !== 0) return 32 + 31 - Math.clz32(hi & -hi);
  return 64;
}

/** `hi:lo >>> n` for 0 ≤ n < 64. */
function shiftRight(hi: number, lo: number, n: number): [number, number] {
  if (n === 0) return [hi, lo];
  if (n >= 32) return [0, hi >>> (n - 32)];
  return [hi >>> n, ((lo >>> n) | (hi << (32 - n))) >>> 0];
}

/** `hi:lo << n` for 0 ≤ n < 64, truncated to 64 bits. */
function shiftLeft(hi: number, lo: number, n: number): [number, number] {
  if (n === 0) return [hi, lo];
  if (n >= 32) return [(lo << (n - 32)) >>> 0, 0];
  return [((hi << n) | (lo >>> (32 - n))) >>> 0, (lo << n) >>> 0];
}

/** Delta-of-delta buckets: [prefix bits, prefix length, payload bits]. */
const BUCKETS: ReadonlyArray<readonly [number, number, number]> = [
  [0b10, 2, 14],
  [0b110, 3, 17],
  [0b1110, 4, 20],
];

function fits(value: number, bits: number): boolean {
  const half = 2 ** (bits - 1);
  return value >= -half && value < half;
}

/** Appends samples to one chunk. */
export class XorChunkEncoder {
  private readonly out = new BitWriter(128);
  private n = 0;
  private firstT = 0;
  private lastT = 0;
  private lastDelta = 0;
  private lastHi = 0;
  private lastLo = 0;
  private leading = 0xff; // no window yet
  private trailing = 0;

  /** Samples appended. */
  get count(): number {
    return this.n;
  }

  /** Timestamp of the first sample (undefined when empty). */
  get minTime(): number | undefined {
    return this.n === 0 ? undefined : this.firstT;
  }

  /** Timestamp of the last sample (undefined when empty). */
  get maxTime(): number | undefined {
    return this.n === 0 ? undefined : this.lastT;
  }

  /** Compressed size so far, in bytes (header excluded). */
  get byteLength(): number {
    return (this.out.length + 7) >>> 3;
  }

  /**
   * Appends one sample. `t` is an integer timestamp not before the previous one (|t| ≤ 2^52); anything else throws,
   * so a chunk never holds samples it cannot give back in order. `stale` appends Prometheus' stale marker (the
   * value is then ignored).
   */
  append(t: number, value: number, stale = false): void {
    if (!Number.isSafeInteger(t) || Math.abs(t) > 2 ** 52) throw new RangeError(`timestamp is not an integer in range: ${t}`);
    if (this.n > 0 && t < this.lastT) throw new RangeError(`out of order: ${t} after ${this.lastT}`);
    const [hi, lo] = stale ? STALE_BITS : bitsOf(value);
    if (this.n === 0) {
      this.out.varint(t);
      this.out.write(hi, 32);
      this.out.write(lo, 32);
      this.firstT = t;
    } else {
      const delta = t - this.lastT;
      if (this.n === 1) this.out.uvarint(delta);
      else this.writeDeltaOfDelta(delta - this.lastDelta);
      this.lastDelta = delta;
      this.writeValue(hi, lo);
    }
    this.lastT = t;
    this.lastHi = hi;
    this.lastLo = lo;
    this.n++;
  }

  /** The chunk as bytes: the sample count, then the bit stream. The encoder may go on appending. */
  bytes(): Uint8Array {
    const header = new BitWriter(8);
    header.uvarint(this.n);
    const head = header.bytes();
    const body = this.out.bytes();
    const all = new Uint8Array(head.length + body.length);
    all.set(head);
    all.set(body, head.length);
    return all;
  }

  /** An encoder holding the samples of `chunk`, to append more after a restart. */
  static from(chunk: Uint8Array): XorChunkEncoder {
    const encoder = new XorChunkEncoder();
    const { timestamps, values } = decodeXorChunk(chunk);
    const words = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
    for (let i = 0; i < timestamps.length; i++) {
      encoder.append(
        timestamps[i] as number,
        values[i] as number,
        isStaleWords(words[2 * i + FLOAT_HIGH_WORD] as number, words[2 * i + FLOAT_LOW_WORD] as number),
      );
    }
    return encoder;
  }

  private writeDeltaOfDelta(dod: number): void {
    if (dod === 0) {
      this.out.bit(false);
      return;
    }
    for (const [prefix, prefixBits, bits] of BUCKETS) {
      if (fits(dod, bits)) {
        this.out.write(prefix, prefixBits);
        this.out.write(dod & ((1 << bits) - 1), bits);
        return;
      }
    }
    this.out.write(0b1111, 4);
    this.out.varint(dod);
  }

  private writeValue(hi: number, lo: number): void {
    const xhi = (hi ^ this.lastHi) >>> 0;
    const xlo = (lo ^ this.lastLo) >>> 0;
    if (xhi === 0 && xlo === 0) {
      this.out.bit(false);
      return;
    }
    this.out.bit(true);
    let leading = leadingZeros(xhi, xlo);
    const trailing = trailingZeros(xhi, xlo);
    if (leading > 31) leading = 31; // five bits hold at most 31
    if (this.leading !== 0xff && leading >= this.leading && trailing >= this.trailing) {
      this.out.bit(false);
      const significant = 64 - this.leading - this.trailing;
      const [shi, slo] = shiftRight(xhi, xlo, this.trailing);
      this.out.write64(shi, slo, significant);
      return;
    }
    this.leading = leading;
    this.trailing = trailing;
    const significant = 64 - leading - trailing;
    this.out.bit(true);
    this.out.write(leading, 5);
    this.out.write(significant === 64 ? 0 : significant, 6);
    const [shi, slo] = shiftRight(xhi, xlo, trailing);
    this.out.write64(shi, slo, significant);
  }
}

/** The samples of a chunk, in order. Throws a RangeError on a truncated or malformed chunk. */
export function decodeXorChunk(chunk: Uint8Array): { timestamps: Float64Array; values: Float64Array } {
  const header = new BitReader(chunk);
  const count = header.uvarint();
  const headerBytes = (chunk.length * 8 - header.remaining) / 8;
  const timestamps = new Float64Array(count);
  const values = new Float64Array(count);
  if (count === 0) return { timestamps, values };
  const input = new BitReader(chunk.subarray(headerBytes));

  let t = input.varint();
  let hi = input.read(32);
  let lo = input.read(32);
  timestamps[0] = t;
  values[0] = floatOf(hi, lo);
  let delta = 0;
  let leading = 0;
  let trailing = 0;
  for (let i = 1; i < count; i++) {
    if (i === 1) delta = input.uvarint();
    else delta += readDeltaOfDelta(input);
    t += delta;
    if (input.bit()) {
      if (input.bit()) {
        leading = input.read(5);
        const length = input.read(6) || 64;
        trailing = 64 - leading - length;
        if (trailing < 0) throw new RangeError('chunk is malformed');
      }
      const significant = 64 - leading - trailing;
      const [shi, slo] = input.read64(significant);
      const [xhi, xlo] = shiftLeft(shi, slo, trailing);
      hi = (hi ^ xhi) >>> 0;
      lo = (lo ^ xlo) >>> 0;
    }
    timestamps[i] = t;
    values[i] = floatOf(hi, lo);
  }
  return { timestamps, values };
}

function readDeltaOfDelta(input: BitReader): number {
  if (!input.bit()) return 0;
  for (const [, , bits] of BUCKETS) {
    // The prefix so far was all ones; a zero ends it and names this bucket.
    if (!input.bit()) {
      const raw = input.read(bits);
      return raw >= 2 ** (bits - 1) ? raw - 2 ** bits : raw;
    }
  }
  return input.varint();
}
