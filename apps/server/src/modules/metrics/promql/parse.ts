/*
 * PromQL text → Estate's syntax tree (ast.ts). lezer-promql gives the concrete tree; this file keeps only what the
 * evaluator understands, checks types as Prometheus' parser does, and refuses the rest with a bad_data error.
 */
import { parser } from '@prometheus-io/lezer-promql';
import {
  type AggregateOp,
  type AtModifier,
  type BinaryOp,
  COMPARISON_OPS,
  type Expr,
  type LabelMatcher,
  type MatchOp,
  SET_OPS,
  type ValueType,
  type VectorMatching,
  type VectorSelector,
} from './ast';
import { PromqlError } from './errors';
import { FUNCTIONS } from './functions.table';
import { compileAnchored, parseDurationMs, parseNumber, unquote } from './literals';

type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

const AGGREGATE_OPS: ReadonlySet<string> = new Set([
  'sum',
  'avg',
  'min',
  'max',
  'count',
  'topk',
  'bottomk',
  'quantile',
  'count_values',
  'stddev',
  'stdvar',
  'group',
]);
const PARAM_TYPE: Partial<Record<AggregateOp, ValueType>> = {
  topk: 'scalar',
  bottomk: 'scalar',
  quantile: 'scalar',
  count_values: 'string',
};

/** Parses a PromQL expression; throws PromqlError (bad_data) for syntax errors and unsupported features. */
export function parsePromql(query: string): Expr {
  if (query.trim() === '') throw new PromqlError('empty query');
  const tree = parser.parse(query);
  const top = tree.topNode;
  tree.iterate({
    enter(node) {
      if (node.type.isError) {
        unknownFunction(query);
        throw new PromqlError(`parse error at char ${node.from + 1}: unexpected ${describe(query, node.from)}`);
      }
    },
  });
  const children = childrenOf(top);
  if (children.length !== 1) throw new PromqlError('parse error: expected exactly one expression');
  const expr = new Converter(query).expr(nth(children, 0));
  typeOf(expr);
  return expr;
}

/** A call to a name that is neither a supported function nor an aggregation: name it rather than the syntax. */
function unknownFunction(query: string): void {
  const withoutStrings = query.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
  for (const [, name] of withoutStrings.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*\(/g)) {
    const keyword = ['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless'];
    if (name && !(name in FUNCTIONS) && !AGGREGATE_OPS.has(name) && !keyword.includes(name)) {
      throw new PromqlError(`unsupported PromQL function: ${name}()`);
    }
  }
}

function describe(query: string, at: number): string {
  return at >= query.length ? 'end of input' : JSON.stringify(query.slice(at, at + 10));
}

/** The i-th child; a missing one is a syntax error lezer recovered from. */
function nth(nodes: SyntaxNode[], i: number): SyntaxNode {
  const node = nodes[i];
  if (!node) throw new PromqlError('parse error: incomplete expression');
  return node;
}

function childrenOf(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) if (c.name !== 'LineComment') out.push(c);
  return out;
}

class Converter {
  constructor(private readonly query: string) {}

  private text(node: SyntaxNode): string {
    return this.query.slice(node.from, node.to);
  }

  private unsupported(node: SyntaxNode, what = node.name): never {
    throw new PromqlError(`unsupported PromQL feature: ${what} in "${this.text(node)}"`);
  }

