import { syntaxTree } from '@codemirror/language';
import type { EditorState } from '@codemirror/state';
import type { SyntaxNode } from '@lezer/common';
import type { EmbeddedPromql } from '../../../components/promql-completion';

/*
 * Where the cursor stands in a Prometheus rule file (`groups: - name … rules: - alert … expr …`), read from the
 * YAML syntax tree of @codemirror/lang-yaml: inside a rule's `expr:` value (PromQL), or where a group's or a rule's
 * key is being written. The rule editor's completion asks these and offers nothing PromQL-specific anywhere else.
 */

/**
 * The PromQL of the rule `expr:` value around `pos`, or null when `pos` is not inside one. The value may be plain
 * (`expr: up`), quoted (`expr: "up"`, `expr: 'up'`), a block scalar (`expr: |` or `expr: >`, its text on the lines
 * below) or not written yet (`expr: ` with the cursor after the space). A comment after the value, the key, the block
 * scalar's header line and an `expr:` that is not a rule's (say, a label called expr) are not inside. The state must
 * use the YAML language.
 */
export function promqlInRuleYaml(state: EditorState, pos: number): EmbeddedPromql | null {
  // Spaces typed after a value (or after `expr:`) lie outside every node: look from the end of the text before them.
  const cursorLine = state.doc.lineAt(pos);
  const before = state.sliceDoc(cursorLine.from, pos);
  const probe = cursorLine.from + before.trimEnd().length;
  const at = syntaxTree(state).resolveInner(probe, -1);
  if (at.name === 'Comment') return null;
  const pair = pairAround(at, probe);
  if (!pair || !isRulePair(state, pair, 'expr')) return null;
  const colon = pair.getChild(':');
  if (!colon || pos <= colon.from) return null;
  const last = pair.lastChild;
  const value = last && last.name !== ':' && last.name !== 'Key' ? last : null;
  const slice = (from: number, to: number): EmbeddedPromql => ({ from, text: state.sliceDoc(from, to) });
  const sameLine = (a: number, b: number) => state.doc.lineAt(a).number === state.doc.lineAt(b).number;

  if (!value) {
    // `expr:` and a space, nothing typed yet: the value starts after the space.
    if (pos === colon.to || !sameLine(colon.to, pos)) return null;
    return slice(colon.to + 1, state.doc.lineAt(pos).to);
  }
  if (value.name === 'Literal') {
    // Plain: the value runs to its line's end, spaces typed after it included (a comment was excluded above).
    const end = state.doc.lineAt(value.to).to;
    if (pos === colon.to || pos > end) return null;
    return slice(Math.min(value.from, colon.to + 1), end);
  }
  if (value.name === 'QuotedLiteral') {
    const quote = state.sliceDoc(value.from, value.from + 1);
    const closed = value.to - value.from >= 2 && state.sliceDoc(value.to - 1, value.to) === quote;
    // Unclosed while being typed: the string runs to the end of the cursor's line.
    const to = closed ? value.to - 1 : Math.min(value.to, cursorLine.to);
    if (pos <= value.from || pos > to) return null;
    return { from: value.from + 1, text: unescapeSameLength(state.sliceDoc(value.from + 1, to), quote) };
  }
  if (value.name === 'BlockLiteral') {
    // The header line (`|`, `>-`, …) is not PromQL; the content lines below are, indentation and all.
    const headerEnd = state.doc.lineAt(value.from).to;
    if (pos <= headerEnd) return null;
    const content = value.getChild('BlockLiteralContent');
    // A line of text is the block's when the tree says so; a line of spaces only when indented past the key.
    const keyColumn = pair.from - state.doc.lineAt(pair.from).from;
    const inBlock = before.trim() === '' ? before.length > keyColumn : content !== null && pos <= content.to;
    if (!inBlock) return null;
    const from = content ? content.from : headerEnd + 1;
    const to = Math.max(content ? content.to : from, cursorLine.to);
    if (pos < from) return null;
    return slice(from, to);
  }
  return null;
}

