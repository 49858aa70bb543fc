/*
 * A rule group evaluator: at each evaluation time it runs the group's rules in order through injected sources (an
 * instant PromQL query, the checks' current states), hands each rule's output series to `append` before the next
 * rule runs (so later rules see earlier results, as the specification requires), and answers the series written,
 * the series that went stale and the alerts due for sending. It keeps no clock and no timer: the scheduler that
 * calls `evaluate` owns time, and this class only measures how long an evaluation took with the clock it is given.
 */
import type { Labels } from '../alert-model';
import type { AlertNotice, TrackedAlert } from './alert-tracker';
import { DEFAULT_GROUP_INTERVAL_MS, type RuleGroupSpec, type RuleSpec } from './rule-model';
import {
  type CheckState,
  checkStateVector,
  type InstantSample,
  labelsKey,
  type OutputSample,
  RuleEvaluationError,
  RuleRuntime,
} from './rule-runtime';

/** An instant query at `timeMs`: a vector (a scalar answered as one sample without labels). Throws on failure. */
export type InstantQuery = (expr: string, timeMs: number) => Promise<readonly InstantSample[]>;
/** The checks' current states as of `timeMs`. */
export type CheckStateSource = (timeMs: number) => Promise<readonly CheckState[]>;

/** Whether a rule's last evaluation worked, as /api/v1/rules reports it. */
export type RuleHealth = 'ok' | 'err' | 'unknown';

export interface RuleGroupOptions {
  query: InstantQuery;
  /** Required when the group holds check-state rules. */
  checkStates?: CheckStateSource;
  /** Writes a rule's output (and stale markers for series it no longer returns) before the next rule runs. */
  append?: (timeMs: number, samples: readonly OutputSample[], stale: readonly Labels[]) => Promise<void>;
  externalLabels?: Labels;
  externalUrl?: string;
  /** Least time between two sends of the same alert (Prometheus' --rules.alert.resend-delay, 1 minute). */
  resendDelayMs?: number;
  /** The interval of groups without their own. */
  defaultIntervalMs?: number;
  /** Where the group came from (the API's `file`). */
  file?: string;
  /** The clock evaluation durations are measured with (ms); never the evaluation time. */
  clock?: () => number;
}

/** A rule's standing after its last evaluation. */
export interface RuleStatus {
  spec: RuleSpec;
  health: RuleHealth;
  lastError: string;
  /** Evaluation time of the last evaluation, epoch ms; null before the first. */
  lastEvaluation: number | null;
  /** How long the last evaluation took, ms. */
  evaluationMs: number;
  /** Its alerts (pending, firing and retained resolved ones); empty for recording rules. */
  alerts: TrackedAlert[];
}

/** What one evaluation of the group produced. */
export interface GroupEvaluation {
  timeMs: number;
  /** Every series sample written at `timeMs`, in rule order. */
  samples: OutputSample[];
  /** Series written at the previous evaluation and not at this one: to be marked stale. */
  stale: Labels[];
  /** Alerts due for sending, in rule order. */
  notices: AlertNotice[];
  /** The rules that failed, by 0-based position, with their errors. */
  failures: Array<{ rule: number; error: string }>;
}

interface RuleSlot {
  runtime: RuleRuntime;
  health: RuleHealth;
  lastError: string;
  lastEvaluation: number | null;
  evaluationMs: number;
  previous: Map<string, Labels>;
}

/** What a group must carry across a restart: per rule (by position and name) its alerts and the series it wrote. */
export interface GroupState {
  lastEvaluation: number | null;
  evaluationMs: number;
  rules: Array<{
    name: string;
    alerts: TrackedAlert[];
    previous: Labels[];
    health: RuleHealth;
    lastError: string;
    lastEvaluation: number | null;
    evaluationMs: number;
  }>;
}

/** Evaluates one rule group; not reentrant (await one `evaluate` before the next). */
export class RuleGroupEvaluator {
  readonly intervalMs: number;
  private readonly slots: RuleSlot[];
  private readonly clock: () => number;
  private lastEvaluation: number | null = null;
  private evaluationMs = 0;

  /** `spec` must be valid, as parseRuleFile yields it; a label or annotation template that does not parse throws TemplateSyntaxError. */
  constructor(
    readonly spec: RuleGroupSpec,
    private readonly options: RuleGroupOptions,
  ) {
    this.intervalMs = spec.intervalMs ?? options.defaultIntervalMs ?? DEFAULT_GROUP_INTERVAL_MS;
    this.clock = options.clock ?? Date.now;
    const context = { externalLabels: options.externalLabels ?? {}, externalUrl: options.externalUrl ?? '' };
    this.slots = spec.rules.map((rule, i) => ({
      runtime: new RuleRuntime(rule, `rule:${spec.name}/${i + 1}/${rule.name}`, context, spec.limit),
      health: 'unknown',
      lastError: '',
      lastEvaluation: null,
      evaluationMs: 0,
      previous: new Map(),
    }));
  }

