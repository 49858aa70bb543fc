/**
 * Prometheus remote_write messages: 1.0 (`prometheus.WriteRequest`) and 2.0 (`io.prometheus.write.v2.Request`, with
 * its symbol table), decoded into one shape and encoded for sending. The body is protobuf after snappy; snappy is
 * the caller's (see snappy.ts). Only float samples are carried: native histograms and exemplars are counted and
 * skipped, so a receiver can report what it did not store.
 */
import { ProtobufError, ProtoReader, ProtoWriter, WIRE_BYTES, WIRE_VARINT } from './protobuf';

export type MetricType = 'unknown' | 'counter' | 'gauge' | 'histogram' | 'gaugehistogram' | 'summary' | 'info' | 'stateset';

/** One series of a request: its labels in the order sent, and its samples. */
export interface WriteSeries {
  labels: Array<[name: string, value: string]>;
  samples: Array<[timestampMs: number, value: number]>;
  /**
   * Indexes in `samples` of Prometheus' stale markers (their value there is a NaN whose bits JavaScript may not keep):
   * read from the wire's bits, and written as those bits.
   */
  stale?: number[];
  /** 2.0 carries metadata per series; 1.0 in the request's `metadata` list. */
  metadata?: { type: MetricType; help: string; unit: string };
  /** 2.0's created timestamp (0 when not set). */
  createdTimestamp?: number;
}

export interface WriteRequest {
  version: 1 | 2;
  series: WriteSeries[];
  /** 1.0's per-family metadata. */
  metadata: Array<{ family: string; type: MetricType; help: string; unit: string }>;
  /** Native histogram samples and exemplars seen and not carried. */
  histogramsSkipped: number;
  exemplarsSkipped: number;
}

const V1_TYPES: MetricType[] = ['unknown', 'counter', 'gauge', 'histogram', 'gaugehistogram', 'summary', 'info', 'stateset'];
const V2_TYPES: MetricType[] = ['unknown', 'counter', 'gauge', 'histogram', 'gaugehistogram', 'summary', 'info', 'stateset'];

/** Decodes a remote_write 1.0 WriteRequest. Throws ProtobufError on malformed input. */
export function decodeWriteRequestV1(body: Uint8Array): WriteRequest {
  const out: WriteRequest = { version: 1, series: [], metadata: [], histogramsSkipped: 0, exemplarsSkipped: 0 };
  const r = new ProtoReader(body);
  while (!r.done) {
    const [field, wire] = r.tag();
    if (field === 1 && wire === WIRE_BYTES) out.series.push(decodeSeriesV1(r, out));
    else if (field === 3 && wire === WIRE_BYTES) out.metadata.push(decodeMetadataV1(r));
    else r.skip(wire);
  }
  return out;
}

function decodeSeriesV1(r: ProtoReader, request: WriteRequest): WriteSeries {
  const outer = r.enter();
  const series: WriteSeries = { labels: [], samples: [] };
  while (!r.done) {
    const [field, wire] = r.tag();
    if (field === 1 && wire === WIRE_BYTES) {
      const labelEnd = r.enter();
      let name = '';
      let value = '';
      while (!r.done) {
        const [f, w] = r.tag();
        if (f === 1 && w === WIRE_BYTES) name = r.string();
        else if (f === 2 && w === WIRE_BYTES) value = r.string();
        else r.skip(w);
      }
      r.leave(labelEnd);
      series.labels.push([name, value]);
    } else if (field === 2 && wire === WIRE_BYTES) decodeSample(r, series);
    else if (field === 3 && wire === WIRE_BYTES) {
      r.skip(wire);
      request.exemplarsSkipped++;
    } else if (field === 4 && wire === WIRE_BYTES) {
      r.skip(wire);
      request.histogramsSkipped++;
    } else r.skip(wire);
  }
  r.leave(outer);
  return series;
}

/** Reads one sample into `series` in place, noting a stale marker by its index. */
function decodeSample(r: ProtoReader, series: WriteSeries): void {
  const outer = r.enter();
  let value = 0;
  let timestamp = 0;
  let stale = false;
  while (!r.done) {
    const [field, wire] = r.tag();
    if (field === 1 && wire === 1) {
      stale = r.peekStaleMarker();
      value = r.double();
    } else if (field === 2 && wire === WIRE_VARINT) timestamp = r.varint();
    else r.skip(wire);
  }
  r.leave(outer);
  if (stale) {
    series.stale ??= [];
    series.stale.push(series.samples.length);
  }
  series.samples.push([timestamp, value]);
}

function decodeMetadataV1(outer: ProtoReader): WriteRequest['metadata'][number] {
  const [start, end] = outer.bytesBounds();
  const r = outer.sub(start, end);
  const meta = { family: '', type: 'unknown' as MetricType, help: '', unit: '' };
  while (!r.done) {
    const [field, wire] = r.tag();
    if (field === 1 && wire === WIRE_VARINT) meta.type = V1_TYPES[r.varint()] ?? 'unknown';
    else if (field === 2 && wire === WIRE_BYTES) meta.family = r.string();
    else if (field === 4 && wire === WIRE_BYTES) meta.help = r.string();
    else if (field === 5 && wire === WIRE_BYTES) meta.unit = r.string();
    else r.skip(wire);
  }
  return meta;
}

