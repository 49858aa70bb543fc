/*
 * Runs `promtool test rules` files through Estate's rule evaluator and PromQL engine: each test group loads its
 * input series, evaluates every rule group from time 0 every `evaluation_interval` (writing ALERTS and recorded
 * series back, as promtool does), and compares the firing alerts at each `eval_time` — the state after the last
 * evaluation at or before it — and each `promql_expr_test`'s result with what the file expects. The report reads
 * like promtool's, one verdict per test group.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';
import { InMemorySeriesSource, PromqlEngine, type SeriesData } from '../../../metrics';
import type { Labels } from '../../alert-model';
import { formatDuration, parseDuration } from '../../prometheus-duration';
import { formatFloatE, formatFloatG } from '../go-format';
import { engineQuery } from '../promql-query';
import { parseRuleFile } from '../rule-file';
import { RuleGroupEvaluator } from '../rule-group';
import type { RuleGroupSpec } from '../rule-model';
import { labelsKey, type OutputSample } from '../rule-runtime';
import { expandValues, parseSeriesSelector } from './series-notation';

/** The verdict on one test group. */
export interface PromtoolGroupResult {
  name: string;
  /** promtool-style failure messages; empty when the group passed. */
  failures: string[];
}

/** The verdict on one test file. */
export interface PromtoolFileResult {
  file: string;
  passed: boolean;
  /** Problems that stop the whole file (a rule file that does not load, a malformed test file). */
  errors: string[];
  groups: PromtoolGroupResult[];
}

export interface PromtoolRunOptions {
  /** Reads a rule file named by `rule_files` (relative names are resolved against the test file's folder). */
  readRuleFile?: (path: string) => Promise<string>;
  /** Prometheus 2.x closed range windows, as Debian's promtool 2.42 has (default: the engine's Prometheus 3 windows). */
  closedRanges?: boolean;
}

interface AlertTestCase {
  eval_time?: string;
  alertname?: string;
  exp_alerts?: Array<{ exp_labels?: Record<string, unknown>; exp_annotations?: Record<string, unknown> }> | null;
}
interface ExprTestCase {
  expr?: string;
  eval_time?: string;
  exp_samples?: Array<{ labels?: string; value?: number | string }> | null;
}
interface TestGroup {
  name?: string;
  interval?: string;
  input_series?: Array<{ series?: string; values?: string | number }> | null;
  alert_rule_test?: AlertTestCase[] | null;
  promql_expr_test?: ExprTestCase[] | null;
  external_labels?: Record<string, unknown> | null;
  external_url?: string;
}
interface TestFile {
  rule_files?: string[] | null;
  evaluation_interval?: string;
  group_eval_order?: string[] | null;
  tests?: TestGroup[] | null;
}

/** Reads a test file from disk and runs it. */
export async function runPromtoolTestFile(path: string, options: PromtoolRunOptions = {}): Promise<PromtoolFileResult> {
  const text = await readFile(path, 'utf8');
  const base = dirname(path);
  const read = options.readRuleFile ?? ((p: string) => readFile(p, 'utf8'));
  return runPromtoolTests(text, path, { ...options, readRuleFile: (p) => read(resolve(base, p)) });
}

/** Runs a test file's text; `file` names it in the report. */
export async function runPromtoolTests(text: string, file: string, options: PromtoolRunOptions = {}): Promise<PromtoolFileResult> {
  const result: PromtoolFileResult = { file, passed: false, errors: [], groups: [] };
  let doc: TestFile;
  try {
    doc = (parse(text) ?? {}) as TestFile;
  } catch (e) {
    result.errors.push(`yaml: ${(e as Error).message.split('\n')[0]}`);
    return result;
  }
  const evalIntervalMs = duration(doc.evaluation_interval, 60_000, 'evaluation_interval', result.errors);
  const groups: RuleGroupSpec[] = [];
  for (const name of doc.rule_files ?? []) {
    if (!options.readRuleFile) {
      result.errors.push(`${name}: no rule file reader`);
      continue;
    }
    let ruleText: string;
    try {
      ruleText = await options.readRuleFile(name);
    } catch (e) {
      result.errors.push(`${name}: ${(e as Error).message}`);
      continue;
    }
    const parsed = parseRuleFile(ruleText);
    result.errors.push(...parsed.errors.map((e) => `${name}:${e.line ?? 0}: ${e.message}`));
    groups.push(...parsed.groups);
  }
  const order = doc.group_eval_order ?? [];
  groups.sort((a, b) => rank(order, a.name) - rank(order, b.name));
  if (result.errors.length === 0) {
    for (const [i, tg] of (doc.tests ?? []).entries()) {
      const failures = await runGroup(tg, groups, evalIntervalMs, options).catch((e: Error) => [e.message]);
      result.groups.push({ name: tg.name ?? `${i + 1}`, failures });
    }
  }
  result.passed = result.errors.length === 0 && result.groups.every((g) => g.failures.length === 0);
  return result;
}

