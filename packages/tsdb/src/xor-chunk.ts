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
import { BitWriter } from './bit-stream';
import { bitsAt, load, unzigzag, uvarintAt, uvarintBits, writeDeltaOfDelta } from './chunk-bits';

/** The index of a float's low and high 32-bit word in a Uint32Array over its bytes, by the platform's byte order. */
export const FLOAT_LOW_WORD = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 0 : 1;
export const FLOAT_HIGH_WORD = 1 - FLOAT_LOW_WORD;

/**
 * Prometheus' stale marker, the NaN 0x7ff0000000000002, as its two words. It is a signalling NaN, which optimised
 * JavaScript may quieten when the number is stored in an array, so callers say "stale" instead of passing the NaN.
 */
export const STALE_BITS: readonly [hi: number, lo: number] = [0x7ff00000, 0x00000002];

/** Whether a decoded value's words (from a Float64Array's buffer) are the stale marker. */
export function isStaleWords(hi: number, lo: number): boolean {
  return hi === 0x7ff00000 && lo === 0x00000002;
}

/** The error for a timestamp `append` refuses, built outside it (a template literal there slowed every append). */
function badTimestamp(t: number, last: number): RangeError {
  if (!Number.isSafeInteger(t) || Math.abs(t) > 2 ** 52) return new RangeError(`timestamp is not an integer in range: ${t}`);
  return new RangeError(`out of order: ${t} after ${last}`);
}

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
    if (!(Math.abs(t) <= 2 ** 52) || Math.floor(t) !== t || (this.n > 0 && t < this.lastT)) throw badTimestamp(t, this.lastT);
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
      else writeDeltaOfDelta(this.out, delta - this.lastDelta);
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
    const { timestamps, values } = decodeXorChunk(chunk);
    return XorChunkEncoder.of(timestamps, values);
  }

  /**
   * An encoder holding the samples of two decoded columns of equal length (from any chunk format), to append more.
   * A value with the stale marker's bits is appended as the marker.
   */
  static of(timestamps: Float64Array, values: Float64Array): XorChunkEncoder {
    const encoder = new XorChunkEncoder();
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

/* Decoding: see chunk-bits.ts for how the stream is looked at. */

/**
 * The number of samples in a chunk, read from its header, to size the arrays for {@link decodeXorChunkInto}. Throws
 * a RangeError when the header is cut short or claims more samples than the chunk's bits could hold: the first sample
 * takes at least 72 bits, the second 9 and each later one 2. Such a chunk would fail while decoding anyway; a corrupt
 * count fails here before it sizes a huge array.
 */
export function xorChunkCount(chunk: Uint8Array): number {
  let count = 0;
  let scale = 1;
  for (let i = 0; ; i++) {
    if (i === 8) throw new RangeError('varint is too long');
    if (i >= chunk.length) throw new RangeError('chunk is truncated');
    const byte = chunk[i] as number;
    count += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) {
      const needed = count === 0 ? 0 : count === 1 ? 72 : 81 + 2 * (count - 2);
      if ((chunk.length - i - 1) * 8 < needed) throw new RangeError('chunk is truncated');
      return count;
    }
    scale *= 0x80;
  }
}

/** The timestamp of a chunk's first sample, read without decoding the rest (undefined when the chunk is empty). */
export function xorChunkMinTime(chunk: Uint8Array): number | undefined {
  if (xorChunkCount(chunk) === 0) return undefined;
  const stream = load(chunk);
  return unzigzag(uvarintAt(stream, uvarintBits(stream, 0)));
}

/** The samples of a chunk, in order. Throws a RangeError on a truncated or malformed chunk. */
export function decodeXorChunk(chunk: Uint8Array): { timestamps: Float64Array; values: Float64Array } {
  const count = xorChunkCount(chunk);
  const timestamps = new Float64Array(count);
  const values = new Float64Array(count);
  decodeXorChunkInto(chunk, timestamps, values, 0);
  return { timestamps, values };
}

