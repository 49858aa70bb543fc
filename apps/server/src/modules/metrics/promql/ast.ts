/*
 * Estate's own PromQL syntax tree: what the evaluator understands, built from lezer-promql's concrete tree by
 * parse.ts. Durations and times are milliseconds.
 */

export type MatchOp = '=' | '!=' | '=~' | '!~';

/** One label matcher of a selector, as Prometheus writes it. */
export interface LabelMatcher {
  name: string;
  op: MatchOp;
  value: string;
}

/** `@ <time>`, `@ start()` or `@ end()`. */
export type AtModifier = { kind: 'time'; ms: number } | { kind: 'start' } | { kind: 'end' };

export type ValueType = 'scalar' | 'string' | 'vector' | 'matrix';

export interface NumberLiteral {
  kind: 'number';
  value: number;
}

export interface StringLiteral {
  kind: 'string';
  value: string;
}

export interface VectorSelector {
  kind: 'vectorSelector';
  matchers: LabelMatcher[];
  offsetMs: number;
  at?: AtModifier;
}

export interface MatrixSelector {
  kind: 'matrixSelector';
  selector: VectorSelector;
  rangeMs: number;
}

export interface Subquery {
  kind: 'subquery';
  expr: Expr;
  rangeMs: number;
  /** Absent: the query's step (or the default evaluation interval for instant queries). */
  stepMs?: number;
  offsetMs: number;
  at?: AtModifier;
}

export interface Call {
  kind: 'call';
  func: string;
  args: Expr[];
}

export type AggregateOp =
  | 'sum'
  | 'avg'
  | 'min'
  | 'max'
  | 'count'
  | 'topk'
  | 'bottomk'
  | 'quantile'
  | 'count_values'
  | 'stddev'
  | 'stdvar'
  | 'group';

export interface Aggregate {
  kind: 'aggregate';
  op: AggregateOp;
  expr: Expr;
  param?: Expr;
  grouping: string[];
  without: boolean;
}

export type ArithmeticOp = '+' | '-' | '*' | '/' | '%' | '^';
export type ComparisonOp = '==' | '!=' | '>' | '<' | '>=' | '<=';
export type SetOp = 'and' | 'or' | 'unless';
export type BinaryOp = ArithmeticOp | ComparisonOp | SetOp;

/** on/ignoring and group_left/group_right of a binary operation between two vectors. */
export interface VectorMatching {
  /** true: match on `labels` only; false: on all labels but `labels` (ignoring). */
  on: boolean;
  labels: string[];
  card: 'one-to-one' | 'many-to-one' | 'one-to-many' | 'many-to-many';
  /** The labels group_left/group_right copy from the "one" side. */
  include: string[];
}

export interface Binary {
  kind: 'binary';
  op: BinaryOp;
  lhs: Expr;
  rhs: Expr;
  returnBool: boolean;
  matching: VectorMatching;
}

export interface Unary {
  kind: 'unary';
  op: '-' | '+';
  expr: Expr;
}

export interface Paren {
  kind: 'paren';
  expr: Expr;
}

export type Expr = NumberLiteral | StringLiteral | VectorSelector | MatrixSelector | Subquery | Call | Aggregate | Binary | Unary | Paren;

export const COMPARISON_OPS: ReadonlySet<string> = new Set(['==', '!=', '>', '<', '>=', '<=']);
export const SET_OPS: ReadonlySet<string> = new Set(['and', 'or', 'unless']);
