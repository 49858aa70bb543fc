/*
 * Prometheus remote_write into the metric store: the version chosen by Content-Type (1.0 `prometheus.WriteRequest`,
 * 2.0 `io.prometheus.write.v2.Request`), the body unsnappied and decoded into columns by @estate/tsdb, each series'
 * labels checked (once per label set: KnownLabelSets remembers them by their bytes), and the samples appended in one
 * call, so that what the answer acknowledges is on disk (the store's contract). No HTTP here: the route
 * (remote-write.routes.ts) turns the outcome and the errors into answers.
 */
import { decodeWriteColumnsV1, decodeWriteColumnsV2, ProtobufError, SnappyError, snappyDecode, type WriteColumns } from '@estate/tsdb';
import { KnownLabelSets, type ReceivedLabels } from './remote-write-label-sets';
import type { MetricMetadata } from './store/metric-metadata';
import type { AppendResult, MetricSample, MetricStore, RejectReason, SampleColumns } from './store/metric-store';

/** Why a request is refused as a whole; `status` is the HTTP status it is answered with. */
export class RemoteWriteError extends Error {
  override readonly name = 'RemoteWriteError';
  constructor(
    readonly status: 400 | 415,
    message: string,
  ) {
    super(message);
  }
}

const V1_PROTO = 'prometheus.WriteRequest';
const V2_PROTO = 'io.prometheus.write.v2.Request';

/**
 * The remote_write version a Content-Type names. `application/x-protobuf` alone is 1.0, as the 2.0 specification
 * requires of a receiver; a `proto` parameter names the message. Anything else is refused with 415, which tells a
 * 2.0 sender to fall back to 1.0.
 */
export function remoteWriteVersion(contentType: string | undefined): 1 | 2 {
  const [type = '', ...params] = (contentType ?? '').split(';').map((part) => part.trim());
  if (type.toLowerCase() !== 'application/x-protobuf') {
    throw new RemoteWriteError(415, `Content-Type must be application/x-protobuf (remote_write 1.0 or 2.0), not ${JSON.stringify(type)}`);
  }
  const proto = params
    .map((p) => p.split('='))
    .find(([key]) => key?.trim().toLowerCase() === 'proto')?.[1]
    ?.trim()
    .replace(/^"(.*)"$/, '$1');
  if (proto === undefined || proto === V1_PROTO) return 1;
  if (proto === V2_PROTO) return 2;
  throw new RemoteWriteError(415, `unknown remote_write message ${JSON.stringify(proto)}: send ${V1_PROTO} or ${V2_PROTO}`);
}

/** A decoded request: its samples in columns, and each series' labels as the store takes them or why they are refused. */
export interface DecodedWrite {
  columns: WriteColumns;
  /** Per series, by index. */
  labels: ReceivedLabels[];
}

/**
 * Decompresses and decodes a request body, and reads each series' labels (by `known`, which remembers them). Bad
 * snappy or protobuf, or a label that is not UTF-8, is a 400 naming what was wrong.
 */
export function decodeRemoteWrite(
  body: Uint8Array,
  version: 1 | 2,
  contentEncoding: string | undefined,
  known: KnownLabelSets = new KnownLabelSets(checkLabels),
): DecodedWrite {
  const encoding = (contentEncoding ?? '').trim().toLowerCase();
  if (encoding !== 'snappy') {
    throw new RemoteWriteError(415, `Content-Encoding must be snappy (the block format), not ${JSON.stringify(encoding || 'none')}`);
  }
  let raw: Uint8Array;
  try {
    raw = snappyDecode(body);
  } catch (err) {
    if (err instanceof SnappyError) throw new RemoteWriteError(400, `the body is not snappy block format: ${err.message}`);
    throw err;
  }
  try {
    const columns = version === 1 ? decodeWriteColumnsV1(raw) : decodeWriteColumnsV2(raw);
    return { columns, labels: known.labelsOf(columns) };
  } catch (err) {
    if (err instanceof ProtobufError) {
      throw new RemoteWriteError(400, `the body is not a valid ${version === 1 ? V1_PROTO : V2_PROTO}: ${err.message}`);
    }
    throw err;
  }
}

/** Why one series or sample was not stored. */
export type RefusalReason = RejectReason | 'too_old' | 'too_far_in_future';

/** What a request stored and, by series, what it refused. */
export interface RemoteWriteOutcome {
  samplesWritten: number;
  /** Native histograms are not stored (yet): always 0, so a 2.0 sender sees they were not written. */
  histogramsWritten: 0;
  exemplarsWritten: 0;
  /** Samples, native histograms and exemplars that were sent and not stored. */
  notWritten: { samples: number; histograms: number; exemplars: number };
  /** One entry per refused series (all of its refused samples), in request order. */
  refused: Array<{ series: number; reason: RefusalReason; message: string; samples: number }>;
  /** How many series had a sample refused. */
  refusedSeries: number;
}

/** The metadata a request carries by family: 1.0's list, 2.0's per series (named by the series' metric). */
export function metadataOf({ columns, labels }: DecodedWrite): Map<string, MetricMetadata> {
  const out = new Map<string, MetricMetadata>();
  for (const m of columns.metadata) out.set(m.family, { type: m.type, help: m.help, unit: m.unit });
  for (const [i, m] of columns.seriesMetadata) {
    const name = nameOf(columns, labels, i);
    if (name) out.set(name, { type: m.type, help: m.help, unit: m.unit });
  }
  return out;
}