/**
 * Decodes a chunk's samples into `times` and `values` from index `offset` on and returns how many it wrote
 * ({@link xorChunkCount} says beforehand). Values keep their exact bits, written as words into the array's buffer,
 * so a stale marker's NaN payload survives. Throws a RangeError when the arrays are too short from `offset` or the
 * chunk is truncated or malformed; the arrays may then hold part of the chunk.
 */
export function decodeXorChunkInto(chunk: Uint8Array, times: Float64Array, values: Float64Array, offset: number): number {
  const count = xorChunkCount(chunk);
  if (!Number.isInteger(offset) || offset < 0 || offset + count > times.length || offset + count > values.length) {
    throw new RangeError(`no room for ${count} samples at index ${offset}`);
  }
  if (count === 0) return 0;
  // Values go in as their two 32-bit words, so every bit pattern (NaN payloads, -0) arrives as written.
  const out = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
  const stream = load(chunk);
  const end = chunk.length * 8;
  let pos = uvarintBits(stream, 0); // past the count

  let t = unzigzag(uvarintAt(stream, pos));
  pos += uvarintBits(stream, pos);
  let hi = bitsAt(stream, pos);
  let lo = bitsAt(stream, pos + 32);
  pos += 64;
  if (pos > end) throw new RangeError('chunk is truncated');
  times[offset] = t;
  out[2 * offset + FLOAT_HIGH_WORD] = hi;
  out[2 * offset + FLOAT_LOW_WORD] = lo;
  let delta = 0;
  // The window of meaningful bits; an XOR that reuses it before any was set reads all 64 bits, as the encoder wrote.
  let leading = 0;
  let trailing = 0;
  const last = offset + count;
  for (let i = offset + 1; i < last; i++) {
    if (i === offset + 1) {
      delta = uvarintAt(stream, pos);
      pos += uvarintBits(stream, pos);
    } else {
      // `0`, or `10`/`110`/`1110` and a two's complement payload that ends at bit 31 - shifted right arithmetically,
      // it comes out sign-extended; `1111` escapes to a zig-zag varint.
      const x = bitsAt(stream, pos);
      if (x >= 0) pos += 1;
      else if ((x & 0x40000000) === 0) {
        delta += (x << 2) >> 18;
        pos += 16;
      } else if ((x & 0x20000000) === 0) {
        delta += (x << 3) >> 15;
        pos += 20;
      } else if ((x & 0x10000000) === 0) {
        delta += (x << 4) >> 12;
        pos += 24;
      } else {
        pos += 4;
        delta += unzigzag(uvarintAt(stream, pos));
        pos += uvarintBits(stream, pos);
      }
    }
    t += delta;
    times[i] = t;

    const control = bitsAt(stream, pos);
    if (control >= 0) {
      pos += 1; // `0`: the same value, bit for bit
    } else {
      if ((control & 0x40000000) === 0) {
        pos += 2; // `10`: the meaningful bits fit the current window
      } else {
        // `11`, 5 bits of leading zeros, 6 bits of length (64 as 0).
        leading = (control >>> 25) & 31;
        trailing = 64 - leading - ((control >>> 19) & 63 || 64);
        if (trailing < 0) throw new RangeError('chunk is malformed');
        pos += 13;
      }
      const significant = 64 - leading - trailing;
      let xhi = 0;
      let xlo: number;
      if (significant > 32) {
        xhi = bitsAt(stream, pos) >>> (64 - significant);
        xlo = bitsAt(stream, pos + significant - 32);
      } else {
        xlo = bitsAt(stream, pos) >>> (32 - significant);
      }
      pos += significant;
      // Back up past the trailing zeros; at 32 or more the meaningful bits were all in the low word.
      if (trailing >= 32) {
        xhi = xlo << (trailing - 32);
        xlo = 0;
      } else if (trailing > 0) {
        xhi = (xhi << trailing) | (xlo >>> (32 - trailing));
        xlo <<= trailing;
      }
      hi ^= xhi;
      lo ^= xlo;
    }
    if (pos > end) throw new RangeError('chunk is truncated');
    out[2 * i + FLOAT_HIGH_WORD] = hi;
    out[2 * i + FLOAT_LOW_WORD] = lo;
  }
  return count;
}
