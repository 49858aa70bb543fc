import Type, { type Static } from 'typebox';
import { EpochMs, Id } from './common';

/*
 * Alert rules and alerts (issue 15). Rule groups are written as Prometheus rule-file YAML (Estate's check-state rules
 * are `check_state:` in place of `expr:`); alerts are episodes of a label set from pending to resolved, with their
 * acknowledgement, what suppresses them and their timeline.
 */

const Labels = Type.Record(Type.String(), Type.String());

/** One rule of a group, as lists show it. */
export const AlertRuleSummary = Type.Object({
  name: Type.String(),
  kind: Type.Union([Type.Literal('alerting'), Type.Literal('recording'), Type.Literal('check-state')]),
  /** The PromQL expression; empty for check-state rules. */
  expr: Type.String(),
  /** Check states that count as a problem (check-state rules only). */
  checkStates: Type.Optional(Type.Array(Type.String())),
  forSeconds: Type.Number({ minimum: 0 }),
  severity: Type.Optional(Type.String()),
  /** ok, err or unknown, after the last evaluation. */
  health: Type.String(),
  lastError: Type.Optional(Type.String()),
  /** How many of its alerts are pending and firing now. */
  pending: Type.Integer({ minimum: 0 }),
  firing: Type.Integer({ minimum: 0 }),
});
export type AlertRuleSummary = Static<typeof AlertRuleSummary>;

export const AlertRuleGroup = Type.Object({
  id: Id,
  name: Type.String(),
  /** The group's evaluation interval, seconds. */
  intervalSeconds: Type.Number(),
  /** Most alerts (or series) one rule may produce per evaluation; 0 is no limit. */
  limit: Type.Integer({ minimum: 0 }),
  enabled: Type.Boolean(),
  /** The file it was imported from, or empty. */
  file: Type.String(),
  /** The group as Prometheus rule-file YAML (`groups:` with this one group). */
  yaml: Type.String(),
  rules: Type.Array(AlertRuleSummary),
  lastEvaluation: Type.Union([EpochMs, Type.Null()]),
  version: Type.Integer({ minimum: 1 }),
  createdAt: EpochMs,
  updatedAt: EpochMs,
});
export type AlertRuleGroup = Static<typeof AlertRuleGroup>;

export const AlertRuleGroupList = Type.Object({ items: Type.Array(AlertRuleGroup) });
export type AlertRuleGroupList = Static<typeof AlertRuleGroupList>;