/** Which keys the cursor is writing: a group's (`name`, `rules`, …) or a rule's (`alert`, `expr`, …). */
export interface KeyPosition {
  /** Where the key being written starts (the cursor when nothing is typed yet). */
  from: number;
  /** The mapping the key belongs to. */
  level: 'group' | 'rule';
}

/**
 * The key being written at `pos` when it starts a key of a rule group or of a rule: the line holds only indentation,
 * an optional `- ` and a word ending at the cursor, and the nearest line above that is less indented (past the
 * item's siblings) is `groups:` or `rules:`. Null anywhere else, including inside quoted and block-scalar values
 * and under `labels:` or `annotations:`, whose keys are the user's own.
 */
export function ruleKeyAt(state: EditorState, pos: number): KeyPosition | null {
  const line = state.doc.lineAt(pos);
  const before = line.text.slice(0, pos - line.from);
  const typed = /^( *)(- +)?([A-Za-z_]*)$/.exec(before);
  if (!typed || line.text.slice(pos - line.from).trim() !== '') return null;
  for (let n: SyntaxNode | null = syntaxTree(state).resolveInner(pos, -1); n; n = n.parent) {
    if (n.name === 'BlockLiteral' || n.name === 'QuotedLiteral' || n.name === 'Comment') return null;
  }
  const [, typedIndent = '', typedDash, word = ''] = typed;
  const from = pos - word.length;
  const keyColumn = before.length - word.length;
  // The column of the `-` that starts the mapping the key is in, once found.
  let dash: number | undefined = typedDash ? typedIndent.length : undefined;
  for (let n = line.number - 1; n >= 1; n--) {
    const text = state.doc.line(n).text;
    if (/^\s*(#.*)?$/.test(text)) continue;
    const [lead, indent = '', dashed] = /^( *)(- +)?/.exec(text) ?? [''];
    if (dash === undefined) {
      // Deeper lines are siblings' values, equal ones siblings; a sibling written after `- ` starts this mapping.
      if (lead.length > keyColumn) continue;
      if (lead.length < keyColumn) return null;
      if (dashed) dash = indent.length;
      continue;
    }
    // Past the mapping: skip the list's other items (and their insides) up to the key that holds the list.
    if (indent.length > dash || (indent.length === dash && dashed)) continue;
    const parent = /^ *(?:- +)?(groups|rules) *: *(#.*)?$/.exec(text)?.[1];
    if (parent === 'groups') return { from, level: 'group' };
    if (parent === 'rules') return { from, level: 'rule' };
    return null;
  }
  return null;
}

/** The Pair whose key or value holds `pos`; or, past the end of every value on its line, the Pair that ends there. */
function pairAround(at: SyntaxNode, pos: number): SyntaxNode | null {
  for (let n: SyntaxNode | null = at; n; n = n.parent) {
    if (n.name === 'Pair') return n;
    if (n.name === 'BlockMapping' || n.name === 'FlowMapping') {
      const before = n.childBefore(pos);
      return before?.name === 'Pair' ? before : null;
    }
  }
  return null;
}

/** Whether `pair` is `key:` of a rule: in a mapping that is an item of the list under `rules:`. */
function isRulePair(state: EditorState, pair: SyntaxNode, key: string): boolean {
  if (keyText(state, pair) !== key) return false;
  const mapping = pair.parent;
  const item = mapping?.parent;
  const list = item?.name === 'Item' ? item.parent : null;
  const holder = list?.parent;
  return holder?.name === 'Pair' && keyText(state, holder) === 'rules';
}

function keyText(state: EditorState, pair: SyntaxNode): string | undefined {
  const key = pair.getChild('Key');
  return key ? state.sliceDoc(key.from, key.to).replace(/^(["'])(.*)\1$/, '$2') : undefined;
}

/**
 * A quoted YAML scalar's inside with its escapes replaced by as many characters, so offsets still match the
 * document: `\"` becomes ` "` in double quotes, `''` becomes ` '` in single quotes (PromQL ignores the spaces).
 */
function unescapeSameLength(text: string, quote: string): string {
  return quote === '"' ? text.replace(/\\(.)/g, ' $1') : text.replaceAll("''", " '");
}