  expr(node: SyntaxNode): Expr {
    const kids = childrenOf(node);
    switch (node.name) {
      case 'NumberDurationLiteral':
        return { kind: 'number', value: parseNumber(this.text(node)) };
      case 'StringLiteral':
        return { kind: 'string', value: unquote(this.text(node)) };
      case 'ParenExpr':
        return { kind: 'paren', expr: this.expr(nth(kids, 0)) };
      case 'VectorSelector':
        return this.selector(node);
      case 'MatrixSelector': {
        const inner = this.expr(nth(kids, 0));
        if (inner.kind !== 'vectorSelector') {
          throw new PromqlError(`ranges only allowed for vector selectors, got "${this.text(nth(kids, 0))}"`);
        }
        if (inner.offsetMs !== 0 || inner.at) {
          throw new PromqlError('offset and @ modifiers must come after the range of a range vector selector');
        }
        return { kind: 'matrixSelector', selector: inner, rangeMs: this.duration(nth(kids, 1)) };
      }
      case 'SubqueryExpr': {
        const durations = kids.filter((k) => k.name === 'DurationExpr');
        return {
          kind: 'subquery',
          expr: this.expr(nth(kids, 0)),
          rangeMs: this.duration(nth(durations, 0)),
          stepMs: durations[1] ? this.duration(durations[1]) : undefined,
          offsetMs: 0,
        };
      }
      case 'OffsetExpr': {
        const target = this.expr(nth(kids, 0));
        const durationNode = nth(kids, kids.length - 1);
        const offsetMs = this.offsetDuration(durationNode);
        const selector = this.modifiable(target, nth(kids, 0), 'offset');
        if (selector.offsetMs !== 0) throw new PromqlError('offset may not be set multiple times');
        selector.offsetMs = offsetMs;
        return target;
      }
      case 'StepInvariantExpr': {
        const target = this.expr(nth(kids, 0));
        const selector = this.modifiable(target, nth(kids, 0), '@');
        if (selector.at) throw new PromqlError('@ <timestamp> may not be set multiple times');
        selector.at = this.at(nth(kids, kids.length - 1));
        return target;
      }
      case 'UnaryExpr': {
        const op = this.text(nth(kids, 0));
        const inner = this.expr(nth(kids, 1));
        // Prometheus folds a sign into a number literal: -1 is the number -1.
        if (inner.kind === 'number') return { kind: 'number', value: op === '-' ? -inner.value : inner.value };
        return { kind: 'unary', op: op === '-' ? '-' : '+', expr: inner };
      }
      case 'FunctionCall':
        return this.call(node, kids);
      case 'AggregateExpr':
        return this.aggregate(kids);
      case 'BinaryExpr':
        return this.binary(kids);
      default:
        return this.unsupported(node);
    }
  }

  /** The selector or subquery an offset or @ applies to. */
  private modifiable(target: Expr, node: SyntaxNode, what: string) {
    if (target.kind === 'vectorSelector' || target.kind === 'subquery') return target;
    if (target.kind === 'matrixSelector') return target.selector;
    throw new PromqlError(
      `${what} modifier must be preceded by an instant vector selector or range vector selector or a subquery, got "${this.text(node)}"`,
    );
  }

  private at(node: SyntaxNode): AtModifier {
    if (node.name === 'AtModifierPreprocessors') {
      const fn = childrenOf(node)[0]?.name;
      if (fn === 'AtStart') return { kind: 'start' };
      if (fn === 'AtEnd') return { kind: 'end' };
      return this.unsupported(node);
    }
    let sign = 1;
    let n = node;
    if (n.name === 'UnaryExpr') {
      const [op, inner] = childrenOf(n);
      sign = this.text(op!) === '-' ? -1 : 1;
      n = inner!;
    }
    if (n.name !== 'NumberDurationLiteral') return this.unsupported(node, '@ with a non-literal time');
    const seconds = sign * parseNumber(this.text(n));
    if (!Number.isFinite(seconds)) throw new PromqlError('timestamp out of bounds for @ modifier');
    return { kind: 'time', ms: Math.round(seconds * 1000) };
  }

  private offsetDuration(node: SyntaxNode): number {
    const kids = childrenOf(node);
    if (node.name === 'OffsetDurationExpr' && kids.length === 2 && nth(kids, 0).name === 'UnaryOp') {
      const inner = this.offsetDuration(nth(kids, 1));
      return this.text(nth(kids, 0)) === '-' ? -inner : inner;
    }
    return this.duration(node);
  }

  private duration(node: SyntaxNode): number {
    const kids = childrenOf(node);
    const literal = kids.length === 1 ? nth(kids, 0) : node;
    if (!literal.name.startsWith('NumberDurationLiteral')) {
      return this.unsupported(node, 'duration expression');
    }
    return parseDurationMs(this.text(literal));
  }

  private selector(node: SyntaxNode): VectorSelector {
    const matchers: LabelMatcher[] = [];
    for (const kid of childrenOf(node)) {
      if (kid.name === 'Identifier') {
        matchers.push({ name: '__name__', op: '=', value: this.text(kid) });
      } else if (kid.name === 'LabelMatchers') {
        for (const m of childrenOf(kid)) matchers.push(this.matcher(m));
      } else {
        this.unsupported(kid);
      }
    }
    if (matchers.filter((m) => m.name === '__name__').length > 1 && node.firstChild?.name === 'Identifier') {
      const named = matchers.slice(1).some((m) => m.name === '__name__');
      if (named) throw new PromqlError(`metric name must not be set twice: "${this.text(node)}"`);
    }
    if (!matchers.some((m) => !matchesEmpty(m))) {
      throw new PromqlError(`vector selector must contain at least one non-empty matcher: "${this.text(node)}"`);
    }
    return { kind: 'vectorSelector', matchers, offsetMs: 0 };
  }

