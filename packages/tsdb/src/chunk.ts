/**
 * Chunks of either format, told apart by their first bytes: a decimal chunk begins with its marker (0x81 0x00),
 * anything else is an XOR chunk (all chunks stored before the decimal format are). Readers go through these
 * functions; writers grow XOR chunks and {@link sealChunk} a full one into whichever format is smaller.
 */
import {
  DECIMAL_CHUNK_MARKER,
  decimalChunkCount,
  decimalChunkMinTime,
  decodeDecimalChunkInto,
  encodeDecimalChunk,
  isDecimalChunk,
} from './decimal-chunk';
import { decodeXorChunk, decodeXorChunkInto, XorChunkEncoder, xorChunkCount, xorChunkMinTime } from './xor-chunk';

/** A chunk's format, by its first bytes. */
export type ChunkFormat = 'xor' | 'decimal';

/**
 * The format of a chunk. Throws a RangeError on the marker of a format this version does not know (a first byte
 * with the high bit set and a second of 0x00, which no XOR chunk begins with).
 */
export function chunkFormat(chunk: Uint8Array): ChunkFormat {
  if (chunk[1] !== 0x00 || (chunk[0] as number) < 0x80) return 'xor';
  if (isDecimalChunk(chunk)) return 'decimal';
  throw new RangeError(
    `unknown chunk format ${(chunk[0] as number) & 0x7f} (this version reads ${DECIMAL_CHUNK_MARKER[0] & 0x7f} and XOR)`,
  );
}

/** The number of samples in a chunk of either format; throws a RangeError when its header is malformed. */
export function chunkCount(chunk: Uint8Array): number {
  return chunkFormat(chunk) === 'decimal' ? decimalChunkCount(chunk) : xorChunkCount(chunk);
}

/** The timestamp of a chunk's first sample (undefined when empty), without decoding the rest. */
export function chunkMinTime(chunk: Uint8Array): number | undefined {
  return chunkFormat(chunk) === 'decimal' ? decimalChunkMinTime(chunk) : xorChunkMinTime(chunk);
}

/**
 * Decodes a chunk of either format into `times` and `values` from index `offset` on, values with their exact bits,
 * and returns how many samples it wrote; as {@link decodeXorChunkInto}, throws a RangeError on a malformed chunk or
 * arrays too short.
 */
export function decodeChunkInto(chunk: Uint8Array, times: Float64Array, values: Float64Array, offset: number): number {
  return chunkFormat(chunk) === 'decimal'
    ? decodeDecimalChunkInto(chunk, times, values, offset)
    : decodeXorChunkInto(chunk, times, values, offset);
}

/** The samples of a chunk of either format, in order. */
export function decodeChunk(chunk: Uint8Array): { timestamps: Float64Array; values: Float64Array } {
  if (chunkFormat(chunk) === 'xor') return decodeXorChunk(chunk);
  const count = decimalChunkCount(chunk);
  const timestamps = new Float64Array(count);
  const values = new Float64Array(count);
  decodeDecimalChunkInto(chunk, timestamps, values, 0);
  return { timestamps, values };
}

/** An XOR encoder holding the samples of a chunk of either format, to append more (a series' head after a restart). */
export function encoderOf(chunk: Uint8Array): XorChunkEncoder {
  if (chunkFormat(chunk) === 'xor') return XorChunkEncoder.from(chunk);
  const { timestamps, values } = decodeChunk(chunk);
  return XorChunkEncoder.of(timestamps, values);
}

/** The samples of the chunk being sealed, reused between chunks (sealing never yields). */
let sealTimes = new Float64Array(128);
let sealValues = new Float64Array(128);

/**
 * A chunk that will not grow any more in its smallest format: the decimal one when its values qualify and it is
 * smaller, else `chunk` itself. Takes a chunk of either format and gives back the same samples, bit for bit.
 */
export function sealChunk(chunk: Uint8Array): Uint8Array {
  if (chunkFormat(chunk) !== 'xor') return chunk;
  const count = xorChunkCount(chunk);
  if (sealTimes.length < count) {
    sealTimes = new Float64Array(Math.max(count, sealTimes.length * 2));
    sealValues = new Float64Array(sealTimes.length);
  }
  decodeXorChunkInto(chunk, sealTimes, sealValues, 0);
  const decimal = encodeDecimalChunk(sealTimes.subarray(0, count), sealValues);
  return decimal !== undefined && decimal.length < chunk.length ? decimal : chunk;
}
