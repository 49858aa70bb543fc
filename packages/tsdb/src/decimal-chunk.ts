/**
 * A chunk of samples whose values are all decimals of one small scale: each value is an integer mantissa m over
 * 10^k, so the chunk stores k once and the integers' differences, as VictoriaMetrics does, instead of XORs of floats
 * (a gauge with two decimals changes nearly every bit of its float from one sample to the next, and costs XOR
 * about 60 bits a sample). Timestamps are coded as in the XOR chunk. A chunk qualifies when every value is finite,
 * not -0, and equal, bit for bit, to `m / 10 ** k` for one k in 0…12 and integers |m| ≤ 2^50; anything else (stale
 * markers, NaN, infinities, -0, values of no small scale) stays an XOR chunk.
 *
 * Layout: the marker bytes 0x81 0x00, a uvarint sample count, then a bit stream:
 * - the timestamps, all of them first: a zig-zag varint, a uvarint delta, then delta-of-deltas in the XOR chunk's
 *   buckets;
 * - the values' header: 4 bits of k; 1 bit of mode (0: the differences are deltas of m, 1: deltas of the deltas);
 *   a uvarint g, the greatest common divisor of the deltas (memory sizes move in pages, so their deltas share 4096),
 *   by which every difference is divided; four 6-bit widths w0 ≤ w1 ≤ w2 ≤ w3; the first mantissa as a zig-zag
 *   varint;
 * - every later value's difference / g, zig-zag encoded, as `0` + w0 bits, `10` + w1 bits, `110` + w2 bits or
 *   `111` + w3 bits (the shortest bucket it fits). The widths are chosen per chunk for the fewest bits in all.
 *
 * The marker cannot begin an XOR chunk: that starts with its count as a canonical varint, whose second byte is never
 * 0x00 after a first with the continuation bit set. The low 7 bits of the first byte number the format (1 here),
 * so later formats can take 0x82 0x00 and on.
 */
import { BitWriter } from './bit-stream';
import { bitsAt, load, unzigzag, uvarintAt, uvarintBits, writeDeltaOfDelta } from './chunk-bits';

/** The first two bytes of a decimal chunk. */
export const DECIMAL_CHUNK_MARKER: readonly [number, number] = [0x81, 0x00];

/** The largest scale k tried: 10^12 and its quotients are exact enough, and k fits the header's 4 bits. */
const MAX_SCALE = 12;
/** The largest mantissa: deltas of deltas of such integers stay exact (below 2^53) after zig-zag. */
const MAX_MANTISSA = 2 ** 50;
const POWERS = Array.from({ length: MAX_SCALE + 1 }, (_, k) => 10 ** k);
/** A bucket's prefix length, by bucket. */
const PREFIX_BITS = [1, 2, 3, 3] as const;
const TWO_32 = 4294967296;
/** The largest timestamp magnitude, as the XOR chunk allows. */
const MAX_TIME = 2 ** 52;

/**
 * The smallest scale k at which every one of the first `count` values is `m / 10 ** k` for an integer |m| ≤ 2^50
 * exactly (same bits), or -1 when there is none: a NaN, an infinity, -0, or a value with more digits.
 */
export function decimalScale(values: Float64Array, count = values.length): number {
  for (let i = 0; i < count; i++) {
    const v = values[i] as number;
    // NaN fails every comparison; -0 would come back +0.
    if (!(Math.abs(v) <= MAX_MANTISSA) || (v === 0 && 1 / v < 0)) return -1;
  }
  for (let k = 0; k <= MAX_SCALE; k++) if (fitsScale(values, count, POWERS[k] as number)) return k;
  return -1;
}

function fitsScale(values: Float64Array, count: number, power: number): boolean {
  for (let i = 0; i < count; i++) {
    const v = values[i] as number;
    const m = Math.round(v * power);
    if (!(Math.abs(m) <= MAX_MANTISSA) || m / power !== v) return false;
  }
  return true;
}

/** The number of bits of a non-negative integer below 2^54 (0 for 0). */
function bitLength(z: number): number {
  return z < TWO_32 ? 32 - Math.clz32(z) : 64 - Math.clz32(Math.floor(z / TWO_32));
}