  private matcher(node: SyntaxNode): LabelMatcher {
    const kids = childrenOf(node);
    if (node.name === 'QuotedLabelName') {
      return { name: '__name__', op: '=', value: unquote(this.text(nth(kids, 0))) };
    }
    if (node.name !== 'UnquotedLabelMatcher' && node.name !== 'QuotedLabelMatcher') return this.unsupported(node);
    const [nameNode, opNode, valueNode] = [nth(kids, 0), nth(kids, 1), nth(kids, 2)];
    const name = nameNode.name === 'QuotedLabelName' ? unquote(this.text(nth(childrenOf(nameNode), 0))) : this.text(nameNode);
    const op = this.text(opNode) as MatchOp;
    const value = unquote(this.text(valueNode));
    if (op === '=~' || op === '!~') compileAnchored(value);
    return { name, op, value };
  }

  private call(node: SyntaxNode, kids: SyntaxNode[]): Expr {
    const name = this.text(nth(kids, 0));
    const signature = FUNCTIONS[name];
    if (!signature) throw new PromqlError(`unsupported PromQL function: ${name}()`);
    const args = nth(kids, 1) ? childrenOf(nth(kids, 1)).map((a) => this.expr(a)) : [];
    const min = signature.args.length - (signature.optional ?? 0);
    const max = signature.variadic ? Number.POSITIVE_INFINITY : signature.args.length;
    if (args.length < min || args.length > max) {
      throw new PromqlError(`expected ${min === max ? min : `at least ${min}`} argument(s) in call to "${name}", got ${args.length}`);
    }
    args.forEach((arg, i) => {
      const want = signature.args[Math.min(i, signature.args.length - 1)]!;
      const got = typeOf(arg);
      if (got !== want) {
        throw new PromqlError(
          `expected type ${typeName(want)} in call to function "${name}", got ${typeName(got)} in "${this.text(node)}"`,
        );
      }
    });
    return { kind: 'call', func: name, args };
  }

  private aggregate(kids: SyntaxNode[]): Expr {
    const op = this.text(nth(kids, 0));
    if (!AGGREGATE_OPS.has(op)) throw new PromqlError(`unsupported PromQL aggregation: ${op}`);
    let grouping: string[] = [];
    let without = false;
    let body: Expr[] = [];
    for (const kid of kids.slice(1)) {
      if (kid.name === 'AggregateModifier') {
        const [mode, labels] = childrenOf(kid);
        without = mode?.name === 'Without';
        grouping = labels ? this.labelList(labels) : [];
      } else if (kid.name === 'FunctionCallBody') {
        body = childrenOf(kid).map((a) => this.expr(a));
      } else {
        this.unsupported(kid);
      }
    }
    const aggregateOp = op as AggregateOp;
    const paramType = PARAM_TYPE[aggregateOp];
    const want = paramType ? 2 : 1;
    if (body.length !== want) {
      throw new PromqlError(`wrong number of arguments for aggregate expression provided, expected ${want}, got ${body.length}`);
    }
    const expr = body[want - 1]!;
    if (typeOf(expr) !== 'vector') {
      throw new PromqlError(`expected type instant vector in aggregation expression, got ${typeName(typeOf(expr))}`);
    }
    if (paramType && typeOf(body[0]!) !== paramType) {
      throw new PromqlError(`expected type ${typeName(paramType)} in aggregation parameter, got ${typeName(typeOf(body[0]!))}`);
    }
    return { kind: 'aggregate', op: aggregateOp, expr, param: paramType ? body[0] : undefined, grouping, without };
  }

  private labelList(node: SyntaxNode): string[] {
    return childrenOf(node).map((l) => (l.name === 'QuotedLabelName' ? unquote(this.text(nth(childrenOf(l), 0))) : this.text(l)));
  }

