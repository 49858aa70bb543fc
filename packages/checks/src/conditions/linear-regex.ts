/**
 * A regular-expression matcher whose running time is linear in the input, for patterns users write into check
 * conditions (`[BODY] =~ "…"`). JavaScript's RegExp backtracks: `.*a.*b` over 4 KiB of `a` runs for more than ten
 * seconds, which would stall every check of the process. This matcher compiles RE2's syntax (the subset below) into
 * a Thompson NFA and runs it as a set of states stepped once per character, so the cost is at most
 * (pattern states × input characters) whatever the pattern. It answers only "does it match anywhere" — no captures,
 * no positions — which is all a condition needs.
 *
 * Syntax (RE2's, as Go and Prometheus take it): literals and `\`-escaped punctuation; `.`; classes `[a-z]`, `[^…]`,
 * `[[:alpha:]]`; `\d \w \s` and their negations (ASCII, as in RE2); `\n \t \r \f \v \a \xHH \x{H…}`; anchors `^ $ \A
 * \z \b \B`; groups `(…)`, `(?:…)`, `(?P<name>…)`, `(?<name>…)`; flags `(?i)`, `(?m)`, `(?s)` and `(?flags:…)`;
 * alternation `|`; repeats `* + ? {n} {n,} {n,m}` with an optional lazy `?` (irrelevant to a yes/no answer). Repeat
 * counts go up to 1000, as in RE2. Lookarounds, backreferences and `\p{…}` classes are refused.
 */

import { parseRegex, type RegexAssertion, type RegexNode, RegexSyntaxError } from './regex-syntax';

/**
 * A compiled pattern. `test` is safe to call on any input: its cost is at most `states` steps per input character,
 * so a caller bounds the work by bounding the input it hands over.
 */
export interface LinearRegex {
  readonly source: string;
  /** The compiled program's size; the per-character cost of `test` never exceeds it. */
  readonly states: number;
  /** True when the pattern matches somewhere in `input` (unanchored, as RE2's MatchString). */
  test(input: string): boolean;
}

/** The largest compiled program accepted, in instructions; `(x{1000}){1000}` would otherwise make millions. */
const MAX_PROGRAM = 20_000;

// Program instructions: one opcode and up to two arguments per pc.
const MATCH = 0;
const CHAR = 1;
const CLASS = 2;
const ANY_BUT_NEWLINE = 3;
const ANY = 4;
const SPLIT = 5;
const JUMP = 6;
const ASSERT = 7;
const ASSERTIONS: RegexAssertion[] = ['bol', 'eol', 'bot', 'eot', 'word', 'notword'];

interface CompiledClass {
  ranges: Int32Array;
  negated: boolean;
  fold: boolean;
}

class Compiler {
  readonly op: number[] = [];
  readonly a: number[] = [];
  readonly b: number[] = [];
  readonly classes: CompiledClass[] = [];

  private emit(op: number, a = 0, b = 0): number {
    if (this.op.length >= MAX_PROGRAM) {
      throw new RegexSyntaxError(`pattern is too large once its repeats are expanded (over ${MAX_PROGRAM} states)`, 0);
    }
    this.op.push(op);
    this.a.push(a);
    this.b.push(b);
    return this.op.length - 1;
  }

  compile(node: RegexNode): void {
    switch (node.t) {
      case 'empty':
        return;
      case 'char':
        if (node.fold && foldsOf(node.cp).length > 1) {
          this.classes.push({ ranges: Int32Array.of(node.cp, node.cp), negated: false, fold: true });
          this.emit(CLASS, this.classes.length - 1);
        } else this.emit(CHAR, node.cp);
        return;
      case 'class':
        this.classes.push({ ranges: Int32Array.from(node.ranges), negated: node.negated, fold: node.fold });
        this.emit(CLASS, this.classes.length - 1);
        return;
      case 'any':
        this.emit(node.dotAll ? ANY : ANY_BUT_NEWLINE);
        return;
      case 'assert':
        this.emit(ASSERT, ASSERTIONS.indexOf(node.kind));
        return;
      case 'cat':
        for (const item of node.items) this.compile(item);
        return;
      case 'alt': {
        // split L1, next; L1: first; jmp end; next: split L2, … ; last
        const jumps: number[] = [];
        for (let i = 0; i < node.items.length - 1; i++) {
          const split = this.emit(SPLIT);
          this.a[split] = this.op.length;
          this.compile(node.items[i] as RegexNode);
          jumps.push(this.emit(JUMP));
          this.b[split] = this.op.length;
        }
        this.compile(node.items[node.items.length - 1] as RegexNode);
        for (const j of jumps) this.a[j] = this.op.length;
        return;
      }
      case 'repeat': {
        for (let i = 0; i < node.min; i++) this.compile(node.node);
        if (node.max === -1) {
          const split = this.emit(SPLIT);
          this.a[split] = this.op.length;
          this.compile(node.node);
          this.emit(JUMP, split);
          this.b[split] = this.op.length;
          return;
        }
        const splits: number[] = [];
        for (let i = node.min; i < node.max; i++) {
          const split = this.emit(SPLIT);
          this.a[split] = this.op.length;
          splits.push(split);
          this.compile(node.node);
        }
        for (const s of splits) this.b[s] = this.op.length;
        return;
      }
    }
  }
}

