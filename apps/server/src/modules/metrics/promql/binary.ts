/* Binary operators: arithmetic, comparison (filtering or bool) and set operators, with Prometheus' vector matching. */
import { type Binary, COMPARISON_OPS, type VectorMatching } from './ast';
import { PromqlError } from './errors';
import { type Labels, labelsKey, type Sample, signature, withoutName } from './values';

/** The result of `l op r` and whether a comparison keeps the element. */
export function scalarOp(op: string, l: number, r: number): { value: number; keep: boolean } {
  switch (op) {
    case '+':
      return { value: l + r, keep: true };
    case '-':
      return { value: l - r, keep: true };
    case '*':
      return { value: l * r, keep: true };
    case '/':
      return { value: l / r, keep: true };
    case '%':
      return { value: l % r, keep: true };
    case '^':
      return { value: goPow(l, r), keep: true };
    case '==':
      return { value: l, keep: l === r };
    case '!=':
      return { value: l, keep: l !== r };
    case '>':
      return { value: l, keep: l > r };
    case '<':
      return { value: l, keep: l < r };
    case '>=':
      return { value: l, keep: l >= r };
    case '<=':
      return { value: l, keep: l <= r };
    default:
      throw new PromqlError(`operator "${op}" not allowed between these operands`);
  }
}

/** Go's math.Pow, which differs from JS for a base of ±1. */
function goPow(x: number, y: number): number {
  if (x === 1) return 1;
  if (x === -1 && (y === Number.POSITIVE_INFINITY || y === Number.NEGATIVE_INFINITY)) return 1;
  return x ** y;
}

const isArithmetic = (op: string) => !COMPARISON_OPS.has(op) && op !== 'and' && op !== 'or' && op !== 'unless';

/** scalar op scalar. */
export function scalarBinary(node: Binary, l: number, r: number): number {
  const { value, keep } = scalarOp(node.op, l, r);
  return node.returnBool ? (keep ? 1 : 0) : value;
}

/** vector op scalar, or scalar op vector when scalarOnLeft. */
export function vectorScalarBinary(node: Binary, samples: Sample[], scalar: number, scalarOnLeft: boolean): Sample[] {
  const out: Sample[] = [];
  const dropName = isArithmetic(node.op) || node.returnBool;
  for (const s of samples) {
    const [l, r] = scalarOnLeft ? [scalar, s.v] : [s.v, scalar];
    let { value, keep } = scalarOp(node.op, l, r);
    // A comparison filter keeps the vector's value even when the scalar is on the left.
    if (COMPARISON_OPS.has(node.op) && scalarOnLeft) value = s.v;
    if (node.returnBool) {
      value = keep ? 1 : 0;
      keep = true;
    }
    if (keep) out.push({ labels: dropName ? withoutName(s.labels) : s.labels, v: value });
  }
  return out;
}

/** vector op vector: set operators, or one-to-one / many-to-one / one-to-many matching. */
export function vectorBinary(node: Binary, lhs: Sample[], rhs: Sample[]): Sample[] {
  const m = node.matching;
  const sig = (s: Sample) => signature(s.labels, m.on, m.labels);
  switch (node.op) {
    case 'and': {
      const right = new Set(rhs.map(sig));
      return lhs.filter((s) => right.has(sig(s)));
    }
    case 'unless': {
      const right = new Set(rhs.map(sig));
      return lhs.filter((s) => !right.has(sig(s)));
    }
    case 'or': {
      const left = new Set(lhs.map(sig));
      return [...lhs, ...rhs.filter((s) => !left.has(sig(s)))];
    }
  }
  const swapped = m.card === 'one-to-many';
  const [many, one] = swapped ? [rhs, lhs] : [lhs, rhs];
  const oneBySig = new Map<string, Sample>();
  for (const s of one) {
    const key = sig(s);
    const existing = oneBySig.get(key);
    if (existing) {
      throw new PromqlError(
        `found duplicate series for the match group ${key} on the ${swapped ? 'left' : 'right'} hand-side of the operation: [${labelsKey(existing.labels)}, ${labelsKey(s.labels)}];many-to-many matching not allowed: matching labels must be unique on one side`,
        'execution',
      );
    }
    oneBySig.set(key, s);
  }
  const matched = new Map<string, Set<string>>();
  const out: Sample[] = [];
  for (const s of many) {
    const key = sig(s);
    const partner = oneBySig.get(key);
    if (!partner) continue;
    const [l, r] = swapped ? [partner.v, s.v] : [s.v, partner.v];
    let { value, keep } = scalarOp(node.op, l, r);
    if (node.returnBool) {
      value = keep ? 1 : 0;
      keep = true;
    }
    if (!keep) continue;
    const labels = resultLabels(s.labels, partner.labels, node, m);
    const inserted = matched.get(key) ?? new Set<string>();
    if (m.card === 'one-to-one') {
      if (matched.has(key)) {
        throw new PromqlError('multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)', 'execution');
      }
    } else if (inserted.has(labelsKey(labels))) {
      throw new PromqlError('multiple matches for labels: grouping labels must ensure unique matches', 'execution');
    }
    inserted.add(labelsKey(labels));
    matched.set(key, inserted);
    out.push({ labels, v: value });
  }
  return out;
}

/** Prometheus' resultMetric: the many side's labels, narrowed by on/ignoring, plus the included labels of the one side. */
function resultLabels(many: Labels, one: Labels, node: Binary, m: VectorMatching): Labels {
  // A fresh copy: it is changed below, and cached label sets must never change.
  const labels: Labels = { ...many };
  if (isArithmetic(node.op) || node.returnBool) delete labels.__name__;
  if (m.card === 'one-to-one') {
    for (const k of Object.keys(labels)) {
      if (m.on ? !m.labels.includes(k) : m.labels.includes(k)) delete labels[k];
    }
  }
  for (const k of m.include) {
    if (one[k] !== undefined && one[k] !== '') labels[k] = one[k];
    else delete labels[k];
  }
  return labels;
}