  private binary(kids: SyntaxNode[]): Expr {
    const lhs = this.expr(nth(kids, 0));
    const rhs = this.expr(nth(kids, kids.length - 1));
    const op = this.text(nth(kids, 1)) as BinaryOp;
    let returnBool = false;
    const matching: VectorMatching = { on: false, labels: [], card: 'one-to-one', include: [] };
    for (const kid of kids.slice(2, -1)) {
      if (kid.name === 'BoolModifier') {
        returnBool = true;
      } else if (kid.name === 'MatchingModifierClause') {
        for (const part of childrenOf(kid)) {
          if (part.name === 'On') matching.on = true;
          else if (part.name === 'Ignoring') matching.on = false;
          else if (part.name === 'GroupLeft') matching.card = 'many-to-one';
          else if (part.name === 'GroupRight') matching.card = 'one-to-many';
          else if (part.name === 'GroupingLabels') {
            if (matching.card === 'one-to-one') matching.labels = this.labelList(part);
            else matching.include = this.labelList(part);
          } else this.unsupported(part);
        }
      } else {
        this.unsupported(kid);
      }
    }
    const lt = typeOf(lhs);
    const rt = typeOf(rhs);
    for (const t of [lt, rt]) {
      if (t !== 'scalar' && t !== 'vector') {
        throw new PromqlError(`binary expression must contain only scalar and instant vector types, got ${typeName(t)}`);
      }
    }
    const bothVectors = lt === 'vector' && rt === 'vector';
    if (SET_OPS.has(op)) {
      if (!bothVectors) throw new PromqlError(`set operator "${op}" not allowed in binary scalar expression`);
      if (matching.card !== 'one-to-one') throw new PromqlError(`no grouping allowed for "${op}" operation`);
      matching.card = 'many-to-many';
    }
    if (returnBool && !COMPARISON_OPS.has(op)) throw new PromqlError('bool modifier can only be used on comparison operators');
    if (COMPARISON_OPS.has(op) && lt === 'scalar' && rt === 'scalar' && !returnBool) {
      throw new PromqlError('comparisons between scalars must use BOOL modifier');
    }
    if (!bothVectors && (matching.labels.length > 0 || matching.on || matching.card !== 'one-to-one')) {
      throw new PromqlError('vector matching only allowed between instant vectors');
    }
    if (matching.on || matching.card === 'many-to-one' || matching.card === 'one-to-many') {
      const overlap = matching.include.find((l) => matching.on && matching.labels.includes(l));
      if (overlap) throw new PromqlError(`label "${overlap}" must not occur in ON and GROUP clause at once`);
    }
    // lezer folds the sign into a number literal, but unary minus binds looser than ^: -2 ^ 2 is -(2 ^ 2).
    const first = nth(kids, 0);
    const signed = /^[+-]/.exec(this.text(first))?.[0];
    if (op === '^' && first.name === 'NumberDurationLiteral' && signed && lhs.kind === 'number') {
      const power: Expr = { kind: 'binary', op, lhs: { kind: 'number', value: Math.abs(lhs.value) }, rhs, returnBool, matching };
      return signed === '-' ? { kind: 'unary', op: '-', expr: power } : power;
    }
    return { kind: 'binary', op, lhs, rhs, returnBool, matching };
  }
}

/** The value type an expression evaluates to; throws for subqueries over anything but an instant vector. */
export function typeOf(expr: Expr): ValueType {
  switch (expr.kind) {
    case 'number':
      return 'scalar';
    case 'string':
      return 'string';
    case 'vectorSelector':
      return 'vector';
    case 'matrixSelector':
      return 'matrix';
    case 'subquery':
      if (typeOf(expr.expr) !== 'vector') {
        throw new PromqlError(`subquery is only allowed on instant vector, got ${typeName(typeOf(expr.expr))}`);
      }
      return 'matrix';
    case 'call':
      return FUNCTIONS[expr.func]!.returns;
    case 'aggregate':
      return 'vector';
    case 'binary':
      return typeOf(expr.lhs) === 'scalar' && typeOf(expr.rhs) === 'scalar' ? 'scalar' : 'vector';
    case 'unary': {
      const t = typeOf(expr.expr);
      if (t !== 'scalar' && t !== 'vector') {
        throw new PromqlError(`unary expression only allowed on expressions of type scalar or instant vector, got ${typeName(t)}`);
      }
      return t;
    }
    case 'paren':
      return typeOf(expr.expr);
  }
}

export function typeName(t: ValueType): string {
  return t === 'vector' ? 'instant vector' : t === 'matrix' ? 'range vector' : t;
}

function matchesEmpty(m: LabelMatcher): boolean {
  switch (m.op) {
    case '=':
      return m.value === '';
    case '!=':
      return m.value !== '';
    case '=~':
      return compileAnchored(m.value).test('');
    case '!~':
      return !compileAnchored(m.value).test('');
  }
}
