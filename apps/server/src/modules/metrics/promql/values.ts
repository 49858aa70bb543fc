/* The values PromQL expressions evaluate to, and the label-set helpers every part of the evaluator shares. */
import { PromqlError } from './errors';

export type Labels = Record<string, string>;

/** One element of an instant vector. */
export interface Sample {
  labels: Labels;
  v: number;
}

/** One series of a range vector: points are [ms, value] in time order. */
export interface Series {
  labels: Labels;
  points: Array<[number, number]>;
}

export type Value =
  | { type: 'scalar'; v: number }
  | { type: 'string'; v: string }
  | { type: 'vector'; v: Sample[] }
  | { type: 'matrix'; v: Series[] };

// Label sets are never changed once handed on, so their keys and their nameless copies are remembered: a range query
// asks for them once per series per step.
const keys = new WeakMap<Labels, string>();
const nameless = new WeakMap<Labels, Labels>();

/** A stable identity for a label set (order-independent). */
export function labelsKey(labels: Labels): string {
  let key = keys.get(labels);
  if (key === undefined) {
    key = JSON.stringify(
      Object.keys(labels)
        .sort()
        .map((k) => [k, labels[k]]),
    );
    keys.set(labels, key);
  }
  return key;
}

/** The label set without `__name__` (the same object when it has none). */
export function withoutName(labels: Labels): Labels {
  if (!('__name__' in labels)) return labels;
  let rest = nameless.get(labels);
  if (!rest) {
    const { __name__: _, ...others } = labels;
    rest = others;
    nameless.set(labels, rest);
  }
  return rest;
}

/** Prometheus' labels.Compare: label by label in name order, names then values. */
export function compareLabels(a: Labels, b: Labels): number {
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
    const na = ka[i]!;
    const nb = kb[i]!;
    if (na !== nb) return na < nb ? -1 : 1;
    const va = a[na]!;
    const vb = b[nb]!;
    if (va !== vb) return va < vb ? -1 : 1;
  }
  return ka.length - kb.length;
}

/** The grouping signature of a label set for `on (names)` (on=true) or `ignoring (names)`, which also ignores the name. */
export function signature(labels: Labels, on: boolean, names: string[]): string {
  const picked: Labels = {};
  for (const [k, v] of Object.entries(labels)) {
    const listed = names.includes(k);
    if (on ? listed : !listed && k !== '__name__') picked[k] = v;
  }
  return labelsKey(picked);
}

/** Throws as Prometheus does when dropping names left two elements with one label set. */
export function assertUniqueLabelSets(samples: Sample[]): void {
  const seen = new Set<string>();
  for (const s of samples) {
    const key = labelsKey(s.labels);
    if (seen.has(key)) throw new PromqlError('vector cannot contain metrics with the same labelset', 'execution');
    seen.add(key);
  }
}

const staleView = new DataView(new ArrayBuffer(8));

/** Prometheus' stale marker, the NaN with bits 0x7ff0000000000002: the series ended. */
export const STALE_NAN: number = (() => {
  staleView.setUint32(0, 0x7ff00000);
  staleView.setUint32(4, 0x00000002);
  return staleView.getFloat64(0);
})();

export function isStaleNaN(v: number): boolean {
  if (!Number.isNaN(v)) return false;
  staleView.setFloat64(0, v);
  return staleView.getUint32(0) === 0x7ff00000 && staleView.getUint32(4) === 0x00000002;
}

/** Go's strconv.FormatFloat(v, 'f', -1, 64), as Prometheus prints sample values. */
export function formatFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  const s = String(v);
  if (!s.includes('e')) return s;
  const [mantissa = '', expText] = s.split('e');
  const negative = mantissa.startsWith('-');
  const [intPart = '', fracPart = ''] = mantissa.replace('-', '').split('.');
  const digits = intPart + fracPart;
  const point = intPart.length + Number(expText);
  let out: string;
  if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`;
  return negative ? `-${out}` : out;
}
