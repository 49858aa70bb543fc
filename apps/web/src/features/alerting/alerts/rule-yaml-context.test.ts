import { yaml } from '@codemirror/lang-yaml';
import { ensureSyntaxTree } from '@codemirror/language';
import { EditorState } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import { promqlInRuleYaml, ruleKeyAt } from './rule-yaml-context';

/** The cursor in the snippets below; `|` cannot be it, since YAML uses it for block scalars. */
const CURSOR = '‸';

/** A state of `snippet` without its cursor mark, parsed as YAML, and the mark's offset. */
function stateAt(snippet: string): { state: EditorState; pos: number } {
  const pos = snippet.indexOf(CURSOR);
  if (pos < 0 || snippet.indexOf(CURSOR, pos + 1) >= 0) throw new Error(`one ${CURSOR} expected in ${snippet}`);
  const state = EditorState.create({ doc: snippet.replace(CURSOR, ''), extensions: [yaml()] });
  ensureSyntaxTree(state, state.doc.length, 60_000);
  return { state, pos };
}

/** The PromQL text around the cursor, with the cursor marked in it; null when not in an expr value. */
function promqlAt(snippet: string): string | null {
  const { state, pos } = stateAt(snippet);
  const found = promqlInRuleYaml(state, pos);
  if (!found) return null;
  // The offsets must line up with the document: the text sits where it came from, the cursor inside it.
  expect(found.from + found.text.length).toBeLessThanOrEqual(state.doc.length);
  expect(pos - found.from).toBeGreaterThanOrEqual(0);
  expect(pos - found.from).toBeLessThanOrEqual(found.text.length);
  return `${found.text.slice(0, pos - found.from)}${CURSOR}${found.text.slice(pos - found.from)}`;
}

/** A rule file with one group whose rules are `rules` (already indented as a rule list's items). */
const file = (rules: string) => `groups:\n  - name: g\n    rules:\n${rules}`;

describe('promqlInRuleYaml', () => {
  it.each<[string, string, string | null]>([
    ['a plain value, cursor at its end', file('      - alert: A\n        expr: rate(x_total[5m‸\n'), 'rate(x_total[5m‸'],
    ['a plain value, cursor inside', file('      - alert: A\n        expr: sum(up‸{job="a"})\n        for: 5m\n'), 'sum(up‸{job="a"})'],
    ['a plain value, spaces typed after it', file('      - alert: A\n        expr: up ‸\n'), 'up ‸'],
    ['a plain value as the rule’s first key', file('      - expr: node_lo‸\n        alert: A\n'), 'node_lo‸'],
    ['an empty value, cursor after the space', file('      - alert: A\n        expr: ‸\n'), '‸'],
    ['the last line without a newline', file('      - alert: A\n        expr: up‸'), 'up‸'],
    ['a recording rule', file('      - record: job:up:sum\n        expr: sum by (job) (u‸)\n'), 'sum by (job) (u‸)'],
    ['double quotes', file('      - alert: A\n        expr: "up{job=\\"a‸\\"}"\n'), 'up{job= "a‸ "}'],
    ['double quotes, cursor right after the opening quote', file('      - alert: A\n        expr: "‸up"\n'), '‸up'],
    ['double quotes, unclosed while typing', file('      - alert: A\n        expr: "rate(‸\n'), 'rate(‸'],
    ['single quotes', file('      - alert: A\n        expr: \'up{job="a"} > ‸\'\n'), 'up{job="a"} > ‸'],
    ['single quotes with a doubled quote', file("      - alert: A\n        expr: 'a{b=''c''} ‸'\n"), "a{b= 'c '} ‸"],
    [
      'a literal block scalar',
      file('      - alert: A\n        expr: |\n          sum(\n            rate(x‸[5m])\n          )\n        for: 1m\n'),
      '          sum(\n            rate(x‸[5m])\n          )',
    ],
    [
      'a folded block scalar with chomping',
      file('      - alert: A\n        expr: >-\n          avg(node_‸)\n        labels: {}\n'),
      '          avg(node_‸)',
    ],
    [
      'a block scalar, a “comment” inside it is PromQL',
      file('      - alert: A\n        expr: |\n          # why\n          up‸\n'),
      '          # why\n          up‸',
    ],
    [
      'a block scalar, a new indented line below its text',
      file('      - alert: A\n        expr: |\n          up\n          ‸\n'),
      '          up\n          ‸',
    ],
    ['a block scalar, nothing written yet', file('      - alert: A\n        expr: |\n          ‸\n'), '          ‸'],
    ['a block scalar, its header line', file('      - alert: A\n        expr: |‸\n          up\n'), null],
    ['a block scalar, below it at the key’s indentation', file('      - alert: A\n        expr: |\n          up\n        ‸\n'), null],
    ['a comment after the value', file('      - alert: A\n        expr: up # pag‸\n'), null],
    ['a commented-out expr', file('      - alert: A\n        # expr: up‸\n        expr: down\n'), null],
    ['the key itself', file('      - alert: A\n        ex‸pr: up\n'), null],
    ['right after the colon', file('      - alert: A\n        expr:‸\n'), null],
    ['another key’s value', file('      - alert: A\n        expr: up\n        for: 5‸\n'), null],
    ['a label called expr', file('      - alert: A\n        expr: up\n        labels:\n          expr: up‸\n'), null],
    [
      'an annotation block scalar',
      file('      - alert: A\n        expr: up\n        annotations:\n          description: |\n            up‸\n'),
      null,
    ],
    ['expr outside any rule', 'expr: up‸\n', null],
    ['a group key', file('      - alert: A\n        expr: up\n').replace('name: g', 'name: g‸'), null],
  ])('%s', (_name, snippet, expected) => {
    expect(promqlAt(snippet)).toBe(expected);
  });
});

