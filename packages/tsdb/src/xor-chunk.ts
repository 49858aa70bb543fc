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

function floatOf(hi: number, lo: number): number {
  scratch.setUint32(0, hi);
  scratch.setUint32(4, lo);
  return scratch.getFloat64(0);
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

/** The encoder's view of a float's bits: written as a number, read as two words (no DataView call, no pair). */
const encodeFloat = new Float64Array(1);
const encodeWords = new Uint32Array(encodeFloat.buffer);

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
    let hi: number;
    let lo: number;
    if (stale) {
      hi = STALE_BITS[0];
      lo = STALE_BITS[1];
    } else {
      encodeFloat[0] = value;
      hi = encodeWords[FLOAT_HIGH_WORD] as number;
      lo = encodeWords[FLOAT_LOW_WORD] as number;
    }
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
    let header = 1;
    for (let v = this.n; v >= 0x80; v = Math.floor(v / 0x80)) header++;
    const all = new Uint8Array(header + this.byteLength);
    let at = 0;
    let v = this.n;
    for (; v >= 0x80; v = Math.floor(v / 0x80)) all[at++] = (v % 0x80) | 0x80;
    all[at] = v;
    this.out.copyTo(all, header);
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

  /** A bucket's prefix and its payload in one write: `10` + 14 bits, `110` + 17, `1110` + 20 (see the layout). */
  private writeDeltaOfDelta(dod: number): void {
    if (dod === 0) this.out.bit(false);
    else if (dod >= -0x2000 && dod < 0x2000) this.out.write((0b10 << 14) | (dod & 0x3fff), 16);
    else if (dod >= -0x10000 && dod < 0x10000) this.out.write((0b110 << 17) | (dod & 0x1ffff), 20);
    else if (dod >= -0x80000 && dod < 0x80000) this.out.write((0b1110 << 20) | (dod & 0xfffff), 24);
    else {
      this.out.write(0b1111, 4);
      this.out.varint(dod);
    }
  }

  private writeValue(hi: number, lo: number): void {
    const xhi = (hi ^ this.lastHi) >>> 0;
    const xlo = (lo ^ this.lastLo) >>> 0;
    if (xhi === 0 && xlo === 0) {
      this.out.bit(false);
      return;
    }
    let leading = xhi !== 0 ? Math.clz32(xhi) : 32 + Math.clz32(xlo);
    const trailing = xlo !== 0 ? 31 - Math.clz32(xlo & -xlo) : 63 - Math.clz32(xhi & -xhi);
    if (leading > 31) leading = 31; // five bits hold at most 31
    if (this.leading !== 0xff && leading >= this.leading && trailing >= this.trailing) {
      // `10`: the meaningful bits fit the previous window.
      this.out.write(0b10, 2);
      this.writeShifted(xhi, xlo, this.trailing, 64 - this.leading - this.trailing);
      return;
    }
    this.leading = leading;
    this.trailing = trailing;
    const significant = 64 - leading - trailing;
    // `11`, five bits of leading zeros, six of length (64 as 0).
    this.out.write((0b11 << 11) | (leading << 6) | (significant === 64 ? 0 : significant), 13);
    this.writeShifted(xhi, xlo, trailing, significant);
  }

  /** Writes the low `count` bits of `hi:lo >>> n` (0 ≤ n < 64). */
  private writeShifted(hi: number, lo: number, n: number, count: number): void {
    if (n === 0) this.out.write64(hi, lo, count);
    else if (n >= 32) this.out.write64(0, hi >>> (n - 32), count);
    else this.out.write64(hi >>> n, ((lo >>> n) | (hi << (32 - n))) >>> 0, count);
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
