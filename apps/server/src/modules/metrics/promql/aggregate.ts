/* Aggregation operators (sum, avg, topk, …) with by/without, as Prometheus' aggregation() does. */
import type { Aggregate } from './ast';
import { PromqlError } from './errors';
import { kahanSum, mean, quantile, variance } from './range-functions';
import { formatFloat, type Labels, labelsKey, type Sample } from './values';

/**
 * Group labels already worked out, by a sample's labels object and the grouping: a range query aggregates the same
 * series at every step, and one labels object per group lets its key (labelsKey's cache) be computed once.
 */
const groupCache = new WeakMap<Labels, Map<string, Labels>>();

/** The labels of the group a sample falls in. */
export function groupLabels(labels: Labels, grouping: string[], without: boolean, signature: string): Labels {
  let bySignature = groupCache.get(labels);
  const known = bySignature?.get(signature);
  if (known) return known;
  const out: Labels = {};
  for (const [k, v] of Object.entries(labels)) {
    if (without ? !grouping.includes(k) && k !== '__name__' : grouping.includes(k)) out[k] = v;
  }
  if (!bySignature) {
    bySignature = new Map();
    groupCache.set(labels, bySignature);
  }
  bySignature.set(signature, out);
  return out;
}

/** A grouping's identity, by which groupLabels remembers its answers. */
export function groupingSignature(node: Aggregate): string {
  return `${node.without ? '-' : '+'}${node.grouping.join('\u0000')}`;
}

/** Evaluates one aggregation over an instant vector; param is the evaluated parameter (k, φ or the label). */
export function aggregate(node: Aggregate, samples: Sample[], param: number | string | undefined): Sample[] {
  const groups = new Map<string, { labels: Labels; members: Sample[] }>();
  const signature = groupingSignature(node);
  for (const s of samples) {
    const labels = groupLabels(s.labels, node.grouping, node.without, signature);
    const key = labelsKey(labels);
    const group = groups.get(key);
    if (group) group.members.push(s);
    else groups.set(key, { labels, members: [s] });
  }
  const out: Sample[] = [];
  for (const { labels, members } of groups.values()) {
    const values = members.map((m) => m.v);
    const reduce = reducerOf(node.op);
    if (reduce) {
      out.push({ labels, v: reduce(values) });
      continue;
    }
    switch (node.op) {
      case 'quantile':
        out.push({ labels, v: quantile(param as number, values) });
        break;
      case 'topk':
      case 'bottomk':
        out.push(...selectK(members, param as number, node.op === 'topk'));
        break;
      case 'count_values':
        out.push(...countValues(labels, values, param as string));
        break;
    }
  }
  return out;
}

/** The reducer of an aggregation without a parameter, or undefined for one with (or an unknown name). */
export function reducerOf(op: string): ((values: number[]) => number) | undefined {
  return Object.hasOwn(REDUCERS, op) ? REDUCERS[op] : undefined;
}

/** The aggregations without a parameter that answer one value per group from its members' values (never empty). */
const REDUCERS: Readonly<Record<string, (values: number[]) => number>> = {
  sum: (values) => kahanSum(values),
  avg: (values) => mean(values),
  count: (values) => values.length,
  group: () => 1,
  min: (values) => values.reduce((m, v) => (v < m || Number.isNaN(m) ? v : m)),
  max: (values) => values.reduce((m, v) => (v > m || Number.isNaN(m) ? v : m)),
  stdvar: (values) => variance(values),
  stddev: (values) => Math.sqrt(variance(values)),
};

/** topk/bottomk: the k best members, best first; NaN is never preferred. */
function selectK(members: Sample[], k: number, top: boolean): Sample[] {
  if (Number.isNaN(k)) throw new PromqlError('Parameter value is NaN', 'execution');
  const count = Math.trunc(k);
  if (count < 1) return [];
  const sorted = [...members].sort((a, b) => {
    if (Number.isNaN(a.v)) return Number.isNaN(b.v) ? 0 : 1;
    if (Number.isNaN(b.v)) return -1;
    return top ? b.v - a.v : a.v - b.v;
  });
  return sorted.slice(0, count);
}

function countValues(labels: Labels, values: number[], label: string): Sample[] {
  if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(label)) throw new PromqlError(`invalid label name "${label}"`);
  const counts = new Map<string, number>();
  for (const v of values) {
    const text = formatFloat(v);
    counts.set(text, (counts.get(text) ?? 0) + 1);
  }
  return [...counts].map(([text, n]) => ({ labels: { ...labels, [label]: text }, v: n }));
}