/** The code points a case-insensitive match of `cp` accepts (itself, its lower and upper case). */
function foldsOf(cp: number): number[] {
  if (cp < 0x80) {
    if (cp >= 0x41 && cp <= 0x5a) return [cp, cp + 32];
    if (cp >= 0x61 && cp <= 0x7a) return [cp, cp - 32];
    return [cp];
  }
  const s = String.fromCodePoint(cp);
  const out = new Set([cp]);
  for (const t of [s.toLowerCase(), s.toUpperCase()]) {
    const other = t.codePointAt(0) as number;
    if (t.length === String.fromCodePoint(other).length) out.add(other);
  }
  return [...out];
}

function inRanges(ranges: Int32Array, cp: number): boolean {
  for (let i = 0; i < ranges.length; i += 2) {
    if (cp < (ranges[i] as number)) return false;
    if (cp <= (ranges[i + 1] as number)) return true;
  }
  return false;
}

function classMatches(cls: CompiledClass, cp: number): boolean {
  let hit = inRanges(cls.ranges, cp);
  if (!hit && cls.fold) {
    if (cp < 0x80) {
      // ASCII letters differ from their other case in one bit; no array per character on the common path.
      const lower = cp | 0x20;
      if (lower >= 0x61 && lower <= 0x7a) hit = inRanges(cls.ranges, cp ^ 0x20);
    } else for (const f of foldsOf(cp)) if (f !== cp && inRanges(cls.ranges, f)) hit = true;
  }
  return hit !== cls.negated;
}

