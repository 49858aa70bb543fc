/* Functions over instant vectors: math, clamp, histogram_quantile, label_replace/label_join, sort. */
import { PromqlError } from './errors';
import { compileAnchored } from './literals';
import { quantile } from './range-functions';
import { type Labels, labelsKey, type Sample, withoutName } from './values';

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export const MATH: Readonly<Record<string, (v: number) => number>> = {
  abs: Math.abs,
  ceil: Math.ceil,
  floor: Math.floor,
  sqrt: Math.sqrt,
  exp: Math.exp,
  ln: Math.log,
  log2: Math.log2,
  log10: Math.log10,
};

/** Applies a value function to each element, dropping the metric name as Prometheus does. */
export function mapValues(samples: Sample[], fn: (v: number) => number): Sample[] {
  return samples.map((s) => ({ labels: withoutName(s.labels), v: fn(s.v) }));
}

/** round(v, to_nearest): Go's math.Floor(v*inverse+0.5)/inverse. */
export function roundTo(v: number, toNearest: number): number {
  const inverse = 1 / toNearest;
  return Math.floor(v * inverse + 0.5) / inverse;
}

/** histogram_quantile over classic buckets (series with an `le` label), grouped by their other labels. */
export function histogramQuantile(q: number, samples: Sample[]): Sample[] {
  const groups = new Map<string, { labels: Labels; buckets: Array<{ upper: number; count: number }> }>();
  for (const s of samples) {
    const le = s.labels.le;
    if (le === undefined) continue;
    const upper = parseLe(le);
    if (Number.isNaN(upper)) continue;
    const { le: _, ...rest } = withoutName(s.labels);
    const key = labelsKey(rest);
    let group = groups.get(key);
    if (!group) {
      group = { labels: rest, buckets: [] };
      groups.set(key, group);
    }
    group.buckets.push({ upper, count: s.v });
  }
  return [...groups.values()].map((g) => ({ labels: g.labels, v: bucketQuantile(q, g.buckets) }));
}

function parseLe(text: string): number {
  const t = text.trim().toLowerCase();
  if (t === '+inf' || t === 'inf') return Number.POSITIVE_INFINITY;
  if (t === '-inf') return Number.NEGATIVE_INFINITY;
  if (t === '' || Number.isNaN(Number(t))) return Number.NaN;
  return Number(t);
}

/** Prometheus' bucketQuantile for classic histograms. */
export function bucketQuantile(q: number, input: Array<{ upper: number; count: number }>): number {
  if (Number.isNaN(q)) return Number.NaN;
  if (q < 0) return Number.NEGATIVE_INFINITY;
  if (q > 1) return Number.POSITIVE_INFINITY;
  const sorted = [...input].sort((a, b) => a.upper - b.upper);
  if (sorted.length === 0 || sorted[sorted.length - 1]!.upper !== Number.POSITIVE_INFINITY) return Number.NaN;
  // Coalesce buckets with the same upper bound, then force the counts to be monotonic.
  const buckets: Array<{ upper: number; count: number }> = [];
  for (const b of sorted) {
    const last = buckets[buckets.length - 1];
    if (last && last.upper === b.upper) last.count += b.count;
    else buckets.push({ ...b });
  }
  let max = Number.NEGATIVE_INFINITY;
  for (const b of buckets) {
    if (b.count > max) max = b.count;
    else b.count = max;
  }
  if (buckets.length < 2) return Number.NaN;
  const observations = buckets[buckets.length - 1]!.count;
  if (observations === 0 || Number.isNaN(observations)) return Number.NaN;
  let rank = q * observations;
  let b = buckets.length - 1;
  for (let i = 0; i < buckets.length - 1; i++) {
    if (buckets[i]!.count >= rank) {
      b = i;
      break;
    }
  }
  if (b === buckets.length - 1) return buckets[buckets.length - 2]!.upper;
  if (b === 0 && buckets[0]!.upper <= 0) return buckets[0]!.upper;
  let start = 0;
  const end = buckets[b]!.upper;
  let count = buckets[b]!.count;
  if (b > 0) {
    start = buckets[b - 1]!.upper;
    count -= buckets[b - 1]!.count;
    rank -= buckets[b - 1]!.count;
  }
  return start + (end - start) * (rank / count);
}

/** label_replace(v, dst, replacement, src, regex). */
export function labelReplace(samples: Sample[], dst: string, replacement: string, src: string, regex: string): Sample[] {
  const re = compileAnchored(regex);
  if (!LABEL_NAME.test(dst)) throw new PromqlError(`invalid destination label name in label_replace(): ${dst}`);
  return samples.map((s) => {
    const match = re.exec(s.labels[src] ?? '');
    if (!match) return s;
    const value = expandTemplate(replacement, match);
    const labels = { ...s.labels };
    if (value === '') delete labels[dst];
    else labels[dst] = value;
    return { labels, v: s.v };
  });
}

/** Go's regexp Expand: $1, ${1}, $name, ${name}, $$. */
function expandTemplate(template: string, match: RegExpExecArray): string {
  return template.replace(/\$(\$|\{([a-zA-Z0-9_]+)\}|([a-zA-Z0-9_]+))/g, (whole, _all, braced, bare) => {
    if (whole === '$$') return '$';
    const name: string = braced ?? bare;
    if (/^\d+$/.test(name)) return match[Number(name)] ?? '';
    return match.groups?.[name] ?? '';
  });
}

/** label_join(v, dst, separator, src...). */
export function labelJoin(samples: Sample[], dst: string, separator: string, sources: string[]): Sample[] {
  if (!LABEL_NAME.test(dst)) throw new PromqlError(`invalid destination label name in label_join(): ${dst}`);
  return samples.map((s) => {
    const value = sources.map((l) => s.labels[l] ?? '').join(separator);
    const labels = { ...s.labels };
    if (value === '') delete labels[dst];
    else labels[dst] = value;
    return { labels, v: s.v };
  });
}

/** sort / sort_desc; NaN last in both, as Prometheus orders them. */
export function sortByValue(samples: Sample[], descending: boolean): Sample[] {
  return [...samples].sort((a, b) => {
    if (Number.isNaN(a.v)) return Number.isNaN(b.v) ? 0 : 1;
    if (Number.isNaN(b.v)) return -1;
    return descending ? b.v - a.v : a.v - b.v;
  });
}

export { quantile };