function zigzag(x: number): number {
  return x < 0 ? -x * 2 - 1 : x * 2;
}

function gcd(a: number, b: number): number {
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y !== 0) {
    const r = x % y;
    x = y;
    y = r;
  }
  return x;
}

/** The bucket widths for the fewest bits, given how many differences need each bit length, and that total. */
function bestWidths(histogram: Uint32Array): { widths: [number, number, number, number]; bits: number } {
  const lengths: number[] = [];
  const counts: number[] = [];
  for (let length = 0; length < histogram.length; length++) {
    if (histogram[length] !== 0) {
      lengths.push(length);
      counts.push(histogram[length] as number);
    }
  }
  const d = lengths.length;
  if (d === 0) return { widths: [0, 0, 0, 0], bits: 0 };
  // below[j]: how many differences have one of the j shortest lengths.
  const below = new Array<number>(d + 1).fill(0);
  for (let j = 0; j < d; j++) below[j + 1] = (below[j] as number) + (counts[j] as number);
  const top = lengths[d - 1] as number;
  let best = Number.POSITIVE_INFINITY;
  let widths: [number, number, number, number] = [top, top, top, top];
  // Buckets 0–2 take the lengths up to indexes a ≤ b ≤ c; bucket 3 the rest, at the longest length.
  for (let a = 0; a < d; a++) {
    const costA = (below[a + 1] as number) * (1 + (lengths[a] as number));
    for (let b = a; b < d; b++) {
      const costB = costA + ((below[b + 1] as number) - (below[a + 1] as number)) * (2 + (lengths[b] as number));
      for (let c = b; c < d; c++) {
        const cost =
          costB +
          ((below[c + 1] as number) - (below[b + 1] as number)) * (3 + (lengths[c] as number)) +
          ((below[d] as number) - (below[c + 1] as number)) * (3 + top);
        if (cost < best) {
          best = cost;
          widths = [lengths[a] as number, lengths[b] as number, lengths[c] as number, top];
        }
      }
    }
  }
  return { widths, bits: best };
}

/*
 * The encoder's working space, reused between chunks (encoding never yields): allocating it per chunk cost more
 * than the encoding.
 */
let scratch = new Float64Array(128);
let scratchDeltas = new Float64Array(128);
const histograms = [new Uint32Array(64), new Uint32Array(64)] as const;
const writer = new BitWriter(1024);

/**
 * The samples as a decimal chunk, or undefined when a value does not qualify (see the module's comment) or there
 * are no samples. Timestamps are integers (|t| ≤ 2^52), never decreasing; values are the first `timestamps.length`
 * of `values`. Throws a RangeError on a timestamp out of order or range, as the XOR encoder does.
 */