/** Creates a rule group from rule-file YAML holding exactly one group. */
export const CreateAlertRuleGroupRequest = Type.Object(
  {
    yaml: Type.String({ minLength: 1, maxLength: 1_000_000 }),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type CreateAlertRuleGroupRequest = Static<typeof CreateAlertRuleGroupRequest>;

export const UpdateAlertRuleGroupRequest = Type.Object(
  {
    yaml: Type.Optional(Type.String({ minLength: 1, maxLength: 1_000_000 })),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type UpdateAlertRuleGroupRequest = Static<typeof UpdateAlertRuleGroupRequest>;

/** A whole Prometheus rule file: each group is created, or replaces the group of the same name. */
export const ImportAlertRulesRequest = Type.Object(
  {
    yaml: Type.String({ minLength: 1, maxLength: 5_000_000 }),
    /** Recorded as the groups' `file`. */
    file: Type.Optional(Type.String({ maxLength: 300 })),
  },
  { additionalProperties: false },
);
export type ImportAlertRulesRequest = Static<typeof ImportAlertRulesRequest>;

export const ImportAlertRulesAnswer = Type.Object({
  created: Type.Array(Type.String()),
  replaced: Type.Array(Type.String()),
  unchanged: Type.Array(Type.String()),
});
export type ImportAlertRulesAnswer = Static<typeof ImportAlertRulesAnswer>;

/** How often a rule group would have fired over stored history (before saving it). */
export const BacktestAlertRulesRequest = Type.Object(
  {
    yaml: Type.String({ minLength: 1, maxLength: 1_000_000 }),
    from: EpochMs,
    to: EpochMs,
    /** Evaluation step, seconds; default the group's interval (at least range/2,000). */
    stepSeconds: Type.Optional(Type.Number({ minimum: 1, maximum: 86_400 })),
  },
  { additionalProperties: false },
);
export type BacktestAlertRulesRequest = Static<typeof BacktestAlertRulesRequest>;

export const BacktestAlertRulesAnswer = Type.Object({
  stepSeconds: Type.Number(),
  evaluations: Type.Integer({ minimum: 0 }),
  rules: Type.Array(
    Type.Object({
      name: Type.String(),
      /** How many alert episodes would have started firing. */
      firings: Type.Integer({ minimum: 0 }),
      /** How many label sets fired at least once. */
      alerts: Type.Integer({ minimum: 0 }),
      /** Time spent firing, summed over alerts, seconds. */
      firingSeconds: Type.Number({ minimum: 0 }),
      /** The first episodes (labels, from, to), at most 20. */
      episodes: Type.Array(Type.Object({ labels: Labels, from: EpochMs, to: Type.Union([EpochMs, Type.Null()]) })),
      errors: Type.Integer({ minimum: 0 }),
      lastError: Type.Optional(Type.String()),
    }),
  ),
});
export type BacktestAlertRulesAnswer = Static<typeof BacktestAlertRulesAnswer>;

export const ALERT_STATES = ['pending', 'firing', 'resolved'] as const;
const AlertState = Type.Union([Type.Literal('pending'), Type.Literal('firing'), Type.Literal('resolved')]);

/** Why an alert's notifications are held back. */
export const AlertSuppression = Type.Object({
  kind: Type.String({ description: 'silence, inhibition, maintenance, dependency, acknowledged, …' }),
  reason: Type.String(),
  /** The silence, window, alert or CI that causes it. */
  ref: Type.Optional(Type.String()),
});
export type AlertSuppression = Static<typeof AlertSuppression>;

/** One alert episode. */
export const AlertEpisode = Type.Object({
  id: Id,
  fingerprint: Type.String(),
  name: Type.String({ description: 'The alertname label' }),
  source: Type.String(),
  ruleGroupId: Type.Union([Id, Type.Null()]),
  ruleVersion: Type.Union([Type.Integer(), Type.Null()]),
  state: AlertState,
  severity: Type.String(),
  labels: Labels,
  annotations: Labels,
  value: Type.Union([Type.Number(), Type.Null()]),
  activeAt: EpochMs,
  firedAt: Type.Union([EpochMs, Type.Null()]),
  resolvedAt: Type.Union([EpochMs, Type.Null()]),
  acknowledgedAt: Type.Union([EpochMs, Type.Null()]),
  acknowledgedBy: Type.Union([Type.String(), Type.Null()]),
  suppressedBy: Type.Union([AlertSuppression, Type.Null()]),
  notified: Type.Boolean(),
  updatedAt: EpochMs,
});
export type AlertEpisode = Static<typeof AlertEpisode>;

export const AlertListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
    /** `active` (pending and firing, the default), or one state. */
    state: Type.Optional(Type.Union([Type.Literal('active'), AlertState])),
    severity: Type.Optional(Type.String({ maxLength: 100 })),
    /** Part of the alert name or any label value, any case. */
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type AlertListQuery = Static<typeof AlertListQuery>;

export const AlertSummary = Type.Object({
  firing: Type.Integer({ minimum: 0 }),
  pending: Type.Integer({ minimum: 0 }),
  acknowledged: Type.Integer({ minimum: 0 }),
  suppressed: Type.Integer({ minimum: 0 }),
});
export type AlertSummary = Static<typeof AlertSummary>;

export const AlertEvent = Type.Object({
  at: EpochMs,
  kind: Type.String(),
  actor: Type.Union([Type.String(), Type.Null()]),
  detail: Type.Record(Type.String(), Type.Unknown()),
});
export type AlertEvent = Static<typeof AlertEvent>;

export const AlertDetail = Type.Object({
  alert: AlertEpisode,
  timeline: Type.Array(AlertEvent),
  /** Earlier episodes of the same label set, newest first (at most 20). */
  previous: Type.Array(Type.Object({ id: Id, activeAt: EpochMs, resolvedAt: Type.Union([EpochMs, Type.Null()]) })),
});
export type AlertDetail = Static<typeof AlertDetail>;

export const AlertActionRequest = Type.Object(
  { comment: Type.Optional(Type.String({ maxLength: 2000 })) },
  { additionalProperties: false },
);
export type AlertActionRequest = Static<typeof AlertActionRequest>;

/** The query of Prometheus' GET /api/v1/rules. */
export const PromRulesQuery = Type.Object(
  {
    type: Type.Optional(Type.Union([Type.Literal('alert'), Type.Literal('record')])),
    'rule_name[]': Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())])),
    'rule_group[]': Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())])),
    'file[]': Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())])),
    exclude_alerts: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type PromRulesQuery = Static<typeof PromRulesQuery>;

/** Alertmanager matcher text selecting exactly this label set (`{a="1",b="x \\"y\\""}`), for a silence. */
export function labelsAsMatchers(labels: Readonly<Record<string, string>>): string {
  const pairs = Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${pairs.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}`;
}