  /** Evaluates every rule at `timeMs`. A failing rule is reported in `failures` and its status; the others still run. */
  async evaluate(timeMs: number): Promise<GroupEvaluation> {
    const started = this.clock();
    const result: GroupEvaluation = { timeMs, samples: [], stale: [], notices: [], failures: [] };
    for (const [i, slot] of this.slots.entries()) {
      const ruleStarted = this.clock();
      try {
        const samples = await this.run(slot.runtime, timeMs);
        const current = new Map(samples.map((s) => [labelsKey(s.labels), s.labels]));
        const stale = [...slot.previous].filter(([k]) => !current.has(k)).map(([, l]) => l);
        slot.previous = current;
        await this.options.append?.(timeMs, samples, stale);
        result.samples.push(...samples);
        result.stale.push(...stale);
        slot.health = 'ok';
        slot.lastError = '';
        const resendDelay = this.options.resendDelayMs ?? 60_000;
        if (slot.runtime.tracker) result.notices.push(...slot.runtime.tracker.due(timeMs, resendDelay, this.intervalMs));
      } catch (e) {
        slot.health = 'err';
        slot.lastError = (e as Error).message;
        result.failures.push({ rule: i, error: slot.lastError });
      }
      slot.lastEvaluation = timeMs;
      slot.evaluationMs = this.clock() - ruleStarted;
    }
    this.lastEvaluation = timeMs;
    this.evaluationMs = this.clock() - started;
    return result;
  }

  private async run(runtime: RuleRuntime, timeMs: number): Promise<OutputSample[]> {
    const spec = runtime.spec;
    if (spec.kind === 'check-state') {
      if (!this.options.checkStates) throw new RuleEvaluationError('no check state source is configured');
      return runtime.alert(timeMs, checkStateVector(spec, await this.options.checkStates(timeMs), timeMs));
    }
    const vector = await this.options.query(spec.expr, timeMs);
    return spec.kind === 'recording' ? runtime.record(vector) : runtime.alert(timeMs, vector);
  }

  /** The state {@link restore} continues from. */
  exportState(): GroupState {
    return {
      lastEvaluation: this.lastEvaluation,
      evaluationMs: this.evaluationMs,
      rules: this.slots.map((s) => ({
        name: s.runtime.spec.name,
        alerts: s.runtime.tracker?.alerts() ?? [],
        previous: [...s.previous.values()],
        health: s.health,
        lastError: s.lastError,
        lastEvaluation: s.lastEvaluation,
        evaluationMs: s.evaluationMs,
      })),
    };
  }

  /**
   * Continues from an exported state, possibly of an earlier version of the group: a rule at the same position with
   * the same name takes its alerts back (so `for` keeps counting across a restart, as Prometheus' ALERTS_FOR_STATE
   * restore does); other rules start afresh.
   */
  restore(state: GroupState): void {
    this.lastEvaluation = state.lastEvaluation;
    this.evaluationMs = state.evaluationMs;
    for (const [i, slot] of this.slots.entries()) {
      const saved = state.rules[i];
      if (!saved || saved.name !== slot.runtime.spec.name) continue;
      slot.runtime.tracker?.restore(saved.alerts);
      slot.previous = new Map(saved.previous.map((l) => [labelsKey(l), l]));
      slot.health = saved.health;
      slot.lastError = saved.lastError;
      slot.lastEvaluation = saved.lastEvaluation;
      slot.evaluationMs = saved.evaluationMs;
    }
  }

  /** Every rule's standing, in group order. */
  rules(): RuleStatus[] {
    return this.slots.map((s) => ({
      spec: s.runtime.spec,
      health: s.health,
      lastError: s.lastError,
      lastEvaluation: s.lastEvaluation,
      evaluationMs: s.evaluationMs,
      alerts: s.runtime.tracker?.alerts() ?? [],
    }));
  }

  /** The group's own standing: when it last ran and how long that took (ms). */
  status(): { lastEvaluation: number | null; evaluationMs: number; file: string } {
    return { lastEvaluation: this.lastEvaluation, evaluationMs: this.evaluationMs, file: this.options.file ?? '' };
  }
}