/** Decodes a remote_write 2.0 Request, resolving symbol references. Throws ProtobufError on malformed input. */
export function decodeWriteRequestV2(body: Uint8Array): WriteRequest {
  const out: WriteRequest = { version: 2, series: [], metadata: [], histogramsSkipped: 0, exemplarsSkipped: 0 };
  // Symbols may follow the series on the wire, so series are read as raw bounds first.
  const symbols: string[] = [];
  const seriesBounds: Array<[number, number]> = [];
  const r = new ProtoReader(body);
  while (!r.done) {
    const [field, wire] = r.tag();
    if (field === 4 && wire === WIRE_BYTES) symbols.push(r.string());
    else if (field === 5 && wire === WIRE_BYTES) seriesBounds.push(r.bytesBounds());
    else r.skip(wire);
  }
  if (symbols.length > 0 && symbols[0] !== '') throw new ProtobufError('the first symbol must be the empty string');
  const symbol = (ref: number): string => {
    const s = symbols[ref];
    if (s === undefined) throw new ProtobufError(`symbol reference ${ref} is outside the table of ${symbols.length}`);
    return s;
  };
  for (const [start, end] of seriesBounds) {
    const sr = r.sub(start, end);
    const refs: number[] = [];
    const series: WriteSeries = { labels: [], samples: [] };
    while (!sr.done) {
      const [field, wire] = sr.tag();
      if (field === 1 && wire === WIRE_BYTES) {
        const [ps, pe] = sr.bytesBounds();
        const pr = sr.sub(ps, pe);
        while (!pr.done) refs.push(pr.varint());
      } else if (field === 1 && wire === WIRE_VARINT) refs.push(sr.varint());
      else if (field === 2 && wire === WIRE_BYTES) decodeSample(sr, series);
      else if (field === 3 && wire === WIRE_BYTES) {
        sr.skip(wire);
        out.histogramsSkipped++;
      } else if (field === 4 && wire === WIRE_BYTES) {
        sr.skip(wire);
        out.exemplarsSkipped++;
      } else if (field === 5 && wire === WIRE_BYTES) {
        const [ms, me] = sr.bytesBounds();
        const mr = sr.sub(ms, me);
        const meta = { type: 'unknown' as MetricType, help: '', unit: '' };
        while (!mr.done) {
          const [f, w] = mr.tag();
          if (f === 1 && w === WIRE_VARINT) meta.type = V2_TYPES[mr.varint()] ?? 'unknown';
          else if (f === 3 && w === WIRE_VARINT) meta.help = symbol(mr.varint());
          else if (f === 4 && w === WIRE_VARINT) meta.unit = symbol(mr.varint());
          else mr.skip(w);
        }
        series.metadata = meta;
      } else if (field === 6 && wire === WIRE_VARINT) series.createdTimestamp = sr.varint();
      else sr.skip(wire);
    }
    if (refs.length % 2 !== 0) throw new ProtobufError('labels_refs has an odd length');
    for (let i = 0; i < refs.length; i += 2) series.labels.push([symbol(refs[i] as number), symbol(refs[i + 1] as number)]);
    out.series.push(series);
  }
  return out;
}

function encodeSamples(w: ProtoWriter, field: number, series: WriteSeries): void {
  const stale = new Set(series.stale);
  series.samples.forEach(([t, v], i) => {
    const inner = new ProtoWriter();
    if (stale.has(i)) inner.staleMarker(1);
    else inner.double(1, v);
    inner.int64(2, t);
    w.bytes(field, inner.finish());
  });
}

/** Encodes series as a remote_write 1.0 WriteRequest (labels as given: the sender sorts them). */
export function encodeWriteRequestV1(series: readonly WriteSeries[]): Uint8Array {
  const w = new ProtoWriter();
  for (const s of series) {
    const ts = new ProtoWriter();
    for (const [name, value] of s.labels) {
      const label = new ProtoWriter();
      label.string(1, name);
      label.string(2, value);
      ts.bytes(1, label.finish());
    }
    encodeSamples(ts, 2, s);
    w.bytes(1, ts.finish());
  }
  return w.finish();
}

/** Encodes series as a remote_write 2.0 Request with a symbol table. */
export function encodeWriteRequestV2(series: readonly WriteSeries[]): Uint8Array {
  const symbols = new Map<string, number>([['', 0]]);
  const ref = (s: string) => {
    let r = symbols.get(s);
    if (r === undefined) {
      r = symbols.size;
      symbols.set(s, r);
    }
    return r;
  };
  const encoded: Uint8Array[] = [];
  for (const s of series) {
    const ts = new ProtoWriter();
    ts.packed(
      1,
      s.labels.flatMap(([n, v]) => [ref(n), ref(v)]),
    );
    encodeSamples(ts, 2, s);
    if (s.metadata) {
      const meta = new ProtoWriter();
      const type = V2_TYPES.indexOf(s.metadata.type);
      if (type > 0) meta.tag(1, WIRE_VARINT).varint(type);
      meta.tag(3, WIRE_VARINT).varint(ref(s.metadata.help));
      meta.tag(4, WIRE_VARINT).varint(ref(s.metadata.unit));
      ts.bytes(5, meta.finish());
    }
    if (s.createdTimestamp) ts.int64(6, s.createdTimestamp);
    encoded.push(ts.finish());
  }
  const w = new ProtoWriter();
  for (const s of symbols.keys()) w.string(4, s);
  for (const e of encoded) w.bytes(5, e);
  return w.finish();
}
