/**
 * Bit-level writing and reading over bytes, most significant bit first. Values of up to 64 bits are passed as two
 * unsigned 32-bit halves, because JavaScript numbers hold only 53 bits exactly and BigInt is slow on the hot path.
 */

/** Appends bits to a growing byte buffer. */
export class BitWriter {
  private buf: Uint8Array;
  /** Bits written so far. */
  private bitLength = 0;

  constructor(initialBytes = 64) {
    this.buf = new Uint8Array(Math.max(8, initialBytes));
  }

  /** Number of bits written. */
  get length(): number {
    return this.bitLength;
  }

  /** Forgets what was written, keeping the buffer, so one writer can serve many chunks in turn. */
  reset(): void {
    this.buf.fill(0, 0, (this.bitLength + 7) >>> 3);
    this.bitLength = 0;
  }

  /** Writes the low `count` bits (0–32) of `value`, highest first. */
  write(value: number, count: number): void {
    if (count === 0) return;
    this.ensure(count);
    const buf = this.buf;
    // Only the low `count` bits matter; >>> 0 keeps the arithmetic unsigned.
    const v = count === 32 ? value >>> 0 : (value & ((1 << count) - 1)) >>> 0;
    let pos = this.bitLength;
    let remaining = count;
    // The bytes ahead are zero: each step ORs the next bits into the partly filled byte, then whole bytes.
    while (remaining > 0) {
      const free = 8 - (pos & 7);
      if (remaining >= free) {
        remaining -= free;
        buf[pos >>> 3] = (buf[pos >>> 3] as number) | ((v >>> remaining) & ((1 << free) - 1));
        pos += free;
      } else {
        buf[pos >>> 3] = (buf[pos >>> 3] as number) | ((v & ((1 << remaining) - 1)) << (free - remaining));
        pos += remaining;
        remaining = 0;
      }
    }
    this.bitLength = pos;
  }

  /** Writes one bit. */
  bit(on: boolean): void {
    this.ensure(1);
    const pos = this.bitLength;
    if (on) this.buf[pos >>> 3] = (this.buf[pos >>> 3] as number) | (0x80 >>> (pos & 7));
    this.bitLength = pos + 1;
  }

  /** Writes the low `count` bits (0–64) of the 64-bit value `hi:lo`. */
  write64(hi: number, lo: number, count: number): void {
    if (count > 32) {
      this.write(hi, count - 32);
      this.write(lo, 32);
    } else {
      this.write(lo, count);
    }
  }

  /** Writes an unsigned integer (0 … 2^53) as a LEB128 varint, byte-aligned or not. */
  uvarint(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not an unsigned safe integer: ${value}`);
    let v = value;
    while (v >= 0x80) {
      this.write((v % 0x80) | 0x80, 8);
      v = Math.floor(v / 0x80);
    }
    this.write(v, 8);
  }

  /** Writes a signed integer (|v| ≤ 2^52) as a zig-zag varint. */
  varint(value: number): void {
    this.uvarint(value < 0 ? -value * 2 - 1 : value * 2);
  }

  /** The bytes written, the last one padded with zero bits. A copy, so the writer may go on. */
  bytes(): Uint8Array {
    return this.buf.slice(0, (this.bitLength + 7) >>> 3);
  }

  /** Copies the bytes written (the last one padded with zero bits) into `target` at `offset`. */
  copyTo(target: Uint8Array, offset: number): void {
    const length = (this.bitLength + 7) >>> 3;
    for (let i = 0; i < length; i++) target[offset + i] = this.buf[i] as number;
  }

  private ensure(bits: number): void {
    const needed = (this.bitLength + bits + 7) >>> 3;
    if (needed <= this.buf.length) return;
    const next = new Uint8Array(Math.max(needed, this.buf.length * 2));
    next.set(this.buf);
    this.buf = next;
  }
}

/** Reads bits written by {@link BitWriter}. Reading past the end throws, so a truncated chunk is an error, not zeros. */
export class BitReader {
  private pos = 0;
  private readonly end: number;

  constructor(
    private readonly buf: Uint8Array,
    bitLength = buf.length * 8,
  ) {
    this.end = bitLength;
  }

  /** Bits not yet read. */
  get remaining(): number {
    return this.end - this.pos;
  }

  /** Reads `count` bits (0–32) as an unsigned number. */
  read(count: number): number {
    if (count === 0) return 0;
    if (this.pos + count > this.end) throw new RangeError('chunk is truncated');
    let out = 0;
    let remaining = count;
    while (remaining > 0) {
      const byte = this.buf[this.pos >>> 3] as number;
      const offset = this.pos & 7;
      const avail = 8 - offset;
      const take = Math.min(avail, remaining);
      const chunk = (byte >>> (avail - take)) & ((1 << take) - 1);
      out = out * (1 << take) + chunk; // multiplication keeps 32-bit results unsigned
      this.pos += take;
      remaining -= take;
    }
    return out;
  }

  /** Reads one bit. */
  bit(): boolean {
    return this.read(1) === 1;
  }

  /** Reads `count` bits (0–64) as the halves of a 64-bit value. */
  read64(count: number): [hi: number, lo: number] {
    if (count > 32) {
      const hi = this.read(count - 32);
      return [hi, this.read(32)];
    }
    return [0, this.read(count)];
  }

  uvarint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const byte = this.read(8);
      result += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) return result;
      scale *= 0x80;
    }
    throw new RangeError('varint is too long');
  }

  varint(): number {
    const u = this.uvarint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }
}
