/*
 * Prometheus rule-file YAML ⇄ RuleGroupSpec. Reading validates every rule and reports each problem with the group,
 * the rule (its 1-based position and name), the field and the line, as `promtool check rules` does; a file with any
 * error loads nothing. Recording rules are supported. Estate's check-state rules are an extension: `check_state:`
 * in place of `expr:` (a Prometheus that reads such a file refuses that field).
 */
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, stringify } from 'yaml';
import { parsePromql, typeOf } from '../../metrics';
import type { Labels } from '../alert-model';
import { formatDuration, parseDuration } from '../prometheus-duration';
import type { CheckStatus, RuleGroupSpec, RuleSpec } from './rule-model';
import { templateError } from './template';

/** One problem in a rule file; `message` is whole, the other fields locate it. */
export interface RuleFileError {
  message: string;
  line?: number;
  group?: string;
  /** 1-based position of the rule in its group. */
  rule?: number;
  /** The rule's `alert:` or `record:` name, when it has one. */
  ruleName?: string;
  /** The field at fault: expr, for, labels.severity, annotations.summary, … */
  field?: string;
}

/** A read rule file: its groups when `errors` is empty, nothing usable otherwise. */
export interface RuleFileResult {
  groups: RuleGroupSpec[];
  errors: RuleFileError[];
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const GROUP_FIELDS = new Set(['name', 'interval', 'limit', 'rules']);
const RULE_FIELDS = new Set(['record', 'alert', 'expr', 'for', 'keep_firing_for', 'labels', 'annotations', 'check_state']);
const CHECK_STATUSES: ReadonlySet<string> = new Set(['up', 'degraded', 'down', 'unknown']);

type Entry = { key: string; value: Node | null; line: number | undefined };

/** Reads a rule file; never throws for bad input. */
export function parseRuleFile(text: string): RuleFileResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const lineOf = (node: Node | null | undefined) => (node?.range ? lines.linePos(node.range[0]).line : undefined);
  if (doc.errors.length > 0) {
    return {
      groups: [],
      errors: doc.errors.map((e) => ({ message: `yaml: ${e.message.split('\n')[0]}`, line: lines.linePos(e.pos[0]).line })),
    };
  }
  const errors: RuleFileError[] = [];
  const entriesOf = (node: Node | null | undefined, where: string): Entry[] | undefined => {
    if (!isMap(node)) {
      errors.push({ message: `${where}: expected a mapping`, line: lineOf(node) });
      return undefined;
    }
    return node.items.map((pair) => {
      const key = pair.key as Node | null;
      return { key: isScalar(key) ? String(key.value) : '', value: pair.value as Node | null, line: lineOf(key) };
    });
  };

