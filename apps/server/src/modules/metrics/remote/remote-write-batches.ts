/*
 * Samples cut into remote_write 1.0 requests: grouped by series (labels sorted by name, as the protocol asks),
 * each series' samples in time order, at most `maxSamples` samples per request. The same samples always give the
 * same requests, so a resent call after a partial failure resends the acknowledged requests unchanged.
 */
import type { WriteSeries } from '@estate/tsdb';
import type { AppendResult, MetricSample } from '../store/metric-store';

/** One request's series, and the index in the caller's call of each sample it carries. */
export interface WriteBatch {
  series: WriteSeries[];
  indexes: number[];
}

/** The requests to send, and what was settled without sending: bad samples and repeats within the call. */
export interface WritePlan {
  batches: WriteBatch[];
  rejected: AppendResult['rejected'];
  duplicates: number;
}

/** Why a sample cannot be sent at all, or undefined. */
function invalidReason(sample: MetricSample): string | undefined {
  if (!sample.labels.__name__) return 'the sample has no metric name (__name__)';
  if (Object.hasOwn(sample.labels, '')) return 'a label has an empty name';
  if (!Number.isSafeInteger(sample.t)) return `the timestamp ${sample.t} is not an integer number of milliseconds`;
  if (typeof sample.v !== 'number') return 'the value is not a number';
  return undefined;
}

const sameBits = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

/** Plans the requests for `samples`, at most `maxSamples` samples each. */
export function planWrites(samples: readonly MetricSample[], maxSamples: number): WritePlan {
  const rejected: AppendResult['rejected'] = [];
  let duplicates = 0;
  const bySeries = new Map<string, { labels: Array<[string, string]>; points: Array<{ t: number; v: number; index: number }> }>();
  samples.forEach((sample, index) => {
    const why = invalidReason(sample);
    if (why) {
      rejected.push({ index, reason: 'invalid', message: why });
      return;
    }
    // An empty label is an absent one, as in Prometheus; the protocol must not carry it.
    const labels = Object.entries(sample.labels)
      .filter(([, value]) => value !== '')
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const key = JSON.stringify(labels);
    let series = bySeries.get(key);
    if (!series) {
      series = { labels, points: [] };
      bySeries.set(key, series);
    }
    series.points.push({ t: sample.t, v: sample.v, index });
  });

  const batches: WriteBatch[] = [];
  let current: WriteBatch = { series: [], indexes: [] };
  let room = maxSamples;
  const flush = () => {
    if (current.indexes.length > 0) batches.push(current);
    current = { series: [], indexes: [] };
    room = maxSamples;
  };
  for (const { labels, points } of bySeries.values()) {
    points.sort((a, b) => a.t - b.t || a.index - b.index);
    const kept: typeof points = [];
    for (const point of points) {
      const previous = kept[kept.length - 1];
      if (previous && previous.t === point.t) {
        // The same sample twice is sent once; another value at the same time would make the backend refuse the request.
        if (sameBits(previous.v, point.v)) duplicates++;
        else rejected.push({ index: point.index, reason: 'duplicate_timestamp', message: `another value at ${point.t} in the same call` });
        continue;
      }
      kept.push(point);
    }
    for (let from = 0; from < kept.length; ) {
      if (room === 0) flush();
      const part = kept.slice(from, from + room);
      current.series.push({ labels, samples: part.map((p) => [p.t, p.v]) });
      for (const p of part) current.indexes.push(p.index);
      room -= part.length;
      from += part.length;
    }
  }
  flush();
  rejected.sort((a, b) => a.index - b.index);
  return { batches, rejected, duplicates };
}
