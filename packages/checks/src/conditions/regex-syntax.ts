/**
 * The syntax of the regular expressions users write into check conditions: RE2's, as Go and Prometheus take it —
 * the subset listed in linear-regex.ts — parsed into a small tree the linear-time matcher compiles. Everything RE2
 * would refuse, and what only a backtracking engine could run (lookarounds, backreferences), is refused here with
 * the offset of the problem.
 */

/** A pattern this matcher cannot take; `offset` is the 0-based index in the pattern where the problem was seen. */
export class RegexSyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'RegexSyntaxError';
  }
}

/** The largest repeat count, as in RE2. */
const MAX_REPEAT = 1000;

/** The zero-width assertions: line and text boundaries, word boundaries. */
export type RegexAssertion = 'bol' | 'eol' | 'bot' | 'eot' | 'word' | 'notword';
/** A parsed pattern. Character classes are sorted, merged code-point ranges (pairs lo, hi). */
export type RegexNode =
  | { t: 'empty' }
  | { t: 'char'; cp: number; fold: boolean }
  | { t: 'class'; ranges: number[]; negated: boolean; fold: boolean }
  | { t: 'any'; dotAll: boolean }
  | { t: 'assert'; kind: RegexAssertion }
  | { t: 'cat'; items: RegexNode[] }
  | { t: 'alt'; items: RegexNode[] }
  | { t: 'repeat'; node: RegexNode; min: number; max: number };

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
}

const DIGIT = [0x30, 0x39];
const WORD = [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a];
const SPACE = [0x09, 0x0a, 0x0c, 0x0d, 0x20, 0x20];
const POSIX: Record<string, number[]> = {
  alnum: [0x30, 0x39, 0x41, 0x5a, 0x61, 0x7a],
  alpha: [0x41, 0x5a, 0x61, 0x7a],
  ascii: [0x00, 0x7f],
  blank: [0x09, 0x09, 0x20, 0x20],
  cntrl: [0x00, 0x1f, 0x7f, 0x7f],
  digit: DIGIT,
  graph: [0x21, 0x7e],
  lower: [0x61, 0x7a],
  print: [0x20, 0x7e],
  punct: [0x21, 0x2f, 0x3a, 0x40, 0x5b, 0x60, 0x7b, 0x7e],
  space: [0x09, 0x0d, 0x20, 0x20],
  upper: [0x41, 0x5a],
  word: WORD,
  xdigit: [0x30, 0x39, 0x41, 0x46, 0x61, 0x66],
};

/** Sorted, merged ranges (pairs lo, hi). */
function normalise(ranges: number[]): number[] {
  const pairs: [number, number][] = [];
  for (let i = 0; i < ranges.length; i += 2) pairs.push([ranges[i] as number, ranges[i + 1] as number]);
  pairs.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [lo, hi] of pairs) {
    const last = out.length - 1;
    if (last > 0 && lo <= (out[last] as number) + 1) out[last] = Math.max(out[last] as number, hi);
    else out.push(lo, hi);
  }
  return out;
}

function complement(ranges: number[]): number[] {
  const sorted = normalise(ranges);
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < sorted.length; i += 2) {
    if ((sorted[i] as number) > next) out.push(next, (sorted[i] as number) - 1);
    next = (sorted[i + 1] as number) + 1;
  }
  if (next <= 0x10ffff) out.push(next, 0x10ffff);
  return out;
}

class Parser {
  private pos = 0;

  constructor(private readonly src: string) {}

  parse(): RegexNode {
    const node = this.alternation({ i: false, m: false, s: false });
    if (this.pos < this.src.length) throw this.error('unmatched )');
    return node;
  }

  private error(message: string, at = this.pos): RegexSyntaxError {
    return new RegexSyntaxError(`${message} at offset ${at}`, at);
  }

  private alternation(parent: Flags): RegexNode {
    // Flags set by (?i) inside a group last to the group's end, across its alternatives, as in RE2.
    const flags = { ...parent };
    const items = [this.concatenation(flags)];
    while (this.src[this.pos] === '|') {
      this.pos++;
      items.push(this.concatenation(flags));
    }
    return items.length === 1 ? (items[0] as RegexNode) : { t: 'alt', items };
  }