function rank(order: string[], name: string): number {
  const i = order.indexOf(name);
  return i < 0 ? order.length : i;
}

function duration(text: string | undefined, fallback: number, what: string, errors: string[]): number {
  if (text === undefined) return fallback;
  const ms = parseDuration(String(text));
  if (ms === null) {
    errors.push(`${what}: not a valid duration "${text}"`);
    return fallback;
  }
  return ms;
}

/** Series held for one test group: the input series plus everything the rules write, visible to the next query. */
class TestStorage {
  readonly series: SeriesData[] = [];
  private readonly byKey = new Map<string, SeriesData>();

  private entry(labels: Labels): SeriesData {
    const key = labelsKey(labels);
    let s = this.byKey.get(key);
    if (!s) {
      s = { labels: { ...labels }, samples: [], stale: [] };
      this.byKey.set(key, s);
      this.series.push(s);
    }
    return s;
  }

  add(labels: Labels, t: number, value: number): void {
    this.entry(labels).samples.push([t, value]);
  }

  markStale(labels: Labels, t: number): void {
    this.entry(labels).stale?.push(t);
  }
}

async function runGroup(tg: TestGroup, groups: RuleGroupSpec[], evalIntervalMs: number, options: PromtoolRunOptions): Promise<string[]> {
  const errors: string[] = [];
  const intervalMs = duration(tg.interval, evalIntervalMs, 'interval', errors);
  const storage = new TestStorage();
  for (const input of tg.input_series ?? []) {
    const labels = parseSeriesSelector(String(input.series ?? ''));
    expandValues(String(input.values ?? '')).forEach((v, i) => {
      if (v === 'stale') storage.markStale(labels, i * intervalMs);
      else if (v !== 'missing') storage.add(labels, i * intervalMs, v);
    });
  }
  const engine = new PromqlEngine(new InMemorySeriesSource(storage.series), { closedRanges: options.closedRanges ?? false });
  const query = engineQuery(engine);
  const externalLabels = Object.fromEntries(Object.entries(tg.external_labels ?? {}).map(([k, v]) => [k, String(v)]));
  const evaluators = groups.map(
    (g) =>
      new RuleGroupEvaluator(g, {
        query,
        defaultIntervalMs: evalIntervalMs,
        externalLabels,
        externalUrl: tg.external_url ?? '',
        append: async (t, samples: readonly OutputSample[], stale) => {
          for (const s of samples) storage.add(s.labels, t, s.value);
          for (const l of stale) storage.markStale(l, t);
        },
      }),
  );
  const alertTests = (tg.alert_rule_test ?? []).map((c) => ({ c, at: duration(c.eval_time, 0, 'eval_time', errors) }));
  const exprTests = (tg.promql_expr_test ?? []).map((c) => ({ c, at: duration(c.eval_time, 0, 'eval_time', errors) }));
  if (errors.length > 0) return errors;
  const maxMs = Math.max(0, ...alertTests.map((t) => t.at), ...exprTests.map((t) => t.at));
  const pending = [...alertTests].sort((a, b) => a.at - b.at);
  for (let ts = 0; ts <= maxMs; ts += evalIntervalMs) {
    for (const g of evaluators) await g.evaluate(ts);
    // An eval_time between two evaluations sees the state of the earlier one.
    while (pending.length > 0 && (pending[0]?.at ?? 0) < ts + evalIntervalMs) {
      const test = pending.shift() as (typeof pending)[number];
      const failure = compareAlerts(test.c, test.at, evaluators);
      if (failure) errors.push(failure);
    }
  }
  for (const { c, at } of exprTests) {
    const failure = await compareExpr(c, at, query);
    if (failure) errors.push(failure);
  }
  return errors;
}

