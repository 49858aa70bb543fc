/**
 * The few protobuf wire-format primitives remote_write needs, hand-rolled: its messages are small and flat, and a
 * generated codec would cost more than it saves. Reading is bounds-checked; malformed input throws ProtobufError.
 */

export class ProtobufError extends Error {
  override name = 'ProtobufError';
}

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_BYTES = 2;
export const WIRE_FIXED32 = 5;

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

/** The text of `buf[start, end)`, which must be UTF-8 (else ProtobufError). */
export function utf8Text(buf: Uint8Array, start: number, end: number): string {
  // Label names and values are mostly short ASCII: read those without the decoder's call and copy.
  if (end - start <= 64) {
    let ascii = true;
    for (let i = start; i < end; i++) {
      if ((buf[i] as number) >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) return String.fromCharCode.apply(null, buf.subarray(start, end) as unknown as number[]);
  }
  try {
    return utf8.decode(buf.subarray(start, end));
  } catch {
    throw new ProtobufError('string is not valid UTF-8');
  }
}

/** Reads one protobuf message's fields in order. */
export class ProtoReader {
  pos: number;
  /** Where the message being read ends; `enter` and `leave` move it for a nested message. */
  end: number;
  private readonly view: DataView;

  constructor(
    readonly buf: Uint8Array,
    start = 0,
    end = buf.length,
    view?: DataView,
  ) {
    this.pos = start;
    this.end = end;
    this.view = view ?? new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  /** A reader of [start, end) of the same buffer, sharing its view. */
  sub(start: number, end: number): ProtoReader {
    return new ProtoReader(this.buf, start, end, this.view);
  }

  /**
   * Reads a length-delimited field's length and narrows this reader to it, answering the outer end to `leave` with:
   * a nested message read in place, with no reader allocated for it.
   */
  enter(): number {
    const length = this.varint();
    if (length < 0 || this.pos + length > this.end) throw new ProtobufError('length-delimited field runs past its message');
    const outer = this.end;
    this.end = this.pos + length;
    return outer;
  }

  /** Ends a nested message entered with `enter`: reading goes on after it, up to the outer end. */
  leave(outer: number): void {
    this.pos = this.end;
    this.end = outer;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** The next field's number and wire type. */
  tag(): [field: number, wire: number] {
    const key = this.key();
    return [Math.floor(key / 8), key % 8];
  }

  /**
   * The next field's key, `field * 8 + wire`, as one number: a hot loop compares it with a constant (`0x0a` is field
   * 1, length-delimited) instead of taking a pair apart.
   */
  key(): number {
    const key = this.varint();
    if (key >= 0 && key < 8) throw new ProtobufError('field number 0');
    return key;
  }

  /** A varint as a number: exact up to 2^53; int64 negatives (ten bytes, two's complement) come back negative. */
  varint(): number {
    // Tags and short lengths are one byte: the common case, without the general loop.
    if (this.pos < this.end) {
      const first = this.buf[this.pos] as number;
      if (first < 0x80) {
        this.pos++;
        return first;
      }
    }
    let lo = 0;
    let hi = 0;
    let shift = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new ProtobufError('truncated varint');
      const byte = this.buf[this.pos++] as number;
      const bits = byte & 0x7f;
      if (shift < 28) lo |= bits << shift;
      else if (shift === 28) {
        lo |= (bits & 0x0f) << 28;
        hi |= bits >>> 4;
      } else hi |= bits << (shift - 32);
      if ((byte & 0x80) === 0) {
        lo >>>= 0;
        hi >>>= 0;
        return hi >= 0x80000000 ? (hi - 0x100000000) * 0x100000000 + lo : hi * 0x100000000 + lo;
      }
      shift += 7;
    }
    throw new ProtobufError('varint longer than ten bytes');
  }

  /** Whether the double at the read position is Prometheus' stale marker (read its bits before `double()`). */
  peekStaleMarker(): boolean {
    if (this.pos + 8 > this.end) return false;
    return this.view.getUint32(this.pos + 4, true) === 0x7ff00000 && this.view.getUint32(this.pos, true) === 0x00000002;
  }

  double(): number {
    if (this.pos + 8 > this.end) throw new ProtobufError('truncated double');
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** A length-delimited field's bounds, [start, end). */
  bytesBounds(): [number, number] {
    const length = this.varint();
    if (length < 0 || this.pos + length > this.end) throw new ProtobufError('length-delimited field runs past its message');
    const start = this.pos;
    this.pos += length;
    return [start, this.pos];
  }

  /**
   * Reads a length-delimited field's length and moves past its bytes, answering where they start (they end at `pos`):
   * a hot loop's `bytesBounds` without the pair.
   */
  bytesStart(): number {
    const length = this.varint();
    if (length < 0 || this.pos + length > this.end) throw new ProtobufError('length-delimited field runs past its message');
    const start = this.pos;
    this.pos += length;
    return start;
  }

  string(): string {
    const [start, end] = this.bytesBounds();
    return utf8Text(this.buf, start, end);
  }

  /** Skips a field of the given wire type. */
  skip(wire: number): void {
    if (wire === WIRE_VARINT) this.varint();
    else if (wire === WIRE_FIXED64) this.advance(8);
    else if (wire === WIRE_BYTES) this.bytesBounds();
    else if (wire === WIRE_FIXED32) this.advance(4);
    else throw new ProtobufError(`unsupported wire type ${wire}`);
  }

  private advance(n: number): void {
    if (this.pos + n > this.end) throw new ProtobufError('truncated field');
    this.pos += n;
  }
}

/** Writes protobuf fields into a growing buffer. */
export class ProtoWriter {
  private buf = new Uint8Array(256);
  private view = new DataView(this.buf.buffer);
  private pos = 0;

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** A non-negative integer (≤ 2^53) or an int64 negative (ten bytes). */
  varint(value: number): this {
    this.ensure(10);
    if (value < 0) {
      // Two's complement over 64 bits, split into halves.
      const hi = Math.floor(value / 0x100000000) + 0x100000000;
      const lo = value - Math.floor(value / 0x100000000) * 0x100000000;
      return this.varint64(hi >>> 0, lo >>> 0);
    }
    let v = value;
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.pos++] = v;
    return this;
  }

  private varint64(hi: number, lo: number): this {
    let h = hi;
    let l = lo;
    while (h !== 0 || l >= 0x80) {
      this.buf[this.pos++] = (l & 0x7f) | 0x80;
      l = ((l >>> 7) | (h << 25)) >>> 0;
      h >>>= 7;
    }
    this.buf[this.pos++] = l;
    return this;
  }

  tag(field: number, wire: number): this {
    return this.varint(field * 8 + wire);
  }

  double(field: number, value: number): this {
    this.tag(field, WIRE_FIXED64);
    this.ensure(8);
    this.view.setFloat64(this.pos, value, true);
    this.pos += 8;
    return this;
  }

  /** A double field holding Prometheus' stale marker, written as its bits (see STALE_BITS in xor-chunk.ts). */
  staleMarker(field: number): this {
    this.tag(field, WIRE_FIXED64);
    this.ensure(8);
    this.view.setUint32(this.pos, 0x00000002, true);
    this.view.setUint32(this.pos + 4, 0x7ff00000, true);
    this.pos += 8;
    return this;
  }

  int64(field: number, value: number): this {
    if (value === 0) return this;
    return this.tag(field, WIRE_VARINT).varint(value);
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WIRE_BYTES).varint(value.length);
    this.ensure(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, utf8Encoder.encode(value));
  }

  /** A packed repeated uint32 field. */
  packed(field: number, values: readonly number[]): this {
    if (values.length === 0) return this;
    const inner = new ProtoWriter();
    for (const v of values) inner.varint(v);
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}