describe('ruleKeyAt', () => {
  it.each<[string, string, { level: 'group' | 'rule'; typed: string } | null]>([
    ['a new key of a rule', file('      - alert: A\n        expr: up\n        fo‸\n'), { level: 'rule', typed: 'fo' }],
    ['a rule key, nothing typed yet', file('      - alert: A\n        ‸\n'), { level: 'rule', typed: '' }],
    ['a new rule', file('      - alert: A\n        expr: up\n      - al‸\n'), { level: 'rule', typed: 'al' }],
    [
      'after a rule with a block scalar',
      file('      - alert: A\n        expr: |\n          up\n        keep‸\n'),
      { level: 'rule', typed: 'keep' },
    ],
    ['a rule list at its key’s indentation', 'groups:\n- name: g\n  rules:\n  - alert: A\n    ch‸\n', { level: 'rule', typed: 'ch' }],
    ['a group key', 'groups:\n  - name: g\n    inter‸\n', { level: 'group', typed: 'inter' }],
    ['a group key after its rules', file('      - alert: A\n        expr: up\n    lim‸\n'), { level: 'group', typed: 'lim' }],
    ['a second group', file('      - alert: A\n  - na‸\n'), { level: 'group', typed: 'na' }],
    ['a label name', file('      - alert: A\n        labels:\n          sev‸\n'), null],
    ['the top level', 'gro‸', null],
    ['a value', file('      - alert: A\n        for: 5‸\n'), null],
    ['inside a block scalar', file('      - alert: A\n        expr: |\n          su‸\n'), null],
    ['an existing key', file('      - alert: A\n        fo‸r: 5m\n'), null],
    ['a comment', file('      - alert: A\n        # fo‸\n'), null],
  ])('%s', (_name, snippet, expected) => {
    const { state, pos } = stateAt(snippet);
    const found = ruleKeyAt(state, pos);
    expect(found && { level: found.level, typed: state.sliceDoc(found.from, pos) }).toEqual(expected);
  });
});
