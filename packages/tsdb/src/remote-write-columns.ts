/**
 * remote_write requests decoded for a receiver's hot path: the samples in typed arrays, and each series' labels as
 * byte ranges of the body, made into strings only when asked. A receiver that has met a label set before knows it
 * again by its bytes (`keyBytes`), so a known series costs no string and no object.
 */
import { ProtobufError, ProtoReader, utf8Text, WIRE_BYTES } from './protobuf';
import type { MetricType, WriteRequest, WriteSeries } from './remote-write';

const V1_TYPES: MetricType[] = ['unknown', 'counter', 'gauge', 'histogram', 'gaugehistogram', 'summary', 'info', 'stateset'];
const V2_TYPES: MetricType[] = V1_TYPES;

/** Field keys (`field * 8 + wire type`) the decoders compare with. */
const KEY_1_BYTES = 0x0a;
const KEY_1_VARINT = 0x08;
const KEY_1_FIXED64 = 0x09;
const KEY_2_BYTES = 0x12;
const KEY_2_VARINT = 0x10;
const KEY_3_BYTES = 0x1a;
const KEY_3_VARINT = 0x18;
const KEY_4_BYTES = 0x22;
const KEY_4_VARINT = 0x20;
const KEY_5_BYTES = 0x2a;
const KEY_6_VARINT = 0x30;

/** Per-series metadata, as 2.0 carries it. */
export interface SeriesMetadata {
  type: MetricType;
  help: string;
  unit: string;
}

/** A decoded request: series by index, each with its label ranges and its samples in columns. */
export class WriteColumns {
  /** Series in the request. */
  seriesCount = 0;
  /** Samples in the request, over all series. */
  sampleCount = 0;
  /** Series i's samples are [sampleStart[i], sampleStart[i + 1]) of `timestamps`, `values` and `stale`. */
  sampleStart: Uint32Array;
  /** Sample times, epoch ms. */
  timestamps: Float64Array;
  values: Float64Array;
  /** 1 where the sample is Prometheus' stale marker, read from the wire's bits (a NaN in `values` may lose them). */
  stale: Uint8Array;
  /**
   * Labels read as they came (2.0's, and 1.0's that did not come together): series i's are [labelStart[i],
   * labelStart[i + 1]); label j's name is `bytes[labelBounds[4j], labelBounds[4j + 1])` and its value
   * `bytes[labelBounds[4j + 2], labelBounds[4j + 3])`, in the order sent.
   */
  private labelStart: Uint32Array;
  private labelBounds: Int32Array;
  /**
   * Series i's label set as bytes, `keyBytes[keyBounds[2i], keyBounds[2i + 1])`: equal bytes are always the same label
   * set, so a receiver can know a series again without reading its labels. 1.0's are the label fields as sent, when
   * they came together as senders write them (else the bounds are -1 and the labels must be read); 2.0's are built,
   * each name and value as a varint length and its bytes.
   */
  keyBytes: Uint8Array;
  keyBounds: Int32Array;
  /** 1.0's per-family metadata. */
  readonly metadata: WriteRequest['metadata'] = [];
  /** 2.0's per-series metadata and created timestamps, by series index. */
  readonly seriesMetadata = new Map<number, SeriesMetadata>();
  readonly createdTimestamps = new Map<number, number>();
  /** Native histogram samples and exemplars seen and not carried. */
  histogramsSkipped = 0;
  exemplarsSkipped = 0;
  private labelCount = 0;

  constructor(
    readonly version: 1 | 2,
    /** The decompressed message the label ranges point into. */
    readonly bytes: Uint8Array,
  ) {
    // A series with one sample takes some tens of bytes: a first guess that mostly needs no growing.
    const series = Math.max(16, bytes.length >>> 6);
    this.sampleStart = new Uint32Array(series + 1);
    this.timestamps = new Float64Array(series);
    this.values = new Float64Array(series);
    this.stale = new Uint8Array(series);
    this.labelStart = new Uint32Array(series + 1);
    this.labelBounds = new Int32Array(series * 16);
    this.keyBounds = new Int32Array(2 * series);
    this.keyBytes = version === 1 ? bytes : new Uint8Array(bytes.length);
  }

