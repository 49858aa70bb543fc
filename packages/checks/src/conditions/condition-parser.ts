import { parseDuration } from './duration';
import { compileGlob, type GlobPattern } from './glob';
import { compileLinearRegex, type LinearRegex } from './linear-regex';
import { DNS_RCODES, isPlaceholderName, PLACEHOLDERS, type PlaceholderKind, type PlaceholderName } from './placeholders';
import { regexHazard } from './regex-hazard';
import { RegexSyntaxError } from './regex-syntax';

/**
 * The condition language of checks, after Gatus: `SUBJECT OPERATOR EXPECTED`, one condition per string.
 *
 *   SUBJECT   [STATUS] | [BODY] | [BODY].a.b[0]["odd key"] | [METRIC].name{label="v"} | len(PLACEHOLDER) | has(PLACEHOLDER) | …
 *   OPERATOR  == != < <= > >= =~
 *   EXPECTED  a value (200, true, NOERROR, 10.0.0.1, 72h, "quoted text") | any(V, V, …) | pat(GLOB) | "regex" (after =~)
 *
 * A bare value runs to the end of the condition, so `[BODY].name == John Smith` compares with "John Smith". In a
 * quoted value `\"` is a quote and `\\` a backslash. After `=~` the text between the quotes is the regular expression
 * itself (RE2 syntax, so `"\d+"` means digits), matched anywhere in the value on a linear-time engine.
 *
 * Conditions are parsed once, when a check is saved: every mistake is reported with its column and what was
 * expected there, and types are checked against the placeholder (`[STATUS] == ok` is refused, `[CONNECTED] < 1` too).
 */

/** The comparison operators; `=~` is "matches the regular expression somewhere". */
export type ConditionOperator = '==' | '!=' | '<' | '<=' | '>' | '>=' | '=~';

/** A placeholder with its JSON path, if any: `[BODY].items[0].name` → BODY, ['items', 0, 'name']. */
export interface PlaceholderRef {
  name: PlaceholderName;
  path: readonly (string | number)[];
  /** For `[METRIC]`: the metric and the labels a sample must have, `[METRIC].up{job="node"}`. */
  selector?: MetricSelector;
}

/** The samples a `[METRIC]` condition reads: those named `metric` whose labels equal `labels` (absent counts as ""). */
export interface MetricSelector {
  metric: string;
  labels: readonly (readonly [name: string, value: string])[];
}

/** What a condition tests: a placeholder's value, its length (`len`) or its presence (`has`). */
export interface ConditionSubject {
  fn: 'value' | 'len' | 'has';
  ref: PlaceholderRef;
  /** How the subject compares, after the function: len() is a number, has() a boolean, a JSON value loose. */
  kind: PlaceholderKind | 'json';
  /** The subject as written, for reasons: `len([BODY].items)`. */
  text: string;
}

/** A literal on the right-hand side: its text, and its number (milliseconds for durations) when it has one. */
export interface ConditionLiteral {
  text: string;
  quoted: boolean;
  number?: number;
}

/** The right-hand side of a condition, parsed and compiled. */
export type ConditionExpectation =
  | { kind: 'value'; value: ConditionLiteral; text: string }
  | { kind: 'any'; values: readonly ConditionLiteral[]; text: string }
  | { kind: 'pattern'; glob: GlobPattern; text: string }
  | { kind: 'regex'; regex: LinearRegex; text: string };

/** One parsed condition, ready to evaluate against any number of results. */
export interface Condition {
  source: string;
  subject: ConditionSubject;
  operator: ConditionOperator;
  expected: ConditionExpectation;
}

/** Options of the parser. */
export interface ConditionParseOptions {
  /** The placeholders the check type offers; any other is refused, naming those it offers. */
  allowedPlaceholders: readonly PlaceholderName[];
}

/**
 * A condition that cannot be parsed. `offset` is 0-based in `condition`; the message gives the 1-based column,
 * what was expected there and what was found. `index` is the condition's place in its list, when parsed as one.
 */
export class ConditionSyntaxError extends Error {
  constructor(
    readonly condition: string,
    readonly offset: number,
    readonly expected: string,
    readonly found: string,
    readonly index?: number,
  ) {
    super(
      `${index === undefined ? '' : `condition ${index + 1}: `}column ${offset + 1} of ${JSON.stringify(condition)}: expected ${expected}, found ${found}`,
    );
    this.name = 'ConditionSyntaxError';
  }
}