const isWord = (cp: number) => (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || cp === 0x5f || (cp >= 0x61 && cp <= 0x7a);

/** The literal text every match starts with, when the pattern begins with case-sensitive characters. */
function literalPrefix(node: RegexNode): string {
  const items = node.t === 'cat' ? node.items : [node];
  let prefix = '';
  for (const item of items) {
    if (item.t !== 'char' || (item.fold && foldsOf(item.cp).length > 1)) break;
    prefix += String.fromCodePoint(item.cp);
  }
  return prefix;
}

/** True when a match can only begin at the start of the input (`^` without (?m), or `\A`, first). */
function anchoredAtStart(node: RegexNode): boolean {
  const first = node.t === 'cat' ? node.items[0] : node;
  return first?.t === 'assert' && first.kind === 'bot';
}

/**
 * Compiles `pattern`, throwing a {@link RegexSyntaxError} with the offset of the problem for a pattern outside the
 * syntax above or one too large once its counted repeats are expanded.
 */
export function compileLinearRegex(pattern: string): LinearRegex {
  const ast = parseRegex(pattern);
  const compiler = new Compiler();
  compiler.compile(ast);
  compiler.op.push(MATCH);
  compiler.a.push(0);
  compiler.b.push(0);
  const op = Int32Array.from(compiler.op);
  const argA = Int32Array.from(compiler.a);
  const argB = Int32Array.from(compiler.b);
  const classes = compiler.classes;
  const prefix = literalPrefix(ast);
  const anchored = anchoredAtStart(ast);
  const size = op.length;
  const firstStates = startStates(op, argA, argB);

  // When no thread is under way, skips characters that no first state of the pattern accepts.
  const acceptsFirst = (cp: number): boolean => {
    for (const pc of firstStates as number[]) {
      const code = op[pc];
      if (code === CHAR ? argA[pc] === cp : code === CLASS ? classMatches(classes[argA[pc] as number] as CompiledClass, cp) : true) {
        return true;
      }
    }
    return false;
  };

  return {
    source: pattern,
    states: size,
    test(input: string): boolean {
      // Two state lists, swapped per character; `mark[pc]` holds the step a state was last added in, so each state
      // enters a list at most once per step — what keeps the cost linear.
      let current = new Int32Array(size);
      let next = new Int32Array(size);
      let currentLength = 0;
      let nextLength = 0;
      const mark = new Int32Array(size).fill(-1);
      const stack = new Int32Array(size);
      const length = input.length;

      // Adds `pc` and every state reachable from it without reading a character to `list`; true on reaching MATCH.
      const add = (list: Int32Array, listLength: number, pc: number, step: number, prev: number, cur: number): number => {
        let top = 0;
        stack[top++] = pc;
        let len = listLength;
        while (top > 0) {
          const at = stack[--top] as number;
          if (mark[at] === step) continue;
          mark[at] = step;
          const code = op[at] as number;
          if (code === JUMP) stack[top++] = argA[at] as number;
          else if (code === SPLIT) {
            stack[top++] = argB[at] as number;
            stack[top++] = argA[at] as number;
          } else if (code === ASSERT) {
            if (assertionHolds(argA[at] as number, prev, cur)) stack[top++] = at + 1;
          } else if (code === MATCH) return -1;
          else list[len++] = at;
        }
        return len;
      };

      let pos = 0;
      let prev = -1;
      let step = 0;
      for (;;) {
        if (currentLength === 0) {
          if (anchored && pos > 0) return false;
          if (prefix !== '') {
            // No thread is under way, so the next match can only start where the prefix next occurs.
            const found = input.indexOf(prefix, pos);
            if (found < 0) return false;
            if (found > pos) {
              pos = found;
              prev = input.codePointAt(pos - 1) as number;
              if (prev >= 0xdc00 && prev <= 0xdfff && pos >= 2) prev = input.codePointAt(pos - 2) as number;
            }
          } else if (firstStates) {
            while (pos < length) {
              const c = input.codePointAt(pos) as number;
              if (acceptsFirst(c)) break;
              prev = c;
              pos += c > 0xffff ? 2 : 1;
            }
            // The start closure holds no MATCH (or there would be no first states), so the end cannot match.
            if (pos >= length) return false;
          }
        }
        const cur = pos < length ? (input.codePointAt(pos) as number) : -1;
        if (!anchored || pos === 0) {
          currentLength = add(current, currentLength, 0, step, prev, cur);
          if (currentLength < 0) return true;
        }
        if (pos >= length) return false;
        const nextPos = pos + (cur > 0xffff ? 2 : 1);
        const after = nextPos < length ? (input.codePointAt(nextPos) as number) : -1;
        step++;
        nextLength = 0;
        for (let i = 0; i < currentLength; i++) {
          const pc = current[i] as number;
          const code = op[pc] as number;
          let ok: boolean;
          if (code === CHAR) ok = argA[pc] === cur;
          else if (code === CLASS) ok = classMatches(classes[argA[pc] as number] as CompiledClass, cur);
          else if (code === ANY) ok = true;
          else ok = cur !== 10;
          if (ok) {
            nextLength = add(next, nextLength, pc + 1, step, cur, after);
            if (nextLength < 0) return true;
          }
        }
        const swap = current;
        current = next;
        next = swap;
        currentLength = nextLength;
        pos = nextPos;
        prev = cur;
      }
    },
  };
}

/**
 * The consuming states a match can begin with, when the start of the program reaches them through jumps and splits
 * only; undefined when an anchor or an empty match sits in the way (then every position is tried).
 */
function startStates(op: Int32Array, argA: Int32Array, argB: Int32Array): number[] | undefined {
  const seen = new Set<number>();
  const out: number[] = [];
  const stack = [0];
  while (stack.length > 0) {
    const pc = stack.pop() as number;
    if (seen.has(pc)) continue;
    seen.add(pc);
    const code = op[pc];
    if (code === JUMP) stack.push(argA[pc] as number);
    else if (code === SPLIT) stack.push(argA[pc] as number, argB[pc] as number);
    else if (code === ASSERT || code === MATCH) return undefined;
    else out.push(pc);
  }
  return out;
}

function assertionHolds(kind: number, prev: number, cur: number): boolean {
  switch (ASSERTIONS[kind]) {
    case 'bol':
      return prev === -1 || prev === 10;
    case 'eol':
      return cur === -1 || cur === 10;
    case 'bot':
      return prev === -1;
    case 'eot':
      return cur === -1;
    case 'word':
      return isWord(prev) !== isWord(cur);
    default:
      return isWord(prev) === isWord(cur);
  }
}
