/*
 * What the chunk formats share: the timestamps' delta-of-delta buckets, and the decoders' way of reading a stream —
 * a copy padded with zeros, looked at 32 bits at a time from a bit position, rather than pulled bit by bit through
 * a reader object. Looks may run past the stream into the padding; decoders check after each sample that the bits
 * it consumed were inside the stream, so a truncated chunk still fails instead of decoding zeros.
 */
import type { BitWriter } from './bit-stream';

/**
 * Writes a timestamp's delta-of-delta, a bucket's prefix and its payload in one write: `0` for 0; `10` + 14 bits,
 * `110` + 17 bits, `1110` + 20 bits (two's complement); `1111` + a zig-zag varint for anything larger.
 */
export function writeDeltaOfDelta(out: BitWriter, dod: number): void {
  if (dod === 0) out.bit(false);
  else if (dod >= -0x2000 && dod < 0x2000) out.write((0b10 << 14) | (dod & 0x3fff), 16);
  else if (dod >= -0x10000 && dod < 0x10000) out.write((0b110 << 17) | (dod & 0x1ffff), 20);
  else if (dod >= -0x80000 && dod < 0x80000) out.write((0b1110 << 20) | (dod & 0xfffff), 24);
  else {
    out.write(0b1111, 4);
    out.varint(dod);
  }
}

/**
 * Zero bytes after the stream: enough for one sample's reads past its end (a varint escape after `1111`, 13 control
 * bits, 64 value bits, and the five bytes of a look).
 */
const PAD_BYTES = 32;

/** The chunk being decoded, copied and padded with zeros; reused between chunks, since decoding never yields. */
let loaded = new DataView(new ArrayBuffer(1024));
let loadedBytes = new Uint8Array(loaded.buffer);

/** Copies `chunk` into a shared buffer, followed by zero bytes; valid until the next call. */
export function load(chunk: Uint8Array): DataView {
  const needed = chunk.length + PAD_BYTES;
  if (loadedBytes.length < needed) {
    loadedBytes = new Uint8Array(Math.max(needed, loadedBytes.length * 2));
    loaded = new DataView(loadedBytes.buffer);
  }
  loadedBytes.set(chunk);
  loadedBytes.fill(0, chunk.length, needed);
  return loaded;
}

/** The 32 bits starting at bit `pos`, as a signed 32-bit number (so `< 0` means the first is set). */
export function bitsAt(stream: DataView, pos: number): number {
  const at = pos >>> 3;
  const shift = pos & 7;
  return (stream.getInt32(at) << shift) | (stream.getUint8(at + 4) >>> (8 - shift));
}

/** The unsigned LEB128 varint at bit `pos` (up to 8 bytes, as BitWriter writes them). */
export function uvarintAt(stream: DataView, pos: number): number {
  let result = 0;
  let scale = 1;
  for (let i = 0; i < 8; i++) {
    const byte = bitsAt(stream, pos + 8 * i) >>> 24;
    result += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return result;
    scale *= 0x80;
  }
  throw new RangeError('varint is too long');
}

/** How many bits the varint at bit `pos` takes. */
export function uvarintBits(stream: DataView, pos: number): number {
  for (let i = 0; i < 8; i++) if (bitsAt(stream, pos + 8 * i) >= 0) return 8 * (i + 1);
  throw new RangeError('varint is too long');
}

/** The signed integer a zig-zag encoded one stands for (0, -1, 1, -2, … for 0, 1, 2, 3, …). */
export function unzigzag(u: number): number {
  return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
}