  /** Series i's labels as strings, in the order sent. Throws ProtobufError when one is not UTF-8. */
  labels(i: number): Array<[name: string, value: string]> {
    const out: Array<[string, string]> = [];
    const keyStart = this.keyBounds[2 * i] as number;
    if (this.version === 1 && keyStart >= 0) {
      // 1.0 label fields that came together were stepped over: read them now.
      const r = new ProtoReader(this.bytes, keyStart, this.keyBounds[2 * i + 1] as number);
      while (!r.done) {
        r.key();
        const [nameStart, nameEnd, valueStart, valueEnd] = labelV1(r);
        out.push([utf8Text(this.bytes, nameStart, nameEnd), utf8Text(this.bytes, valueStart, valueEnd)]);
      }
      return out;
    }
    const b = this.labelBounds;
    for (let j = 4 * (this.labelStart[i] as number), end = 4 * (this.labelStart[i + 1] as number); j < end; j += 4) {
      out.push([utf8Text(this.bytes, b[j] as number, b[j + 1] as number), utf8Text(this.bytes, b[j + 2] as number, b[j + 3] as number)]);
    }
    return out;
  }

  /** Adds a label to the series being read. */
  addLabel(nameStart: number, nameEnd: number, valueStart: number, valueEnd: number): void {
    const at = 4 * this.labelCount;
    if (at + 4 > this.labelBounds.length) this.labelBounds = grown(this.labelBounds, at + 4);
    const b = this.labelBounds;
    b[at] = nameStart;
    b[at + 1] = nameEnd;
    b[at + 2] = valueStart;
    b[at + 3] = valueEnd;
    this.labelCount++;
  }

  /** Adds a sample to the series being read. */
  addSample(t: number, v: number, stale: boolean): void {
    const n = this.sampleCount;
    if (n === this.timestamps.length) {
      this.timestamps = grown(this.timestamps, n + 1);
      this.values = grown(this.values, n + 1);
      this.stale = grown(this.stale, n + 1);
    }
    this.timestamps[n] = t;
    this.values[n] = v;
    this.stale[n] = stale ? 1 : 0;
    this.sampleCount = n + 1;
  }

  /**
   * Closes the series being read: what was added since the last one is its labels and samples, and its label set's
   * key is `keyBytes[keyStart, keyEnd)` (-1, -1 for none).
   */
  endSeries(keyStart: number, keyEnd: number): void {
    const index = this.seriesCount;
    if (index + 2 > this.sampleStart.length) {
      this.sampleStart = grown(this.sampleStart, index + 2);
      this.labelStart = grown(this.labelStart, index + 2);
    }
    if (2 * index + 2 > this.keyBounds.length) this.keyBounds = grown(this.keyBounds, 2 * index + 2);
    this.sampleStart[index + 1] = this.sampleCount;
    this.labelStart[index + 1] = this.labelCount;
    this.keyBounds[2 * index] = keyStart;
    this.keyBounds[2 * index + 1] = keyEnd;
    this.seriesCount = index + 1;
  }

  /** 2.0: writes series i's key from its label bounds into `keyBytes`, after `from`; answers where it ends. */
  writeKey(from: number): number {
    const b = this.labelBounds;
    let at = from;
    const end = 4 * this.labelCount;
    for (let j = 4 * (this.labelStart[this.seriesCount] as number); j < end; j += 2) {
      const start = b[j] as number;
      const stop = b[j + 1] as number;
      if (at + (stop - start) + 5 > this.keyBytes.length) this.keyBytes = grown(this.keyBytes, at + (stop - start) + 5);
      const key = this.keyBytes;
      for (let n = stop - start; ; n >>>= 7) {
        if (n < 0x80) {
          key[at++] = n;
          break;
        }
        key[at++] = (n & 0x7f) | 0x80;
      }
      for (let k = start; k < stop; k++) key[at++] = this.bytes[k] as number;
    }
    return at;
  }
}

function grown<T extends Float64Array | Uint32Array | Int32Array | Uint8Array>(array: T, atLeast: number): T {
  const next = new (array.constructor as new (n: number) => T)(Math.max(atLeast, array.length * 2));
  next.set(array);
  return next;
}

/** Decodes a remote_write 1.0 WriteRequest into columns. Throws ProtobufError on malformed input. */
export function decodeWriteColumnsV1(body: Uint8Array): WriteColumns {
  const out = new WriteColumns(1, body);
  const r = new ProtoReader(body);
  while (!r.done) {
    const key = r.key();
    if (key === KEY_1_BYTES) seriesV1(r, out);
    else if (key === KEY_3_BYTES) out.metadata.push(metadataV1(r));
    else r.skip(key % 8);
  }
  return out;
}

