/*
 * Label matchers as Alertmanager writes them in routes, inhibit rules and silences: `name="value"`, `name!="value"`,
 * `name=~"regex"`, `name!~"regex"`, several separated by commas and optionally wrapped in braces, names and values
 * quoted when they hold anything but plain characters (so UTF-8 label names work).
 */
import type { Labels } from '../alert-model';

/** The four matcher operators. */
export type MatchType = '=' | '!=' | '=~' | '!~';

/** One label matcher. A missing label counts as the empty string, so `team=""` matches alerts without `team`. */
export interface Matcher {
  readonly name: string;
  readonly type: MatchType;
  readonly value: string;
  /** The fully anchored pattern for `=~` and `!~`; undefined for equality matchers. */
  readonly regex?: RegExp;
}

/** A matcher text that does not parse; `offset` is the character where parsing stopped. */
export class MatcherSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'MatcherSyntaxError';
  }
}

const PLAIN_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const SPECIAL = new Set(['{', '}', ',', '=', '!', '~', '"', "'"]);
const INLINE_FLAGS = /^\(\?([imsU]+)\)/;

/**
 * Compiles a Go (RE2) pattern as Alertmanager anchors it: the whole value must match. Leading inline flags (`(?i)`,
 * `(?s)`, `(?m)`) become JavaScript flags; a pattern JavaScript cannot compile throws with the reason.
 */
export function compileAnchoredRegex(pattern: string): RegExp {
  let body = pattern;
  let flags = '';
  const inline = INLINE_FLAGS.exec(body);
  if (inline?.[1]) {
    if (inline[1].includes('U')) throw new Error('the (?U) flag (ungreedy) is not supported');
    flags = [...new Set(inline[1])].join('');
    body = body.slice(inline[0].length);
  }
  const anchored = `^(?:${body})$`;
  try {
    return new RegExp(anchored, `${flags}u`);
  } catch {
    // Go accepts escapes such as `\-` outside classes that JavaScript's unicode mode rejects; retry without it.
    return new RegExp(anchored, flags);
  }
}

/** Builds a matcher, compiling its regex; throws when the pattern does not compile. */
export function createMatcher(name: string, type: MatchType, value: string): Matcher {
  if (type === '=~' || type === '!~') return { name, type, value, regex: compileAnchoredRegex(value) };
  return { name, type, value };
}

/** Whether one matcher accepts a label set (a missing label is the empty string). */
export function matcherMatches(matcher: Matcher, labels: Labels): boolean {
  const value = labels[matcher.name] ?? '';
  switch (matcher.type) {
    case '=':
      return value === matcher.value;
    case '!=':
      return value !== matcher.value;
    case '=~':
      return matcher.regex?.test(value) ?? false;
    case '!~':
      return !(matcher.regex?.test(value) ?? false);
  }
}

/** Whether every matcher accepts the label set; an empty list matches everything. */
export function matchersMatch(matchers: readonly Matcher[], labels: Labels): boolean {
  return matchers.every((matcher) => matcherMatches(matcher, labels));
}

function quote(text: string): string {
  return JSON.stringify(text);
}

/** A label name as Alertmanager prints it: bare when plain (`[a-zA-Z_:][a-zA-Z0-9_:]*`), else quoted. */
export function formatLabelName(name: string): string {
  return PLAIN_NAME.test(name) ? name : quote(name);
}

/** A matcher as Alertmanager prints it: `name="value"`, the name quoted only when it needs to be. */
export function formatMatcher(matcher: Matcher): string {
  return `${formatLabelName(matcher.name)}${matcher.type}${quote(matcher.value)}`;
}

/** A matcher list as `{a="b", c=~"d"}`. */
export function formatMatchers(matchers: readonly Matcher[]): string {
  return `{${matchers.map(formatMatcher).join(', ')}}`;
}

/**
 * Parses one matcher text, which may hold several matchers separated by commas, optionally in braces:
 * `severity="critical"`, `{env=~"prod|staging", team!=""}`, `"service.name"="api"`. Values may be unquoted when
 * they contain none of `{}=!~,"'` or spaces. Throws {@link MatcherSyntaxError} naming the offset, or an Error for a
 * regex that does not compile.
 */
export function parseMatchers(text: string): Matcher[] {
  const lexer = new Lexer(text);
  lexer.skipSpace();
  const braced = lexer.peek() === '{';
  if (braced) lexer.advance();
  const matchers: Matcher[] = [];
  for (;;) {
    lexer.skipSpace();
    if (lexer.done() || (braced && lexer.peek() === '}')) break;
    const nameAt = lexer.offset;
    const name = lexer.word('a label name');
    if (name === '') throw new MatcherSyntaxError('a label name must not be empty', nameAt);
    lexer.skipSpace();
    const type = lexer.operator();
    lexer.skipSpace();
    const valueAt = lexer.offset;
    const value = lexer.word('a value', true);
    try {
      matchers.push(createMatcher(name, type, value));
    } catch (error) {
      throw new MatcherSyntaxError(`invalid regular expression ${quote(value)}: ${(error as Error).message}`, valueAt);
    }
    lexer.skipSpace();
    if (lexer.peek() === ',') {
      lexer.advance();
      continue;
    }
    break;
  }
  lexer.skipSpace();
  if (braced) {
    if (lexer.peek() !== '}') throw new MatcherSyntaxError("expected ',' or '}'", lexer.offset);
    lexer.advance();
    lexer.skipSpace();
  }
  if (!lexer.done()) throw new MatcherSyntaxError(`unexpected ${quote(lexer.peek())}`, lexer.offset);
  if (matchers.length === 0 && !braced) throw new MatcherSyntaxError('expected a matcher', 0);
  return matchers;
}

class Lexer {
  offset = 0;
  constructor(private readonly text: string) {}

  done(): boolean {
    return this.offset >= this.text.length;
  }
  peek(): string {
    return this.text[this.offset] ?? '';
  }
  advance(): void {
    this.offset++;
  }
  skipSpace(): void {
    while (!this.done() && /\s/.test(this.peek())) this.offset++;
  }

  operator(): MatchType {
    const two = this.text.slice(this.offset, this.offset + 2);
    if (two === '!=' || two === '=~' || two === '!~') {
      this.offset += 2;
      return two;
    }
    if (this.peek() === '=') {
      this.offset++;
      return '=';
    }
    throw new MatcherSyntaxError("expected an operator ('=', '!=', '=~' or '!~')", this.offset);
  }

  /** A quoted string (with \\ \" \n \t escapes) or a run of plain characters. */
  word(what: string, allowEmpty = false): string {
    if (this.peek() === '"') return this.quoted();
    const start = this.offset;
    while (!this.done() && !SPECIAL.has(this.peek()) && !/\s/.test(this.peek())) this.offset++;
    const word = this.text.slice(start, this.offset);
    if (word === '' && !allowEmpty) throw new MatcherSyntaxError(`expected ${what}`, start);
    return word;
  }

  private quoted(): string {
    const start = this.offset;
    this.offset++;
    let out = '';
    while (!this.done()) {
      const char = this.peek();
      this.offset++;
      if (char === '"') return out;
      if (char !== '\\') {
        out += char;
        continue;
      }
      const next = this.peek();
      this.offset++;
      if (next === 'n') out += '\n';
      else if (next === 't') out += '\t';
      else if (next === '"' || next === '\\') out += next;
      // Keep unknown escapes (`\d` in a regex) as written, as a user pasting a pattern means them.
      else out += `\\${next}`;
    }
    throw new MatcherSyntaxError('unterminated quoted string', start);
  }
}