  private concatenation(flags: Flags): RegexNode {
    const items: RegexNode[] = [];
    while (this.pos < this.src.length && this.src[this.pos] !== '|' && this.src[this.pos] !== ')') {
      const atom = this.atom(flags);
      if (atom !== undefined) items.push(this.repeats(atom));
    }
    if (items.length === 0) return { t: 'empty' };
    return items.length === 1 ? (items[0] as RegexNode) : { t: 'cat', items };
  }

  private repeats(atom: RegexNode): RegexNode {
    let node = atom;
    let repeated = false;
    for (;;) {
      const c = this.src[this.pos];
      let min: number;
      let max: number;
      const at = this.pos;
      if (c === '*' || c === '+' || c === '?') {
        this.pos++;
        [min, max] = c === '*' ? [0, -1] : c === '+' ? [1, -1] : [0, 1];
      } else if (c === '{') {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.pos, this.pos + 24));
        if (!m) return node;
        this.pos += m[0].length;
        min = Number(m[1]);
        max = m[2] === undefined ? min : m[3] === '' ? -1 : Number(m[3]);
        if (min > MAX_REPEAT || max > MAX_REPEAT) throw this.error(`repeat count above ${MAX_REPEAT}`, at);
        if (max !== -1 && max < min) throw this.error('repeat range with its maximum below its minimum', at);
      } else return node;
      if (repeated) throw this.error('a repeat of a repeat (write a group around the first)', at);
      if (atom.t === 'assert') throw this.error('an anchor cannot repeat', at);
      if (this.src[this.pos] === '?') this.pos++;
      node = { t: 'repeat', node, min, max };
      repeated = true;
    }
  }

  private atom(flags: Flags): RegexNode | undefined {
    const c = this.src[this.pos] as string;
    const at = this.pos;
    if (c === '(') return this.group(flags);
    if (c === '[') return this.charClass(flags);
    if (c === '*' || c === '+' || c === '?') throw this.error('nothing to repeat', at);
    if (c === '{' && /^\{\d+(,\d*)?\}/.test(this.src.slice(at, at + 24))) throw this.error('nothing to repeat', at);
    this.pos++;
    if (c === '.') return { t: 'any', dotAll: flags.s };
    if (c === '^') return { t: 'assert', kind: flags.m ? 'bol' : 'bot' };
    if (c === '$') return { t: 'assert', kind: flags.m ? 'eol' : 'eot' };
    if (c === '\\') return this.escape(flags, false) as RegexNode;
    this.pos = at;
    const cp = this.src.codePointAt(at) as number;
    this.pos += cp > 0xffff ? 2 : 1;
    return { t: 'char', cp, fold: flags.i };
  }

  private group(flags: Flags): RegexNode | undefined {
    const at = this.pos;
    this.pos++;
    let inner = flags;
    if (this.src[this.pos] === '?') {
      const rest = this.src.slice(this.pos, this.pos + 4);
      if (/^\?(<?[=!])/.test(rest)) throw this.error('lookaheads and lookbehinds are not supported (RE2 syntax)', at);
      const named = /^\?P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(this.src.slice(this.pos, this.pos + 200));
      if (named) this.pos += named[0].length;
      else {
        const m = /^\?([imsU]*)(?:-([imsU]*))?([:)])/.exec(this.src.slice(this.pos, this.pos + 16));
        if (!m) throw this.error('unknown group flag or syntax after (?', at);
        const set = { ...flags };
        for (const f of m[1] ?? '') if (f !== 'U') set[f as keyof Flags] = true;
        for (const f of m[2] ?? '') if (f !== 'U') set[f as keyof Flags] = false;
        this.pos += m[0].length;
        if (m[3] === ')') {
          // (?i) alone: the flags hold for the rest of the enclosing group.
          Object.assign(flags, set);
          return undefined;
        }
        inner = set;
      }
    }
    const node = this.alternation(inner);
    if (this.src[this.pos] !== ')') throw this.error('missing ) for the group opened', at);
    this.pos++;
    return node;
  }

  /** An escape after `\`; inside a class, answers ranges for a class escape and a code point otherwise. */
  private escape(flags: Flags, inClass: boolean): RegexNode | number | number[] {
    const at = this.pos - 1;
    const c = this.src[this.pos];
    if (c === undefined) throw this.error('trailing backslash', at);
    this.pos++;
    const classOf = (ranges: number[], negated: boolean): RegexNode | number[] =>
      inClass ? (negated ? complement(ranges) : ranges) : { t: 'class', ranges: normalise(ranges), negated, fold: false };
    switch (c) {
      case 'd':
      case 'D':
        return classOf(DIGIT, c === 'D');
      case 'w':
      case 'W':
        return classOf(WORD, c === 'W');
      case 's':
      case 'S':
        return classOf(SPACE, c === 'S');
      case 'n':
        return this.literal(10, flags, inClass);
      case 't':
        return this.literal(9, flags, inClass);
      case 'r':
        return this.literal(13, flags, inClass);
      case 'f':
        return this.literal(12, flags, inClass);
      case 'v':
        return this.literal(11, flags, inClass);
      case 'a':
        return this.literal(7, flags, inClass);
      case 'x': {
        const m = /^(?:([0-9A-Fa-f]{2})|\{([0-9A-Fa-f]{1,6})\})/.exec(this.src.slice(this.pos, this.pos + 9));
        if (!m) throw this.error('\\x needs two hex digits or {hex}', at);
        this.pos += m[0].length;
        const cp = Number.parseInt(m[1] ?? (m[2] as string), 16);
        if (cp > 0x10ffff) throw this.error('code point above U+10FFFF', at);
        return this.literal(cp, flags, inClass);
      }
    }
    if (!inClass) {
      if (c === 'b') return { t: 'assert', kind: 'word' };
      if (c === 'B') return { t: 'assert', kind: 'notword' };
      if (c === 'A') return { t: 'assert', kind: 'bot' };
      if (c === 'z') return { t: 'assert', kind: 'eot' };
    }
    if (/[1-9]/.test(c) || c === 'k') throw this.error('backreferences are not supported (RE2 syntax)', at);
    if (c === 'p' || c === 'P') throw this.error('Unicode classes (\\p{…}) are not supported; use a bracket class', at);
    if (/[0-9A-Za-z]/.test(c)) throw this.error(`unknown escape \\${c}`, at);
    this.pos--;
    const cp = this.src.codePointAt(this.pos) as number;
    this.pos += cp > 0xffff ? 2 : 1;
    return this.literal(cp, flags, inClass);
  }

  private literal(cp: number, flags: Flags, inClass: boolean): RegexNode | number {
    return inClass ? cp : { t: 'char', cp, fold: flags.i };
  }

  private charClass(flags: Flags): RegexNode {
    const at = this.pos;
    this.pos++;
    let negated = false;
    if (this.src[this.pos] === '^') {
      negated = true;
      this.pos++;
    }
    const ranges: number[] = [];
    let first = true;
    for (;;) {
      if (this.pos >= this.src.length) throw this.error('missing ] for the class opened', at);
      const c = this.src[this.pos];
      if (c === ']' && !first) break;
      first = false;
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(this.src.slice(this.pos, this.pos + 12));
      if (posix) {
        const set = POSIX[posix[2] as string];
        if (!set) throw this.error(`unknown class [:${posix[2]}:]`, this.pos);
        ranges.push(...(posix[1] ? complement(set) : set));
        this.pos += posix[0].length;
        continue;
      }
      const lo = this.classAtom(flags);
      if (Array.isArray(lo)) {
        ranges.push(...lo);
        continue;
      }
      if (this.src[this.pos] === '-' && this.src[this.pos + 1] !== ']' && this.pos + 1 < this.src.length) {
        const dashAt = this.pos;
        this.pos++;
        const hi = this.classAtom(flags);
        if (Array.isArray(hi)) throw this.error('a class escape cannot end a range', dashAt);
        if (hi < lo) throw this.error('class range out of order', dashAt);
        ranges.push(lo, hi);
      } else ranges.push(lo, lo);
    }
    this.pos++;
    return { t: 'class', ranges: normalise(ranges), negated, fold: flags.i };
  }

  private classAtom(flags: Flags): number | number[] {
    if (this.src[this.pos] === '\\') {
      this.pos++;
      return this.escape(flags, true) as number | number[];
    }
    const cp = this.src.codePointAt(this.pos) as number;
    this.pos += cp > 0xffff ? 2 : 1;
    return cp;
  }
}

/** Parses `pattern` into a tree; throws a {@link RegexSyntaxError} at the first problem. */
export function parseRegex(pattern: string): RegexNode {
  return new Parser(pattern).parse();
}