function seriesV1(r: ProtoReader, out: WriteColumns): void {
  const outer = r.enter();
  // Label fields that come one after another, as senders write them, are stepped over whole: their bytes are the
  // label set's key, read only when a receiver does not know it. Labels apart from each other are read as they come.
  let keyStart = -1;
  let keyEnd = -1;
  let together = true;
  while (!r.done) {
    const at = r.pos;
    const key = r.key();
    if (key === KEY_1_BYTES) {
      if (keyStart < 0) keyStart = at;
      else if (together && keyEnd !== at) {
        together = false;
        readLabelsV1(r, keyStart, keyEnd, out);
      }
      if (together) {
        r.bytesStart();
        keyEnd = r.pos;
      } else out.addLabel(...labelV1(r));
    } else if (key === KEY_2_BYTES) sample(r, out);
    else if (key === KEY_3_BYTES) {
      r.skip(WIRE_BYTES);
      out.exemplarsSkipped++;
    } else if (key === KEY_4_BYTES) {
      r.skip(WIRE_BYTES);
      out.histogramsSkipped++;
    } else r.skip(key % 8);
  }
  r.leave(outer);
  if (together) out.endSeries(keyStart, keyEnd);
  else out.endSeries(-1, -1);
}

/** Reads the label fields stepped over in [start, end) into `out`'s label bounds, and goes back to where `r` was. */
function readLabelsV1(r: ProtoReader, start: number, end: number, out: WriteColumns): void {
  const [pos, outer] = [r.pos, r.end];
  r.pos = start;
  r.end = end;
  while (!r.done) {
    r.key();
    out.addLabel(...labelV1(r));
  }
  r.pos = pos;
  r.end = outer;
}

/** Reads one Label message (its key read already): where its name and its value are. Missing ones are empty. */
function labelV1(r: ProtoReader): [nameStart: number, nameEnd: number, valueStart: number, valueEnd: number] {
  const outer = r.enter();
  let nameStart = 0;
  let nameEnd = 0;
  let valueStart = 0;
  let valueEnd = 0;
  while (!r.done) {
    const key = r.key();
    if (key === KEY_1_BYTES) {
      nameStart = r.bytesStart();
      nameEnd = r.pos;
    } else if (key === KEY_2_BYTES) {
      valueStart = r.bytesStart();
      valueEnd = r.pos;
    } else r.skip(key % 8);
  }
  r.leave(outer);
  return [nameStart, nameEnd, valueStart, valueEnd];
}

/** Reads one Sample message (value field 1, timestamp field 2, in either version). */
function sample(r: ProtoReader, out: WriteColumns): void {
  const outer = r.enter();
  let value = 0;
  let t = 0;
  let stale = false;
  while (!r.done) {
    const key = r.key();
    if (key === KEY_1_FIXED64) {
      stale = r.peekStaleMarker();
      value = r.double();
    } else if (key === KEY_2_VARINT) t = r.varint();
    else r.skip(key % 8);
  }
  r.leave(outer);
  out.addSample(t, value, stale);
}

function metadataV1(r: ProtoReader): WriteRequest['metadata'][number] {
  const outer = r.enter();
  const meta = { family: '', type: 'unknown' as MetricType, help: '', unit: '' };
  while (!r.done) {
    const key = r.key();
    if (key === KEY_1_VARINT) meta.type = V1_TYPES[r.varint()] ?? 'unknown';
    else if (key === KEY_2_BYTES) meta.family = r.string();
    else if (key === KEY_4_BYTES) meta.help = r.string();
    else if (key === KEY_5_BYTES) meta.unit = r.string();
    else r.skip(key % 8);
  }
  r.leave(outer);
  return meta;
}

