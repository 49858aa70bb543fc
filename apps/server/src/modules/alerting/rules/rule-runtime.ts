/*
 * One rule at work: turns what its source returned at an evaluation (a PromQL instant vector, or check states) into
 * alerts or recorded series. Labels are built as the specification's steps 1–3 say — the sample's labels without
 * `__name__`, then the rule's templated labels over them (an empty result removes the label), then `alertname` —
 * and two samples that end with the same label set make the whole evaluation of the rule an error.
 */
import type { Labels } from '../alert-model';
import { type ActiveCandidate, AlertTracker } from './alert-tracker';
import type { CheckStateRuleSpec, CheckStatus, RuleSpec } from './rule-model';
import { type CompiledTemplate, compileTemplate, type TemplateData } from './template';

/** One sample of an instant vector: its labels (the metric name as `__name__`) and value. */
export interface InstantSample {
  labels: Labels;
  value: number;
}

/** A check as monitoring last saw it. */
export interface CheckState {
  /** check_id, check_name, ci_id, … (they become the alert's labels). */
  labels: Labels;
  status: CheckStatus;
  /** When the check entered `status`, epoch ms. */
  since: number;
}

/** A series sample a rule writes back to the store at the evaluation time. */
export interface OutputSample {
  /** With `__name__`: ALERTS, ALERTS_FOR_STATE or a recording rule's name. */
  labels: Labels;
  value: number;
}

/** A rule evaluation that failed; the rule's health becomes `err` with this message. */
export class RuleEvaluationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuleEvaluationError';
  }
}

/** What templates see besides the sample: the generator's external labels and URL. */
export interface TemplateContext {
  externalLabels: Labels;
  externalUrl: string;
}

const compileAll = (map: Labels): Array<[string, CompiledTemplate]> => Object.entries(map).map(([k, v]) => [k, compileTemplate(v)]);

/** The mutable side of a rule: its compiled templates and, for alerting kinds, its alerts. */
export class RuleRuntime {
  readonly tracker: AlertTracker | undefined;
  private readonly labelTemplates: Array<[string, CompiledTemplate]>;
  private readonly annotationTemplates: Array<[string, CompiledTemplate]>;

  constructor(
    readonly spec: RuleSpec,
    source: string,
    private readonly context: TemplateContext,
    private readonly limit: number,
  ) {
    this.labelTemplates = compileAll(spec.labels);
    this.annotationTemplates = spec.kind === 'recording' ? [] : compileAll(spec.annotations);
    this.tracker = spec.kind === 'recording' ? undefined : new AlertTracker(spec, source);
  }

  /** A recording rule's output series; throws RuleEvaluationError for duplicates or a broken limit. */
  record(vector: readonly InstantSample[]): OutputSample[] {
    const seen = new Set<string>();
    const out: OutputSample[] = [];
    for (const s of vector) {
      const labels: Record<string, string> = { ...s.labels, __name__: this.spec.name };
      for (const [k, v] of Object.entries(this.spec.labels)) {
        if (v === '') delete labels[k];
        else labels[k] = v;
      }
      const key = labelsKey(labels);
      if (seen.has(key)) throw new RuleEvaluationError('vector contains metrics with the same labelset after applying rule labels');
      seen.add(key);
      out.push({ labels, value: s.value });
    }
    if (this.limit > 0 && out.length > this.limit) {
      throw new RuleEvaluationError(`exceeded limit of ${this.limit} with ${out.length} series`);
    }
    return out;
  }

  /**
   * Advances an alerting rule's alerts to `ts` from its expression's result; answers its ALERTS and ALERTS_FOR_STATE
   * samples. Throws RuleEvaluationError (alerts untouched) when two samples make the same alert.
   */
  alert(ts: number, vector: ReadonlyArray<InstantSample & { since?: number }>): OutputSample[] {
    const tracker = this.tracker as AlertTracker;
    const candidates: ActiveCandidate[] = [];
    const seen = new Set<string>();
    for (const s of vector) {
      const data: TemplateData = {
        labels: s.labels,
        value: s.value,
        externalLabels: this.context.externalLabels,
        externalUrl: this.context.externalUrl,
      };
      const labels: Record<string, string> = { ...s.labels };
      delete labels.__name__;
      for (const [k, t] of this.labelTemplates) {
        const v = t.expand(data);
        if (v === '') delete labels[k];
        else labels[k] = v;
      }
      labels.alertname = this.spec.name;
      const key = labelsKey(labels);
      if (seen.has(key)) throw new RuleEvaluationError('vector contains metrics with the same labelset after applying alert labels');
      seen.add(key);
      const annotations: Record<string, string> = {};
      for (const [k, t] of this.annotationTemplates) annotations[k] = t.expand(data);
      candidates.push({ labels, annotations, value: s.value, ...(s.since !== undefined ? { since: s.since } : {}) });
    }
    tracker.update(ts, candidates);
    const live = tracker.activeAlerts();
    if (this.limit > 0 && live.length > this.limit) {
      tracker.clear();
      throw new RuleEvaluationError(`exceeded limit of ${this.limit} with ${live.length} alerts`);
    }
    const out: OutputSample[] = [];
    for (const a of live) {
      out.push({ labels: { ...a.labels, __name__: 'ALERTS', alertstate: a.state }, value: 1 });
      out.push({ labels: { ...a.labels, __name__: 'ALERTS_FOR_STATE' }, value: Math.floor(a.activeAt / 1000) });
    }
    return out;
  }
}

/** The samples a check-state rule stands for at `ts`: one per matching check in a listed state, valued in seconds in it. */
export function checkStateVector(
  spec: CheckStateRuleSpec,
  states: readonly CheckState[],
  ts: number,
): Array<InstantSample & { since: number }> {
  const matchers = Object.entries(spec.match);
  return states
    .filter((c) => spec.states.includes(c.status) && matchers.every(([k, v]) => (c.labels[k] ?? '') === v))
    .map((c) => ({ labels: c.labels, value: Math.max(0, ts - c.since) / 1000, since: c.since }));
}

/** A label set as one comparable string (names sorted). */
export function labelsKey(labels: Labels): string {
  return JSON.stringify(
    Object.keys(labels)
      .sort()
      .map((k) => [k, labels[k]]),
  );
}
