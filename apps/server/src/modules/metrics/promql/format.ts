/*
 * PromQL printed back from Estate's syntax tree in Prometheus' canonical spelling, for `/api/v1/format_query`:
 * single spaces around binary operators, `sum by (job) (x)`, a selector's matchers sorted and joined by commas,
 * durations as Prometheus writes them (`1h30m`, `1w`), numbers in plain decimal as current Prometheus writes them
 * (Prometheus 2 wrote `1e-06`). Checked by hand against a real Prometheus 2.42, which agrees except for that and for
 * `{__name__="up"}`, which Estate writes `up` (see selector()). Prometheus also breaks expressions longer than 100 characters across indented lines; Estate keeps every expression on one line.
 */
import type { AtModifier, Expr, LabelMatcher, VectorMatching, VectorSelector } from './ast';

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** Prometheus' duration units, largest first, in ms. */
const UNITS: ReadonlyArray<[string, number]> = [
  ['y', 365 * 86_400_000],
  ['w', 7 * 86_400_000],
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
  ['ms', 1],
];

/** The expression in Prometheus' canonical one-line spelling; parsing the answer gives the same tree. */
export function formatPromql(expr: Expr): string {
  switch (expr.kind) {
    case 'number':
      return formatNumber(expr.value);
    case 'string':
      return quote(expr.value);
    case 'vectorSelector':
      return selector(expr) + at(expr.at) + offset(expr.offsetMs);
    case 'matrixSelector':
      return `${selector(expr.selector)}[${formatDuration(expr.rangeMs)}]${at(expr.selector.at)}${offset(expr.selector.offsetMs)}`;
    case 'subquery': {
      const step = expr.stepMs === undefined ? '' : formatDuration(expr.stepMs);
      return `${formatPromql(expr.expr)}[${formatDuration(expr.rangeMs)}:${step}]${at(expr.at)}${offset(expr.offsetMs)}`;
    }
    case 'call':
      return `${expr.func}(${expr.args.map(formatPromql).join(', ')})`;
    case 'aggregate': {
      let head: string = expr.op;
      if (expr.without) head += ` without (${labelList(expr.grouping)}) `;
      else if (expr.grouping.length > 0) head += ` by (${labelList(expr.grouping)}) `;
      const param = expr.param ? `${formatPromql(expr.param)}, ` : '';
      return `${head}(${param}${formatPromql(expr.expr)})`;
    }
    case 'binary':
      return `${formatPromql(expr.lhs)} ${expr.op}${expr.returnBool ? ' bool' : ''}${matching(expr.matching)} ${formatPromql(expr.rhs)}`;
    case 'unary':
      return expr.op + formatPromql(expr.expr);
    case 'paren':
      return `(${formatPromql(expr.expr)})`;
  }
}

/** A duration as Prometheus writes one: each unit from years down to milliseconds that is not zero; `0s` for none. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = Math.abs(ms);
  let out = ms < 0 ? '-' : '';
  for (const [unit, size] of UNITS) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}

/** A number in plain decimal, never in exponent form (Go's FormatFloat with 'f' and the shortest precision). */
export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  const shortest = String(v);
  const exp = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(shortest);
  if (!exp) return shortest;
  const [, sign, lead, frac = '', power] = exp;
  const digits = `${lead}${frac}`;
  const point = 1 + Number(power);
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  return `${sign}${digits.padEnd(point, '0')}`;
}

/** A double-quoted string as Go's strconv.Quote writes printable text. */
function quote(s: string): string {
  return JSON.stringify(s);
}

function labelList(names: readonly string[]): string {
  return names.map((n) => (LABEL_NAME.test(n) ? n : quote(n))).join(', ');
}

function selector(s: VectorSelector): string {
  // The metric name is written in front when one equality on a plain name is the selector's only `__name__`
  // matcher. Prometheus keeps `{__name__="up"}` as written; Estate's tree does not remember the spelling, and the
  // two select the same series.
  const names = s.matchers.filter((m) => m.name === '__name__');
  const first = names[0];
  const named = names.length === 1 && first?.op === '=' && METRIC_NAME.test(first.value);
  const name = named ? first.value : '';
  const rest = named ? s.matchers.filter((m) => m !== first) : s.matchers;
  if (rest.length === 0) return name === '' ? '{}' : name;
  return `${name}{${rest.map(matcher).sort().join(',')}}`;
}

function matcher(m: LabelMatcher): string {
  return `${LABEL_NAME.test(m.name) ? m.name : quote(m.name)}${m.op}${quote(m.value)}`;
}

function at(modifier: AtModifier | undefined): string {
  if (!modifier) return '';
  if (modifier.kind === 'start') return ' @ start()';
  if (modifier.kind === 'end') return ' @ end()';
  return ` @ ${(modifier.ms / 1000).toFixed(3)}`;
}

function offset(ms: number): string {
  return ms === 0 ? '' : ` offset ${formatDuration(ms)}`;
}

function matching(m: VectorMatching): string {
  let out = '';
  const grouped = m.card === 'many-to-one' || m.card === 'one-to-many';
  if (m.labels.length > 0 || m.on || grouped) out += ` ${m.on ? 'on' : 'ignoring'} (${labelList(m.labels)})`;
  if (grouped) out += ` group_${m.card === 'many-to-one' ? 'left' : 'right'} (${labelList(m.include)})`;
  return out;
}