/** Decodes a remote_write 2.0 Request into columns, resolving symbol references. Throws ProtobufError on malformed input. */
export function decodeWriteColumnsV2(body: Uint8Array): WriteColumns {
  const out = new WriteColumns(2, body);
  // Symbols may follow the series on the wire, so series are read as raw bounds first.
  const symbolBounds: number[] = [];
  const seriesBounds: number[] = [];
  const r = new ProtoReader(body);
  while (!r.done) {
    const key = r.key();
    if (key === KEY_4_BYTES) symbolBounds.push(r.bytesStart(), r.pos);
    else if (key === KEY_5_BYTES) seriesBounds.push(r.bytesStart(), r.pos);
    else r.skip(key % 8);
  }
  const symbolCount = symbolBounds.length / 2;
  if (symbolCount > 0 && symbolBounds[0] !== symbolBounds[1]) throw new ProtobufError('the first symbol must be the empty string');
  // Every symbol must be text, used or not, as when the table was read as strings.
  const texts: string[] = [];
  for (let s = 0; s < symbolCount; s++) texts.push(utf8Text(body, symbolBounds[2 * s] as number, symbolBounds[2 * s + 1] as number));
  const checked = (ref: number): number => {
    if (ref >= symbolCount) throw new ProtobufError(`symbol reference ${ref} is outside the table of ${symbolCount}`);
    return ref;
  };
  const refs: number[] = [];
  let keyAt = 0;
  for (let s = 0; s < seriesBounds.length; s += 2) {
    r.pos = seriesBounds[s] as number;
    r.end = seriesBounds[s + 1] as number;
    const index = out.seriesCount;
    refs.length = 0;
    while (!r.done) {
      const key = r.key();
      if (key === KEY_1_BYTES) {
        const outer = r.enter();
        while (!r.done) refs.push(r.varint());
        r.leave(outer);
      } else if (key === KEY_1_VARINT) refs.push(r.varint());
      else if (key === KEY_2_BYTES) sample(r, out);
      else if (key === KEY_3_BYTES) {
        r.skip(WIRE_BYTES);
        out.histogramsSkipped++;
      } else if (key === KEY_4_BYTES) {
        r.skip(WIRE_BYTES);
        out.exemplarsSkipped++;
      } else if (key === KEY_5_BYTES) {
        const outer = r.enter();
        const meta: SeriesMetadata = { type: 'unknown', help: '', unit: '' };
        while (!r.done) {
          const k = r.key();
          if (k === KEY_1_VARINT) meta.type = V2_TYPES[r.varint()] ?? 'unknown';
          else if (k === KEY_3_VARINT) meta.help = texts[checked(r.varint())] as string;
          else if (k === KEY_4_VARINT) meta.unit = texts[checked(r.varint())] as string;
          else r.skip(k % 8);
        }
        r.leave(outer);
        out.seriesMetadata.set(index, meta);
      } else if (key === KEY_6_VARINT) out.createdTimestamps.set(index, r.varint());
      else r.skip(key % 8);
    }
    if (refs.length % 2 !== 0) throw new ProtobufError('labels_refs has an odd length');
    for (let i = 0; i < refs.length; i += 2) {
      const name = 2 * checked(refs[i] as number);
      const value = 2 * checked(refs[i + 1] as number);
      out.addLabel(
        symbolBounds[name] as number,
        symbolBounds[name + 1] as number,
        symbolBounds[value] as number,
        symbolBounds[value + 1] as number,
      );
    }
    const keyEnd = out.writeKey(keyAt);
    out.endSeries(keyAt, keyEnd);
    keyAt = keyEnd;
  }
  return out;
}

/** The columns as a WriteRequest of plain series (tests, and callers off the hot path). */
export function writeRequestOf(columns: WriteColumns): WriteRequest {
  const series: WriteSeries[] = [];
  for (let i = 0; i < columns.seriesCount; i++) {
    const s: WriteSeries = { labels: columns.labels(i), samples: [] };
    const from = columns.sampleStart[i] as number;
    for (let j = from; j < (columns.sampleStart[i + 1] as number); j++) {
      if (columns.stale[j] === 1) {
        s.stale ??= [];
        s.stale.push(j - from);
      }
      s.samples.push([columns.timestamps[j] as number, columns.values[j] as number]);
    }
    const metadata = columns.seriesMetadata.get(i);
    if (metadata) s.metadata = metadata;
    const created = columns.createdTimestamps.get(i);
    if (created !== undefined) s.createdTimestamp = created;
    series.push(s);
  }
  return {
    version: columns.version,
    series,
    metadata: columns.metadata,
    histogramsSkipped: columns.histogramsSkipped,
    exemplarsSkipped: columns.exemplarsSkipped,
  };
}