  const top = doc.contents as Node | null;
  if (top === null) return { groups: [], errors: [] };
  const topEntries = entriesOf(top, 'rule file') ?? [];
  const groups: RuleGroupSpec[] = [];
  const seen = new Set<string>();
  for (const e of topEntries) {
    if (e.key !== 'groups') errors.push({ message: `field ${e.key} not found in rule file`, line: e.line });
  }
  const groupsNode = topEntries.find((e) => e.key === 'groups')?.value;
  if (groupsNode !== undefined && groupsNode !== null && !isSeq(groupsNode))
    errors.push({ message: 'groups: expected a list', line: lineOf(groupsNode) });
  const groupNodes = isSeq(groupsNode) ? (groupsNode.items as Node[]) : [];
  groupNodes.forEach((groupNode, gi) => {
    const entries = entriesOf(groupNode, `group ${gi + 1}`);
    if (!entries) return;
    const field = (k: string) => entries.find((e) => e.key === k);
    const name = scalarText(field('name')?.value);
    const at = name ? `group "${name}"` : `group ${gi + 1}`;
    const fail = (message: string, node?: Node | null, extra: Partial<RuleFileError> = {}) =>
      errors.push({ message: `${at}: ${message}`, line: lineOf(node) ?? lineOf(groupNode), ...(name ? { group: name } : {}), ...extra });
    for (const e of entries) if (!GROUP_FIELDS.has(e.key)) fail(`field ${e.key} not found in rule group`, e.value, { field: e.key });
    if (!name) fail('groupname must not be empty', field('name')?.value, { field: 'name' });
    else if (seen.has(name)) fail(`groupname "${name}" is repeated in the same file`, field('name')?.value, { field: 'name' });
    if (name) seen.add(name);
    const group: RuleGroupSpec = { name: name ?? '', limit: 0, rules: [] };
    const interval = field('interval');
    if (interval) {
      const ms = parseDuration(scalarText(interval.value) ?? '');
      if (ms === null || ms <= 0)
        fail(`interval: not a valid duration "${scalarText(interval.value) ?? ''}"`, interval.value, { field: 'interval' });
      else group.intervalMs = ms;
    }
    const limit = field('limit');
    if (limit) {
      const n = Number(scalarText(limit.value));
      if (!Number.isInteger(n) || n < 0) fail('limit: must be a non-negative integer', limit.value, { field: 'limit' });
      else group.limit = n;
    }
    const rulesNode = field('rules')?.value;
    if (rulesNode && !isSeq(rulesNode)) fail('rules: expected a list', rulesNode, { field: 'rules' });
    const ruleNodes = isSeq(rulesNode) ? (rulesNode.items as Node[]) : [];
    ruleNodes.forEach((ruleNode, ri) => {
      const ruleEntries = entriesOf(ruleNode, `${at}, rule ${ri + 1}`);
      if (!ruleEntries) return;
      const rule = readRule(ruleEntries, (message, fieldName, node, ruleName) =>
        errors.push({
          message: `${at}, rule ${ri + 1}${ruleName ? `, "${ruleName}"` : ''}: ${fieldName ? `${fieldName}: ` : ''}${message}`,
          line: lineOf(node) ?? lineOf(ruleNode),
          ...(name ? { group: name } : {}),
          rule: ri + 1,
          ...(ruleName ? { ruleName } : {}),
          ...(fieldName ? { field: fieldName } : {}),
        }),
      );
      if (rule) group.rules.push(rule);
    });
    groups.push(group);
  });
  return errors.length > 0 ? { groups: [], errors } : { groups, errors };
}

type Fail = (message: string, field: string | undefined, node: Node | null | undefined, ruleName: string | undefined) => void;

function readRule(entries: Entry[], report: Fail): RuleSpec | undefined {
  const field = (k: string) => entries.find((e) => e.key === k);
  const record = scalarText(field('record')?.value);
  const alert = scalarText(field('alert')?.value);
  const ruleName = alert ?? record;
  let problems = 0;
  const fail = (message: string, fieldName?: string, node?: Node | null) => {
    problems++;
    report(message, fieldName, node, ruleName);
  };
  for (const e of entries) if (!RULE_FIELDS.has(e.key)) fail(`field ${e.key} not found in rule`, e.key, e.value);
  if (field('record') && field('alert')) fail('only one of "record" and "alert" must be set');
  if (!field('record') && !field('alert')) fail('one of "record" or "alert" must be set');
  if (field('alert') && !alert) fail('invalid field "alert": must not be empty', 'alert', field('alert')?.value);
  if (record !== undefined && !METRIC_NAME.test(record)) fail(`invalid recording rule name: ${record}`, 'record', field('record')?.value);

  const checkState = field('check_state');
  const exprText = scalarText(field('expr')?.value);
  if (checkState && (record !== undefined || field('expr')))
    fail('check_state replaces "expr" and only goes with "alert"', 'check_state', checkState.value);
  if (!checkState) {
    if (!exprText) fail('field "expr" must be set in rule', 'expr', field('expr')?.value);
    else {
      try {
        const type = typeOf(parsePromql(exprText));
        if (type !== 'vector' && type !== 'scalar')
          fail(`expression must be an instant vector or a scalar, not a ${type}`, 'expr', field('expr')?.value);
      } catch (e) {
        fail(`could not parse expression: ${(e as Error).message}`, 'expr', field('expr')?.value);
      }
    }
  }
  const durationOf = (key: string) => {
    const f = field(key);
    if (!f) return 0;
    if (record !== undefined) fail(`invalid field "${key}" in recording rule`, key, f.value);
    const ms = parseDuration(scalarText(f.value) ?? '');
    if (ms === null) {
      fail(`not a valid duration "${scalarText(f.value) ?? ''}"`, key, f.value);
      return 0;
    }
    return ms;
  };
  const forMs = durationOf('for');
  const keepFiringForMs = durationOf('keep_firing_for');
  const labels = readLabelMap(field('labels'), 'labels', fail);
  if (record !== undefined && field('annotations'))
    fail('invalid field "annotations" in recording rule', 'annotations', field('annotations')?.value);
  const annotations = readLabelMap(field('annotations'), 'annotations', fail);
  if (record !== undefined && '__name__' in labels) fail('invalid label name: __name__', 'labels.__name__');
  const check = checkState ? readCheckState(checkState.value, fail) : undefined;
  if (problems > 0) return undefined;
  if (record !== undefined) return { kind: 'recording', name: record, expr: exprText as string, labels };
  if (check) return { kind: 'check-state', name: alert as string, ...check, forMs, keepFiringForMs, labels, annotations };
  return { kind: 'alerting', name: alert as string, expr: exprText as string, forMs, keepFiringForMs, labels, annotations };
}

