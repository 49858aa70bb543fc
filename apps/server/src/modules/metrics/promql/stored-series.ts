/*
 * Series as the evaluator holds them once fetched, and the small searches over them.
 */
import type { Expr } from './ast';
import type { SeriesData } from './series-source';
import { isStaleNaN, type Labels } from './values';

/** A series as the evaluator reads it: [ms, value, is a stale marker], in time order. */
export interface StoredSeries {
  labels: Labels;
  samples: Array<[number, number, boolean]>;
}

/** A fetched series with its stale markers merged back into the samples, in time order. */
export function withStaleMarkers(s: SeriesData): StoredSeries {
  const samples: Array<[number, number, boolean]> = s.samples.map(([t, v]) => [t, v, isStaleNaN(v)]);
  for (const t of s.stale ?? []) samples.push([t, Number.NaN, true]);
  samples.sort((a, b) => a[0] - b[0]);
  return { labels: s.labels, samples };
}

/** Index of the last sample at or before t, or -1. */
export function lastAtOrBefore(samples: Array<[number, number, boolean]>, t: number): number {
  let lo = 0;
  let hi = samples.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (samples[mid]![0] <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** absent()'s labels: those of the argument's equality matchers, unless a name is matched twice. */
export function absentLabels(arg: Expr): Labels {
  let e = arg;
  while (e.kind === 'paren') e = e.expr;
  if (e.kind !== 'vectorSelector') return {};
  const labels: Labels = {};
  const repeated = new Set<string>();
  for (const m of e.matchers) {
    if (m.name === '__name__') continue;
    if (m.name in labels || repeated.has(m.name)) {
      delete labels[m.name];
      repeated.add(m.name);
    } else if (m.op === '=') {
      labels[m.name] = m.value;
    }
  }
  return labels;
}