/** The window of sample times a receiver takes. */
export interface AcceptWindow {
  /** Samples older than this (epoch ms) are refused: the raw tier would drop them at once. */
  oldest: number;
  /** Samples newer than this are refused: a clock far ahead would block the series' real samples. */
  newest: number;
}

/** Series i's metric name, if it has one. */
function nameOf(columns: WriteColumns, labels: readonly ReceivedLabels[], i: number): string | undefined {
  const known = labels[i];
  if (typeof known === 'object') return known.__name__;
  return columns.labels(i).find(([name]) => name === '__name__')?.[1];
}

/**
 * A series' labels as the store takes them, frozen, or why they cannot be stored. Empty values mean "no such label".
 * A pure function of the labels, so its answer is remembered by their bytes (KnownLabelSets).
 */
export function checkLabels(sent: ReadonlyArray<readonly [string, string]>): ReceivedLabels {
  const labels: Record<string, string> = {};
  for (const [name, value] of sent) {
    if (name === '') return 'a label has an empty name';
    // `__proto__` as a name would set the prototype of a plain object: refuse it, as no metric system uses it.
    if (name === '__proto__') return 'a label is named __proto__';
    if (Object.hasOwn(labels, name)) return `label ${JSON.stringify(name)} appears twice`;
    if (value !== '') labels[name] = value;
  }
  if (!labels.__name__) return 'the series has no metric name (__name__)';
  return Object.freeze(labels);
}

/** Appends samples in columns: as they are, to a store that takes them so, else as MetricSamples. */
function appendTo(store: MetricStore, samples: SampleColumns): Promise<AppendResult> {
  if (store.appendColumns) return store.appendColumns(samples);
  return store.append(
    Array.from({ length: samples.length }, (_, i): MetricSample => {
      const sample = {
        labels: samples.labels[i] as Readonly<Record<string, string>>,
        t: samples.t[i] as number,
        v: samples.v[i] as number,
      };
      return samples.stale[i] === 1 ? { ...sample, stale: true } : sample;
    }),
  );
}

/**
 * Appends a decoded request to the store. A series with bad labels, or samples outside the accept window, are
 * refused and reported; everything else is appended in one call, which resolves once it is durable.
 */
export async function receiveRemoteWrite(store: MetricStore, decoded: DecodedWrite, window: AcceptWindow): Promise<RemoteWriteOutcome> {
  const { columns } = decoded;
  const refused: RemoteWriteOutcome['refused'] = [];
  const refuse = (series: number, reason: RefusalReason, message: string, samples: number) => {
    const last = refused[refused.length - 1];
    if (last?.series === series && last.reason === reason) last.samples += samples;
    else refused.push({ series, reason, message, samples });
  };
  // The samples taken, in columns (no object per sample), and the series each came from.
  const { timestamps, values, stale, sampleStart } = columns;
  const taken: SampleColumns = {
    length: 0,
    labels: new Array(columns.sampleCount),
    t: new Float64Array(columns.sampleCount),
    v: new Float64Array(columns.sampleCount),
    stale: new Uint8Array(columns.sampleCount),
  };
  const takenLabels = taken.labels as Array<Readonly<Record<string, string>>>;
  const seriesOf = new Int32Array(columns.sampleCount);
  for (let index = 0; index < columns.seriesCount; index++) {
    const from = sampleStart[index] as number;
    const to = sampleStart[index + 1] as number;
    if (from === to) continue;
    const labels = decoded.labels[index] as ReceivedLabels;
    if (typeof labels === 'string') {
      refuse(index, 'invalid', `series ${index} (${nameOf(columns, decoded.labels, index) ?? '(no metric name)'}): ${labels}`, to - from);
      continue;
    }
    for (let i = from; i < to; i++) {
      const t = timestamps[i] as number;
      if (t < window.oldest) {
        const message = `${labels.__name__}: sample at ${new Date(t).toISOString()} is older than the raw retention allows`;
        refuse(index, 'too_old', message, 1);
      } else if (t > window.newest) {
        const message = `${labels.__name__}: sample at ${new Date(t).toISOString()} is too far in the future`;
        refuse(index, 'too_far_in_future', message, 1);
      } else {
        const at = taken.length++;
        takenLabels[at] = labels;
        taken.t[at] = t;
        taken.v[at] = values[i] as number;
        taken.stale[at] = stale[i] as number;
        seriesOf[at] = index;
      }
    }
  }
  const result = taken.length > 0 ? await appendTo(store, taken) : { appended: 0, duplicates: 0, rejected: [] };
  for (const r of result.rejected) refuse(seriesOf[r.index] as number, r.reason, r.message, 1);
  refused.sort((a, b) => a.series - b.series);
  const refusedSeries = new Set(refused.map((r) => r.series)).size;
  // Exact resends (same time, same value) count as written: the sender's data is stored, as it asked.
  const samplesWritten = result.appended + result.duplicates;
  return {
    samplesWritten,
    histogramsWritten: 0,
    exemplarsWritten: 0,
    notWritten: {
      samples: columns.sampleCount - samplesWritten,
      histograms: columns.histogramsSkipped,
      exemplars: columns.exemplarsSkipped,
    },
    refused,
    refusedSeries,
  };
}