function readLabelMap(entry: Entry | undefined, name: string, fail: (m: string, f?: string, n?: Node | null) => void): Labels {
  const out: Record<string, string> = {};
  if (!entry || entry.value === null) return out;
  if (!isMap(entry.value)) {
    fail('expected a mapping', name, entry.value);
    return out;
  }
  for (const pair of entry.value.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const value = scalarText(pair.value as Node | null) ?? '';
    if (!LABEL_NAME.test(key)) fail(`invalid label name: ${key}`, `${name}.${key}`, pair.key as Node);
    const problem = templateError(value);
    if (problem) fail(`template: ${problem}`, `${name}.${key}`, pair.value as Node);
    out[key] = value;
  }
  return out;
}

function readCheckState(
  node: Node | null,
  fail: (m: string, f?: string, n?: Node | null) => void,
): { states: CheckStatus[]; match: Labels } {
  if (!isMap(node)) {
    fail('expected a mapping with states and match', 'check_state', node);
    return { states: [], match: {} };
  }
  const states: CheckStatus[] = [];
  const match: Record<string, string> = {};
  for (const pair of node.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    const value = pair.value as Node | null;
    if (key === 'states' && isSeq(value)) {
      for (const item of value.items as Node[]) {
        const s = scalarText(item) ?? '';
        if (!CHECK_STATUSES.has(s)) fail(`unknown check state "${s}" (up, degraded, down, unknown)`, 'check_state.states', item);
        else states.push(s as CheckStatus);
      }
    } else if (key === 'match' && isMap(value)) {
      for (const p of value.items) match[isScalar(p.key) ? String(p.key.value) : ''] = scalarText(p.value as Node | null) ?? '';
    } else fail(`field ${key} not understood (states: list, match: mapping)`, `check_state.${key}`, value);
  }
  if (states.length === 0) fail('states must name at least one check state', 'check_state.states', node);
  return { states, match };
}

/** A scalar's text as written (YAML `1.0` stays "1.0", as Go's YAML reads it into a string); undefined for none. */
function scalarText(node: Node | null | undefined): string | undefined {
  if (!isScalar(node) || node.value === null) return undefined;
  if (typeof node.value === 'string') return node.value;
  return node.source ?? String(node.value);
}

/** Writes groups as a Prometheus rule file (defaults left out); parseRuleFile reads it back to the same groups. */
export function formatRuleFile(groups: readonly RuleGroupSpec[]): string {
  const out = groups.map((g) => ({
    name: g.name,
    ...(g.intervalMs !== undefined ? { interval: formatDuration(g.intervalMs) } : {}),
    ...(g.limit > 0 ? { limit: g.limit } : {}),
    rules: g.rules.map(ruleToYaml),
  }));
  return stringify({ groups: out }, { lineWidth: 0 });
}

function ruleToYaml(r: RuleSpec): Record<string, unknown> {
  const nonEmpty = (key: string, map: Labels) => (Object.keys(map).length > 0 ? { [key]: { ...map } } : {});
  if (r.kind === 'recording') return { record: r.name, expr: r.expr, ...nonEmpty('labels', r.labels) };
  const timing = {
    ...(r.forMs > 0 ? { for: formatDuration(r.forMs) } : {}),
    ...(r.keepFiringForMs > 0 ? { keep_firing_for: formatDuration(r.keepFiringForMs) } : {}),
  };
  const head =
    r.kind === 'alerting'
      ? { alert: r.name, expr: r.expr }
      : { alert: r.name, check_state: { states: [...r.states], ...(Object.keys(r.match).length > 0 ? { match: { ...r.match } } : {}) } };
  return { ...head, ...timing, ...nonEmpty('labels', r.labels), ...nonEmpty('annotations', r.annotations) };
}
