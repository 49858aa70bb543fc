/**
 * Snappy's block format (not the framed/stream format), as Prometheus remote_write bodies use it: a uvarint of the
 * uncompressed length, then literals and back-references. Decoding checks every length and offset against the
 * declared size and a caller's cap, so a hostile body can neither allocate without bound nor read outside its
 * output. Encoding is a plain greedy matcher with a 4-byte hash, the same shape as the reference encoder's.
 */

/** Thrown for a body that is not valid snappy or decompresses past the cap. */
export class SnappyError extends Error {
  override name = 'SnappyError';
}

function readUvarint(input: Uint8Array, at: number): [value: number, next: number] {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 5; i++) {
    const byte = input[at + i];
    if (byte === undefined) throw new SnappyError('truncated length preamble');
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return [value, at + i + 1];
    scale *= 128;
  }
  throw new SnappyError('length preamble is too long');
}

/** The uncompressed length a block declares, without decoding it. */
export function snappyDecodedLength(input: Uint8Array): number {
  return readUvarint(input, 0)[0];
}

/** Decompresses a snappy block. `maxLength` caps the declared uncompressed size (default 32 MiB). */
export function snappyDecode(input: Uint8Array, maxLength = 32 * 1024 * 1024): Uint8Array {
  const [length, start] = readUvarint(input, 0);
  if (length > maxLength) throw new SnappyError(`decompressed size ${length} exceeds the limit of ${maxLength} bytes`);
  const out = new Uint8Array(length);
  const written = decodeElements(input, start, out);
  if (written !== length) throw new SnappyError(`decompressed ${written} bytes, the block declared ${length}`);
  return out;
}

/**
 * Decodes the literals and copies of a block from `start` into `out` (its declared length); answers the bytes written.
 * A function of its own because V8 compiles a long loop while it runs, before the code after the loop has ever run,
 * and in one function with that code the compiled loop was thrown away again at the end of every call.
 */
function decodeElements(input: Uint8Array, start: number, out: Uint8Array): number {
  const length = out.length;
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  let o = 0;
  let i = start;
  while (i < input.length) {
    const tag = input[i++] as number;
    const kind = tag & 3;
    if (kind === 0) {
      let len = tag >>> 2;
      if (len >= 60) {
        const bytes = len - 59;
        if (i + bytes > input.length) throw new SnappyError('truncated literal length');
        len = 0;
        for (let b = 0; b < bytes; b++) len += (input[i + b] as number) * 2 ** (8 * b);
        i += bytes;
      }
      len += 1;
      if (i + len > input.length) throw new SnappyError('literal runs past the input');
      if (o + len > length) throw new SnappyError('literal runs past the declared length');
      // Short literals (most of them, in a remote_write body) copy faster by hand than through a subarray.
      if (len > 32) {
        out.set(input.subarray(i, i + len), o);
        i += len;
        o += len;
      } else for (const end = i + len; i < end; ) out[o++] = input[i++] as number;
      continue;
    }
    let len: number;
    let offset: number;
    if (kind === 1) {
      if (i >= input.length) throw new SnappyError('truncated copy');
      len = 4 + ((tag >>> 2) & 7);
      offset = ((tag >>> 5) << 8) | (input[i++] as number);
    } else if (kind === 2) {
      if (i + 2 > input.length) throw new SnappyError('truncated copy');
      len = 1 + (tag >>> 2);
      offset = (input[i] as number) | ((input[i + 1] as number) << 8);
      i += 2;
    } else {
      if (i + 4 > input.length) throw new SnappyError('truncated copy');
      len = 1 + (tag >>> 2);
      offset =
        ((input[i] as number) | ((input[i + 1] as number) << 8) | ((input[i + 2] as number) << 16)) + (input[i + 3] as number) * 2 ** 24;
      i += 4;
    }
    if (offset === 0 || offset > o) throw new SnappyError('copy refers before the start of the output');
    if (o + len > length) throw new SnappyError('copy runs past the declared length');
    const end = o + len;
    if (offset >= 4) {
      // Four bytes a step: each word read lies wholly before what it writes, so overlapping copies come out right.
      for (; o + 4 <= end; o += 4) view.setUint32(o, view.getUint32(o - offset));
    }
    // Byte by byte: the rest, and copies that repeat a pattern shorter than a word.
    for (; o < end; o++) out[o] = out[o - offset] as number;
  }
  return o;
}

const HASH_BITS = 14;
const MAX_OFFSET = 65_535;

function hash4(input: Uint8Array, at: number): number {
  const v =
    ((input[at] as number) | ((input[at + 1] as number) << 8) | ((input[at + 2] as number) << 16) | ((input[at + 3] as number) << 24)) >>>
    0;
  return Math.imul(v, 0x1e35a7bd) >>> (32 - HASH_BITS);
}

/** Compresses bytes into a snappy block that any snappy implementation decodes. */
export function snappyEncode(input: Uint8Array): Uint8Array {
  // Worst case: preamble + every byte a literal with a tag per 60 bytes… snappy's own bound.
  const out = new Uint8Array(32 + input.length + Math.ceil(input.length / 6));
  let o = 0;
  let n = input.length;
  while (n >= 0x80) {
    out[o++] = (n & 0x7f) | 0x80;
    n = Math.floor(n / 128);
  }
  out[o++] = n;

  const emitLiteral = (from: number, to: number) => {
    let remaining = to - from;
    let at = from;
    while (remaining > 0) {
      const len = Math.min(remaining, 65_536);
      const l = len - 1;
      if (l < 60) out[o++] = l << 2;
      else if (l < 256) {
        out[o++] = 60 << 2;
        out[o++] = l;
      } else {
        out[o++] = 61 << 2;
        out[o++] = l & 0xff;
        out[o++] = l >>> 8;
      }
      out.set(input.subarray(at, at + len), o);
      o += len;
      at += len;
      remaining -= len;
    }
  };
  const emitCopy = (offset: number, length: number) => {
    let len = length;
    while (len > 0) {
      // Copies of 4–11 bytes with offsets under 2048 fit the one-byte form; the rest use two-byte offsets (≤ 64 bytes).
      if (len >= 4 && len <= 11 && offset < 2048) {
        out[o++] = 1 | ((len - 4) << 2) | ((offset >>> 8) << 5);
        out[o++] = offset & 0xff;
        return;
      }
      const take = len > 64 ? (len - 64 < 4 ? 60 : 64) : len;
      out[o++] = 2 | ((take - 1) << 2);
      out[o++] = offset & 0xff;
      out[o++] = offset >>> 8;
      len -= take;
    }
  };

  const table = new Int32Array(1 << HASH_BITS).fill(-1);
  let literalStart = 0;
  let i = 0;
  const limit = input.length - 4;
  while (i <= limit) {
    const h = hash4(input, i);
    const candidate = table[h] as number;
    table[h] = i;
    if (
      candidate >= 0 &&
      i - candidate <= MAX_OFFSET &&
      input[candidate] === input[i] &&
      input[candidate + 1] === input[i + 1] &&
      input[candidate + 2] === input[i + 2] &&
      input[candidate + 3] === input[i + 3]
    ) {
      emitLiteral(literalStart, i);
      let len = 4;
      while (i + len < input.length && input[candidate + len] === input[i + len]) len++;
      emitCopy(i - candidate, len);
      i += len;
      literalStart = i;
      continue;
    }
    i++;
  }
  emitLiteral(literalStart, input.length);
  return out.slice(0, o);
}
