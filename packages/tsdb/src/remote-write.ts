/**
 * Prometheus remote_write messages: 1.0 (`prometheus.WriteRequest`) and 2.0 (`io.prometheus.write.v2.Request`, with
 * its symbol table), decoded into one shape and encoded for sending. The body is protobuf after snappy; snappy is
 * the caller's (see snappy.ts). Only float samples are carried: native histograms and exemplars are counted and
 * skipped, so a receiver can report what it did not store.
 */
import { ProtoWriter, WIRE_VARINT } from './protobuf';
import { decodeWriteColumnsV1, decodeWriteColumnsV2, writeRequestOf } from './remote-write-columns';

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

const V2_TYPES: MetricType[] = ['unknown', 'counter', 'gauge', 'histogram', 'gaugehistogram', 'summary', 'info', 'stateset'];

/** Decodes a remote_write 1.0 WriteRequest. Throws ProtobufError on malformed input. */
export function decodeWriteRequestV1(body: Uint8Array): WriteRequest {
  return writeRequestOf(decodeWriteColumnsV1(body));
}

/** Decodes a remote_write 2.0 Request, resolving symbol references. Throws ProtobufError on malformed input. */
export function decodeWriteRequestV2(body: Uint8Array): WriteRequest {
  return writeRequestOf(decodeWriteColumnsV2(body));
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
