import { crc32 } from 'node:zlib';

/*
 * One buffered record on disk: MAGIC (4 bytes) | payload length (u32 BE) | CRC32 of the payload (u32 BE) | payload
 * (UTF-8 JSON). The magic contains 0x01, which JSON text never holds raw (control characters are escaped), so after
 * a damaged frame the reader finds the next frame by searching for the magic: a corrupt record costs only itself.
 */

/** The bytes every frame starts with. */
export const FRAME_MAGIC = Buffer.from([0xe5, 0x7a, 0x7e, 0x01]);

/** Bytes before the payload: magic, length, CRC32. */
export const FRAME_HEADER_BYTES = 12;

/** The largest payload a frame may carry (16 MiB); a larger length field marks a damaged header. */
export const MAX_FRAME_PAYLOAD = 16 * 1024 * 1024;

/** Encodes one payload as a frame. */
export function encodeFrame(payload: Buffer): Buffer {
  if (payload.length > MAX_FRAME_PAYLOAD) throw new RangeError(`A buffered record may hold at most ${MAX_FRAME_PAYLOAD} bytes.`);
  const header = Buffer.alloc(FRAME_HEADER_BYTES);
  FRAME_MAGIC.copy(header, 0);
  header.writeUInt32BE(payload.length, 4);
  header.writeUInt32BE(crc32(payload), 8);
  return Buffer.concat([header, payload]);
}

/** A frame found in a segment: where it starts, how long it is on disk, and its payload. */
export interface DecodedFrame {
  offset: number;
  /** Header plus payload, in bytes. */
  size: number;
  payload: Buffer;
}

/** What scanning a segment found: the intact frames in order and how many damaged stretches were skipped. */
export interface SegmentScan {
  frames: DecodedFrame[];
  /** Damaged or torn records skipped (each stretch between two intact frames counts as one). */
  damaged: number;
}

/**
 * Reads every intact frame of a segment's bytes in order. A frame whose CRC does not match, whose length is
 * impossible, or that is cut short (a torn append) is skipped; reading resumes at the next magic after it.
 */
export function scanSegment(bytes: Buffer): SegmentScan {
  const frames: DecodedFrame[] = [];
  let damaged = 0;
  let pos = 0;
  while (pos < bytes.length) {
    const at = bytes.indexOf(FRAME_MAGIC, pos);
    if (at < 0) {
      damaged++;
      break;
    }
    if (at > pos) damaged++;
    const frame = readFrameAt(bytes, at);
    if (frame) {
      frames.push(frame);
      pos = at + frame.size;
    } else {
      // One damaged record: skip to the next magic after its first byte (the stretch up to it is this record).
      damaged++;
      const next = bytes.indexOf(FRAME_MAGIC, at + 1);
      if (next < 0) break;
      pos = next;
    }
  }
  return { frames, damaged };
}

/** The intact frame starting at `offset`, or null when it is damaged or incomplete. */
export function readFrameAt(bytes: Buffer, offset: number): DecodedFrame | null {
  if (offset + FRAME_HEADER_BYTES > bytes.length) return null;
  if (!bytes.subarray(offset, offset + 4).equals(FRAME_MAGIC)) return null;
  const length = bytes.readUInt32BE(offset + 4);
  const crc = bytes.readUInt32BE(offset + 8);
  if (length > MAX_FRAME_PAYLOAD || offset + FRAME_HEADER_BYTES + length > bytes.length) return null;
  const payload = bytes.subarray(offset + FRAME_HEADER_BYTES, offset + FRAME_HEADER_BYTES + length);
  if (crc32(payload) !== crc) return null;
  return { offset, size: FRAME_HEADER_BYTES + length, payload };
}
