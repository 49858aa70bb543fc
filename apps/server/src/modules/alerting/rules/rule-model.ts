/*
 * Rules as Estate holds them: Prometheus' rule groups (alerting and recording rules) plus Estate's check-state
 * alerting rule, with durations in ms. rule-file.ts reads and writes them as Prometheus rule-file YAML.
 */
import type { Labels } from '../alert-model';

/** The states a check can be in, as monitoring reports them. */
export type CheckStatus = 'up' | 'degraded' | 'down' | 'unknown';

/** An alerting rule over a PromQL expression: every sample it returns is an alert. */
export interface AlertingRuleSpec {
  kind: 'alerting';
  /** The alert's name (`alert:`), set as the `alertname` label. */
  name: string;
  expr: string;
  /** How long an alert stays pending before it fires (`for:`), ms; 0 fires at once. */
  forMs: number;
  /** How long a firing alert keeps firing after its expression stops returning it (`keep_firing_for:`), ms. */
  keepFiringForMs: number;
  /** Label templates added to (and overriding) each alert's labels. */
  labels: Labels;
  annotations: Labels;
}

/** A recording rule: its expression's result is written back as series named `record`. */
export interface RecordingRuleSpec {
  kind: 'recording';
  /** The series name to write (`record:`). */
  name: string;
  expr: string;
  labels: Labels;
}

/**
 * Estate's check-state rule (`alert:` with `check_state:` instead of `expr:`): one alert per check that is in one of
 * `states`. The condition holds since the check's own `since`, so `for` counts from when the check went down, not
 * from when the rule first saw it.
 */
export interface CheckStateRuleSpec {
  kind: 'check-state';
  name: string;
  /** Which check states count as a problem, e.g. ['down'] or ['down', 'degraded']. */
  states: CheckStatus[];
  /** Only checks whose labels equal these (check_name, ci_id, …); empty matches every check. */
  match: Labels;
  forMs: number;
  keepFiringForMs: number;
  labels: Labels;
  annotations: Labels;
}

export type RuleSpec = AlertingRuleSpec | RecordingRuleSpec | CheckStateRuleSpec;

/** A rule group: rules evaluated in order, every `intervalMs`. */
export interface RuleGroupSpec {
  name: string;
  /** The group's own interval (`interval:`), ms; undefined takes the evaluator's default (1 minute). */
  intervalMs?: number;
  /** Most alerts (or recorded series) one rule may produce per evaluation; 0 is no limit. */
  limit: number;
  rules: RuleSpec[];
}

/** Prometheus' default group interval. */
export const DEFAULT_GROUP_INTERVAL_MS = 60_000;