type LabelsAndAnnotations = { labels: Labels; annotations: Labels };

const stringMap = (m: Record<string, unknown> | undefined): Labels =>
  Object.fromEntries(Object.entries(m ?? {}).map(([k, v]) => [k, String(v)]));

function labelsText(l: Labels): string {
  return `{${Object.keys(l)
    .sort()
    .map((k) => `${k}=${JSON.stringify(l[k])}`)
    .join(', ')}}`;
}

function alertsText(list: LabelsAndAnnotations[]): string {
  if (list.length === 0) return '[]';
  const items = list.map(
    (a, i) => `\n            ${i}:\n              Labels:${labelsText(a.labels)}\n              Annotations:${labelsText(a.annotations)}`,
  );
  return `[${items.join('')}\n            ]`;
}

function compareAlerts(c: AlertTestCase, at: number, evaluators: RuleGroupEvaluator[]): string | undefined {
  const name = c.alertname ?? '';
  const got: LabelsAndAnnotations[] = evaluators.flatMap((g) =>
    g
      .rules()
      .filter((r) => r.spec.kind !== 'recording' && r.spec.name === name)
      .flatMap((r) => r.alerts.filter((a) => a.state === 'firing').map((a) => ({ labels: a.labels, annotations: a.annotations }))),
  );
  const exp: LabelsAndAnnotations[] = (c.exp_alerts ?? []).map((e) => ({
    labels: { ...stringMap(e.exp_labels), alertname: name },
    annotations: stringMap(e.exp_annotations),
  }));
  const key = (a: LabelsAndAnnotations) => `${labelsKey(a.labels)}|${labelsKey(a.annotations)}`;
  const sortedGot = [...got].sort((a, b) => (key(a) < key(b) ? -1 : 1));
  const sortedExp = [...exp].sort((a, b) => (key(a) < key(b) ? -1 : 1));
  if (sortedGot.map(key).join('\n') === sortedExp.map(key).join('\n')) return undefined;
  return `    alertname: ${name}, time: ${formatDuration(at)}, \n        exp:${alertsText(sortedExp)}, \n        got:${alertsText(sortedGot)}`;
}

async function compareExpr(c: ExprTestCase, at: number, query: ReturnType<typeof engineQuery>): Promise<string | undefined> {
  const expr = c.expr ?? '';
  let got: Array<{ labels: Labels; value: number }>;
  try {
    got = [...(await query(expr, at))];
  } catch (e) {
    return `    expr: ${JSON.stringify(expr)}, time: ${formatDuration(at)}, err: ${(e as Error).message}`;
  }
  const exp = (c.exp_samples ?? []).map((s) => ({
    labels: s.labels ? parseSeriesSelector(s.labels) : {},
    value: typeof s.value === 'number' ? s.value : Number(s.value),
  }));
  const text = (list: Array<{ labels: Labels; value: number }>) =>
    list
      .map((s) => `${labelsKey(s.labels)} ${formatFloatG(s.value)}`)
      .sort()
      .join('\n');
  if (text(got) === text(exp)) return undefined;
  const show = (list: Array<{ labels: Labels; value: number }>) =>
    list.map((s) => `${labelsText(s.labels)} ${formatFloatE(s.value).toUpperCase()}`).join(', ');
  return `    expr: ${JSON.stringify(expr)}, time: ${formatDuration(at)},\n        exp: ${show(exp)}\n        got: ${show(got)}`;
}

/** The result as promtool prints it: `Unit Testing:  <file>` then SUCCESS, or FAILED: with each failure. */
export function formatPromtoolReport(result: PromtoolFileResult): string {
  const lines = [`Unit Testing:  ${result.file}`];
  if (result.errors.length > 0) lines.push('  FAILED:', ...result.errors.map((e) => `    ${e}`));
  else if (result.passed) lines.push('  SUCCESS');
  else {
    lines.push('  FAILED:');
    for (const g of result.groups) for (const f of g.failures) lines.push(`    name: ${g.name},`, f);
  }
  return `${lines.join('\n')}\n`;
}