export function encodeDecimalChunk(timestamps: Float64Array, values: Float64Array): Uint8Array | undefined {
  const n = timestamps.length;
  if (n === 0 || values.length < n) return undefined;
  const k = decimalScale(values, n);
  if (k < 0) return undefined;
  const power = POWERS[k] as number;
  if (scratch.length < n) {
    scratch = new Float64Array(Math.max(n, scratch.length * 2));
    scratchDeltas = new Float64Array(scratch.length);
  }
  const mantissas = scratch;
  const deltas = scratchDeltas;
  deltas[0] = 0;
  for (let i = 0; i < n; i++) mantissas[i] = Math.round((values[i] as number) * power);

  // Differences in both modes, and their common divisor (a divisor of every delta divides every delta of deltas).
  let divisor = 0;
  for (let i = 1; i < n; i++) {
    deltas[i] = (mantissas[i] as number) - (mantissas[i - 1] as number);
    divisor = gcd(divisor, deltas[i] as number);
  }
  if (divisor === 0) divisor = 1;
  const byDelta = histograms[0];
  const byDeltaOfDelta = histograms[1];
  byDelta.fill(0);
  byDeltaOfDelta.fill(0);
  for (let i = 1; i < n; i++) {
    const delta = (deltas[i] as number) / divisor;
    const previous = (deltas[i - 1] as number) / divisor;
    (byDelta[bitLength(zigzag(delta))] as number)++;
    (byDeltaOfDelta[bitLength(zigzag(delta - previous))] as number)++;
  }
  const plain = bestWidths(byDelta);
  const second = bestWidths(byDeltaOfDelta);
  const ofDeltas = second.bits < plain.bits;
  const { widths } = ofDeltas ? second : plain;

  const out = writer;
  out.reset();
  let previousT = 0;
  let previousDelta = 0;
  for (let i = 0; i < n; i++) {
    const t = timestamps[i] as number;
    // The message is built elsewhere: a template literal in this loop kept it from being optimised (10× slower).
    if (!(Math.abs(t) <= MAX_TIME) || Math.floor(t) !== t || (i > 0 && t < previousT)) throw badTimestamp(t, i, previousT);
    if (i === 0) out.varint(t);
    else if (i === 1) out.uvarint(t - previousT);
    else writeDeltaOfDelta(out, t - previousT - previousDelta);
    if (i > 0) previousDelta = t - previousT;
    previousT = t;
  }
  out.write((k << 1) | (ofDeltas ? 1 : 0), 5);
  out.uvarint(divisor);
  for (const width of widths) out.write(width, 6);
  out.varint(mantissas[0] as number);
  for (let i = 1; i < n; i++) {
    const delta = (deltas[i] as number) / divisor;
    const z = zigzag(ofDeltas ? delta - (deltas[i - 1] as number) / divisor : delta);
    const length = bitLength(z);
    let bucket = 0;
    while ((widths[bucket] as number) < length) bucket++;
    const width = widths[bucket] as number;
    if (bucket === 0) out.bit(false);
    else out.write(bucket === 1 ? 0b10 : bucket === 2 ? 0b110 : 0b111, PREFIX_BITS[bucket] as number);
    out.write64(Math.floor(z / TWO_32), z >>> 0, width);
  }

  let header = 3;
  for (let v = n; v >= 0x80; v = Math.floor(v / 0x80)) header++;
  const all = new Uint8Array(header + ((out.length + 7) >>> 3));
  all[0] = DECIMAL_CHUNK_MARKER[0];
  all[1] = DECIMAL_CHUNK_MARKER[1];
  let at = 2;
  let v = n;
  for (; v >= 0x80; v = Math.floor(v / 0x80)) all[at++] = (v % 0x80) | 0x80;
  all[at] = v;
  out.copyTo(all, header);
  return all;
}

function badTimestamp(t: number, i: number, previous: number): RangeError {
  if (!Number.isSafeInteger(t) || Math.abs(t) > MAX_TIME) return new RangeError(`timestamp is not an integer in range: ${t}`);
  return new RangeError(`out of order: ${t} after ${previous} (sample ${i})`);
}

/** Whether a chunk begins with the decimal chunk's marker. */
export function isDecimalChunk(chunk: Uint8Array): boolean {
  return chunk[0] === DECIMAL_CHUNK_MARKER[0] && chunk[1] === DECIMAL_CHUNK_MARKER[1];
}

/**
 * The number of samples in a decimal chunk, from its header. Throws a RangeError when the chunk lacks the marker,
 * its header is cut short, or it claims more samples than its bits could hold (every sample after the first takes
 * at least two bits, the first at least 56 with the values' header), so a corrupt count never sizes a huge array.
 */
export function decimalChunkCount(chunk: Uint8Array): number {
  if (!isDecimalChunk(chunk)) throw new RangeError('not a decimal chunk');
  let count = 0;
  let scale = 1;
  for (let i = 2; ; i++) {
    if (i === 10) throw new RangeError('varint is too long');
    if (i >= chunk.length) throw new RangeError('chunk is truncated');
    const byte = chunk[i] as number;
    count += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) {
      const needed = count === 0 ? 0 : 56 + 2 * (count - 1);
      if ((chunk.length - i - 1) * 8 < needed) throw new RangeError('chunk is truncated');
      return count;
    }
    scale *= 0x80;
  }
}