const OPERATORS: readonly ConditionOperator[] = ['==', '!=', '<=', '>=', '=~', '<', '>'];
const ORDERED = new Set<ConditionOperator>(['<', '<=', '>', '>=']);
const NUMBER = /^-?\d+(?:\.\d+)?$/;
/** Characters that end a key after `.` in a JSON path. */
const KEY_END = /[\s.[\]()=!<>~,"]/;

class Cursor {
  pos = 0;

  constructor(
    readonly src: string,
    private readonly allowed: ReadonlySet<PlaceholderName>,
  ) {}

  fail(expected: string, at = this.pos, found = this.describeAt(at)): never {
    throw new ConditionSyntaxError(this.src, at, expected, found);
  }

  describeAt(at: number): string {
    if (at >= this.src.length) return 'the end of the condition';
    const word = /^[^\s]{1,24}/.exec(this.src.slice(at))?.[0] ?? this.src[at];
    return JSON.stringify(word);
  }

  skipSpace(): void {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos] as string)) this.pos++;
  }

  /** A function name followed by `(` at the cursor, if there is one (not consumed). */
  functionAhead(): string | undefined {
    return /^([A-Za-z_][A-Za-z0-9_]*)\s*\(/.exec(this.src.slice(this.pos, this.pos + 40))?.[1];
  }

  expect(text: string, what = JSON.stringify(text)): void {
    if (!this.src.startsWith(text, this.pos)) this.fail(what);
    this.pos += text.length;
  }

  condition(): Condition {
    this.skipSpace();
    const subject = this.subject();
    this.skipSpace();
    const operatorAt = this.pos;
    const operator = OPERATORS.find((op) => this.src.startsWith(op, this.pos));
    if (!operator) this.fail('an operator (==, !=, <, <=, >, >=, =~)');
    this.pos += operator.length;
    this.checkOperator(subject, operator, operatorAt);
    this.skipSpace();
    const expected = this.expectation(subject, operator, operatorAt);
    this.skipSpace();
    if (this.pos < this.src.length) this.fail('the end of the condition');
    return { source: this.src, subject, operator, expected };
  }

  private subject(): ConditionSubject {
    const start = this.pos;
    const fn = this.functionAhead();
    if (fn !== undefined) {
      if (fn !== 'len' && fn !== 'has') this.fail('a placeholder such as [STATUS], or len(…) or has(…)', start, `${fn}(…)`);
      this.pos = this.src.indexOf('(', this.pos) + 1;
      this.skipSpace();
      const ref = this.placeholder();
      this.skipSpace();
      this.expect(')', `")" closing ${fn}(`);
      return { fn, ref, kind: fn === 'len' ? 'number' : 'boolean', text: this.src.slice(start, this.pos) };
    }
    const ref = this.placeholder();
    const kind = ref.path.length > 0 ? 'json' : PLACEHOLDERS[ref.name].kind;
    return { fn: 'value', ref, kind, text: this.src.slice(start, this.pos) };
  }

  private placeholder(): PlaceholderRef {
    const start = this.pos;
    if (this.src[this.pos] !== '[') this.fail('a placeholder such as [STATUS], or len(…) or has(…)');
    const name = /^[A-Za-z_]*/.exec(this.src.slice(start + 1))?.[0] ?? '';
    const close = start + 1 + name.length;
    if (name === '') this.fail(`a placeholder name, one of ${this.offered()}`, start + 1);
    if (this.src[close] !== ']') this.fail(`"]" closing the placeholder [${name}`, close);
    if (!isPlaceholderName(name)) this.fail(`one of the placeholders ${this.offered()}`, start, JSON.stringify(`[${name}]`));
    if (!this.allowed.has(name)) {
      this.fail(`one of the placeholders this check type offers, ${this.offered()}`, start, JSON.stringify(`[${name}]`));
    }
    this.pos = close + 1;
    if (PLACEHOLDERS[name].takesSelector) return { name, path: [], selector: this.selector(name) };
    const path: (string | number)[] = [];
    for (;;) {
      const c = this.src[this.pos];
      if (c !== '.' && c !== '[') break;
      if (!PLACEHOLDERS[name].takesPath) this.fail(`an operator (only [BODY] takes a JSON path)`);
      if (c === '.') {
        this.pos++;
        let end = this.pos;
        while (end < this.src.length && !KEY_END.test(this.src[end] as string)) end++;
        if (end === this.pos) this.fail('a key after "."');
        path.push(this.src.slice(this.pos, end));
        this.pos = end;
      } else {
        this.pos++;
        if (this.src[this.pos] === '"') path.push(this.quoted().text);
        else {
          const digits = /^\d+/.exec(this.src.slice(this.pos))?.[0];
          if (digits === undefined) this.fail('an array index or a quoted key after "["');
          path.push(Number(digits));
          this.pos += digits.length;
        }
        this.expect(']', '"]" closing the index');
      }
    }
    return { name, path };
  }

  /** `.metric_name` and optional `{label="value", …}` after a placeholder that takes a selector. */
  private selector(placeholder: PlaceholderName): MetricSelector {
    if (this.src[this.pos] !== '.') this.fail(`"." and a metric name after [${placeholder}], such as [${placeholder}].node_load1`);
    this.pos++;
    const metric = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(this.src.slice(this.pos))?.[0];
    if (metric === undefined) this.fail('a metric name such as node_load1');
    this.pos += metric.length;
    const labels: [string, string][] = [];
    if (this.src[this.pos] !== '{') return { metric, labels };
    this.pos++;
    for (;;) {
      this.skipSpace();
      if (this.src[this.pos] === '}') break;
      const label = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(this.src.slice(this.pos))?.[0];
      if (label === undefined) this.fail('a label name or "}"');
      this.pos += label.length;
      this.skipSpace();
      this.expect('=', '"=" (a selector matches labels by equality only)');
      this.skipSpace();
      if (this.src[this.pos] !== '"') this.fail(`a quoted value for the label ${label}`);
      labels.push([label, this.quoted().text]);
      this.skipSpace();
      if (this.src[this.pos] === ',') this.pos++;
      else if (this.src[this.pos] !== '}') this.fail('"," or "}" in the label selector');
    }
    this.pos++;
    return { metric, labels };
  }

  private offered(): string {
    return [...this.allowed].map((n) => `[${n}]`).join(', ');
  }

  private checkOperator(subject: ConditionSubject, operator: ConditionOperator, at: number): void {
    const equalityOnly = subject.kind === 'boolean' || subject.kind === 'rcode';
    if (equalityOnly && operator !== '==' && operator !== '!=') {
      this.fail(
        `== or != after ${subject.text}, which is ${subject.kind === 'boolean' ? 'true or false' : 'a DNS response code'}`,
        at,
        JSON.stringify(operator),
      );
    }
  }

  private expectation(subject: ConditionSubject, operator: ConditionOperator, operatorAt: number): ConditionExpectation {
    const start = this.pos;
    const fn = this.functionAhead();
    if (fn !== undefined && operator !== '=~') {
      if (fn !== 'any' && fn !== 'pat') this.fail('a value, any(…) or pat(…)', start, `${fn}(…)`);
      if (operator !== '==' && operator !== '!=') this.fail(`== or != before ${fn}(…)`, operatorAt, JSON.stringify(operator));
      this.pos = this.src.indexOf('(', this.pos) + 1;
      if (fn === 'pat') {
        if (subject.kind === 'boolean') this.fail('true or false', start, 'pat(…)');
        this.skipSpace();
        let glob: string;
        if (this.src[this.pos] === '"') {
          glob = this.quoted().text;
          this.skipSpace();
          this.expect(')', '")" closing pat(');
        } else {
          // A bare pattern runs to the last ")" of the condition, so it may hold spaces and parentheses.
          const close = this.src.lastIndexOf(')');
          if (close < this.pos) this.fail('")" closing pat(', this.src.length);
          glob = this.src.slice(this.pos, close).trim();
          this.pos = close + 1;
        }
        return { kind: 'pattern', glob: compileGlob(glob), text: this.src.slice(start, this.pos) };
      }
      const values: ConditionLiteral[] = [];
      for (;;) {
        this.skipSpace();
        values.push(this.literal(subject, operator, /[,)]/));
        this.skipSpace();
        if (this.src[this.pos] === ',') this.pos++;
        else if (this.src[this.pos] === ')') break;
        else this.fail('"," or ")" in any(…)');
      }
      this.pos++;
      return { kind: 'any', values, text: this.src.slice(start, this.pos) };
    }
    if (operator === '=~') return this.regex();
    const value = this.literal(subject, operator, undefined);
    return { kind: 'value', value, text: this.src.slice(start, this.pos) };
  }

  private regex(): ConditionExpectation {
    const start = this.pos;
    let source: string;
    let sourceAt: number;
    if (this.src[this.pos] === '"') {
      sourceAt = this.pos + 1;
      source = this.quoted().raw;
    } else {
      sourceAt = this.pos;
      source = this.src.slice(this.pos).trimEnd();
      this.pos += source.length;
    }
    if (source === '') this.fail('a regular expression', start);
    const hazard = regexHazard(source);
    if (hazard) this.fail(`a regular expression safe to run (${hazard})`, sourceAt, JSON.stringify(source));
    try {
      return { kind: 'regex', regex: compileLinearRegex(source), text: this.src.slice(start, this.pos) };
    } catch (err) {
      if (!(err instanceof RegexSyntaxError)) throw err;
      const message = err.message.replace(/ at offset \d+$/, '');
      this.fail(`a valid regular expression (${message})`, sourceAt + err.offset, JSON.stringify(source));
    }
  }

  /**
   * A quoted string at the cursor. `raw` is the text between the quotes as written; `text` has `\"` and `\\`
   * unescaped (other backslashes stay, so `"\d"` is backslash-d either way).
   */
  private quoted(): { raw: string; text: string } {
    const start = this.pos;
    let i = start + 1;
    while (i < this.src.length && this.src[i] !== '"') i += this.src[i] === '\\' ? 2 : 1;
    if (i >= this.src.length) this.fail('a closing quote for the string opened', start, 'the end of the condition');
    const raw = this.src.slice(start + 1, i);
    this.pos = i + 1;
    return { raw, text: raw.replace(/\\(["\\])/g, '$1') };
  }

  /** A literal value, quoted or bare (bare runs up to `stop`, or to the end), checked against the subject's kind. */
  private literal(subject: ConditionSubject, operator: ConditionOperator, stop: RegExp | undefined): ConditionLiteral {
    const at = this.pos;
    let literal: ConditionLiteral;
    if (this.src[this.pos] === '"') literal = { text: this.quoted().text, quoted: true };
    else {
      let end = this.pos;
      while (end < this.src.length && !(stop?.test(this.src[end] as string) ?? false)) end++;
      const text = this.src.slice(this.pos, end).trimEnd();
      if (text === '') this.fail('a value');
      this.pos += text.length;
      literal = { text, quoted: false };
    }
    const found = JSON.stringify(literal.text);
    const ordered = ORDERED.has(operator);
    switch (subject.kind) {
      case 'number':
        if (!NUMBER.test(literal.text)) this.fail(`a number for ${subject.text}`, at, found);
        literal.number = Number(literal.text);
        break;
      case 'duration': {
        const ms = NUMBER.test(literal.text) ? Number(literal.text) : parseDuration(literal.text);
        if (ms === undefined)
          this.fail(`a duration for ${subject.text}, such as 500ms, 30s, 72h or 7d (a bare number is milliseconds)`, at, found);
        literal.number = ms;
        break;
      }
      case 'boolean':
        if (literal.text !== 'true' && literal.text !== 'false') this.fail(`true or false for ${subject.text}`, at, found);
        break;
      case 'rcode':
        literal.text = literal.text.toUpperCase();
        if (!DNS_RCODES.has(literal.text)) this.fail(`a DNS response code such as NOERROR, NXDOMAIN or SERVFAIL`, at, found);
        break;
      default: {
        // Text and JSON values compare loosely; a number is noted for ordered operators and numeric JSON values.
        const ms = literal.quoted ? undefined : NUMBER.test(literal.text) ? Number(literal.text) : parseDuration(literal.text);
        if (ms !== undefined) literal.number = ms;
        else if (ordered) this.fail(`a number after ${operator}`, at, found);
      }
    }
    return literal;
  }
}

/** Parses one condition; throws a {@link ConditionSyntaxError} naming the column and what was expected there. */
export function parseCondition(source: string, options: ConditionParseOptions): Condition {
  return new Cursor(source, new Set(options.allowedPlaceholders)).condition();
}

/**
 * Parses a check's list of conditions, all or nothing. The error of the first bad condition carries its index, so
 * a form can mark the right line.
 */
export function parseConditions(sources: readonly string[], options: ConditionParseOptions): Condition[] {
  const allowed = new Set(options.allowedPlaceholders);
  return sources.map((source, index) => {
    try {
      return new Cursor(source, allowed).condition();
    } catch (err) {
      if (!(err instanceof ConditionSyntaxError)) throw err;
      throw new ConditionSyntaxError(err.condition, err.offset, err.expected, err.found, index);
    }
  });
}