/** The bit position of a decimal chunk's stream (after the marker and the count). */
function streamStart(stream: DataView): number {
  return 16 + uvarintBits(stream, 16);
}

/** The timestamp of a decimal chunk's first sample (undefined when it holds none). */
export function decimalChunkMinTime(chunk: Uint8Array): number | undefined {
  if (decimalChunkCount(chunk) === 0) return undefined;
  const stream = load(chunk);
  return unzigzag(uvarintAt(stream, streamStart(stream)));
}

/**
 * Decodes a decimal chunk's samples into `times` and `values` from index `offset` on and returns how many it wrote
 * ({@link decimalChunkCount} says beforehand). Every value comes out with the bits it was encoded from. Throws a
 * RangeError when the arrays are too short from `offset` or the chunk is truncated or malformed; the arrays may
 * then hold part of the chunk.
 */
export function decodeDecimalChunkInto(chunk: Uint8Array, times: Float64Array, values: Float64Array, offset: number): number {
  const count = decimalChunkCount(chunk);
  if (!Number.isInteger(offset) || offset < 0 || offset + count > times.length || offset + count > values.length) {
    throw new RangeError(`no room for ${count} samples at index ${offset}`);
  }
  if (count === 0) return 0;
  const stream = load(chunk);
  const end = chunk.length * 8;
  const last = offset + count;
  let pos = streamStart(stream);

  let t = unzigzag(uvarintAt(stream, pos));
  pos += uvarintBits(stream, pos);
  times[offset] = t;
  let delta = 0;
  for (let i = offset + 1; i < last; i++) {
    if (i === offset + 1) {
      delta = uvarintAt(stream, pos);
      pos += uvarintBits(stream, pos);
    } else {
      // As in the XOR chunk: `0`, or a prefix and a two's complement payload ending at bit 31, or a varint escape.
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
    if (pos > end) throw new RangeError('chunk is truncated');
  }

  const head = bitsAt(stream, pos) >>> 27;
  const scale = head >>> 1;
  const ofDeltas = (head & 1) === 1;
  pos += 5;
  const divisor = uvarintAt(stream, pos);
  pos += uvarintBits(stream, pos);
  const packed = bitsAt(stream, pos);
  const w0 = (packed >>> 26) & 63;
  const w1 = (packed >>> 20) & 63;
  const w2 = (packed >>> 14) & 63;
  const w3 = (packed >>> 8) & 63;
  pos += 24;
  if (scale > MAX_SCALE || divisor === 0 || w3 > 54 || w0 > w1 || w1 > w2 || w2 > w3) throw new RangeError('chunk is malformed');
  const power = POWERS[scale] as number;
  let m = unzigzag(uvarintAt(stream, pos));
  pos += uvarintBits(stream, pos);
  if (pos > end) throw new RangeError('chunk is truncated');
  values[offset] = m / power;
  let step = 0;
  for (let i = offset + 1; i < last; i++) {
    const control = bitsAt(stream, pos);
    let width: number;
    if (control >= 0) {
      width = w0;
      pos += 1;
    } else if ((control & 0x40000000) === 0) {
      width = w1;
      pos += 2;
    } else {
      width = (control & 0x20000000) === 0 ? w2 : w3;
      pos += 3;
    }
    let difference: number;
    if (width === 0) difference = 0;
    else if (width <= 32) {
      // A zig-zag number of up to 32 bits stands for a signed one that fits 32 bits.
      const z = bitsAt(stream, pos) >>> (32 - width);
      difference = (z >>> 1) ^ -(z & 1);
    } else {
      const z = (bitsAt(stream, pos) >>> (64 - width)) * TWO_32 + (bitsAt(stream, pos + width - 32) >>> 0);
      difference = unzigzag(z);
    }
    pos += width;
    if (ofDeltas) {
      step += difference * divisor;
      m += step;
    } else {
      m += difference * divisor;
    }
    if (pos > end) throw new RangeError('chunk is truncated');
    values[i] = m / power;
  }
  return count;
}
