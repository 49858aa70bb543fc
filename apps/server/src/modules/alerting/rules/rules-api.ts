/*
 * The bodies of Prometheus' GET /api/v1/rules and GET /api/v1/alerts, built from evaluator state, in Prometheus'
 * exact JSON shape (times in RFC 3339 as Go prints them, alert values in Go's 'e' format), so Grafana and other
 * clients of a Prometheus read Estate's rules unchanged. Check-state rules show as alerting rules with an empty
 * `query` and an added `checkState` field (the specification allows added fields).
 */
import type { Labels } from '../alert-model';
import type { TrackedAlert } from './alert-tracker';
import { formatFloatE } from './go-format';
import type { RuleGroupEvaluator, RuleStatus } from './rule-group';
import { labelsKey } from './rule-runtime';

/** One alert in the API. */
export interface ApiAlert {
  labels: Labels;
  annotations: Labels;
  state: 'pending' | 'firing' | 'inactive';
  activeAt: string;
  keepFiringSince?: string;
  value: string;
}

export type ApiRule =
  | {
      state: 'pending' | 'firing' | 'inactive';
      name: string;
      query: string;
      duration: number;
      keepFiringFor: number;
      labels: Labels;
      annotations: Labels;
      alerts?: ApiAlert[];
      health: string;
      lastError?: string;
      evaluationTime: number;
      lastEvaluation: string;
      type: 'alerting';
      checkState?: { states: string[]; match: Labels };
    }
  | {
      name: string;
      query: string;
      labels: Labels;
      health: string;
      lastError?: string;
      evaluationTime: number;
      lastEvaluation: string;
      type: 'recording';
    };

export interface ApiRuleGroup {
  name: string;
  file: string;
  rules: ApiRule[];
  interval: number;
  limit: number;
  evaluationTime: number;
  lastEvaluation: string;
}

/** The query parameters of /api/v1/rules, already read. */
export interface RulesFilter {
  type?: 'alert' | 'record';
  ruleName?: readonly string[];
  ruleGroup?: readonly string[];
  file?: readonly string[];
  excludeAlerts?: boolean;
}

/** Go's time.Time in JSON (RFC 3339, fraction without trailing zeros, UTC as Z); Go's zero time for null. */
export function goTime(ms: number | null): string {
  if (ms === null) return '0001-01-01T00:00:00Z';
  return new Date(ms).toISOString().replace(/\.?0*Z$/, 'Z');
}

function apiAlert(a: TrackedAlert): ApiAlert {
  return {
    labels: a.labels,
    annotations: a.annotations,
    state: a.state,
    activeAt: goTime(a.activeAt),
    ...(a.keepFiringSince !== null ? { keepFiringSince: goTime(a.keepFiringSince) } : {}),
    value: formatFloatE(a.value),
  };
}

const byLabels = (a: TrackedAlert, b: TrackedAlert) => (labelsKey(a.labels) < labelsKey(b.labels) ? -1 : 1);

function apiRule(r: RuleStatus, excludeAlerts: boolean): ApiRule {
  const common = {
    health: r.health,
    ...(r.lastError ? { lastError: r.lastError } : {}),
    evaluationTime: r.evaluationMs / 1000,
    lastEvaluation: goTime(r.lastEvaluation),
  };
  const spec = r.spec;
  if (spec.kind === 'recording') return { name: spec.name, query: spec.expr, labels: spec.labels, ...common, type: 'recording' };
  const active = r.alerts.filter((a) => a.state !== 'inactive').sort(byLabels);
  const state = active.some((a) => a.state === 'firing') ? 'firing' : active.length > 0 ? 'pending' : 'inactive';
  return {
    state,
    name: spec.name,
    query: spec.kind === 'alerting' ? spec.expr : '',
    duration: spec.forMs / 1000,
    keepFiringFor: spec.keepFiringForMs / 1000,
    labels: spec.labels,
    annotations: spec.annotations,
    ...(excludeAlerts ? {} : { alerts: active.map(apiAlert) }),
    ...common,
    type: 'alerting',
    ...(spec.kind === 'check-state' ? { checkState: { states: [...spec.states], match: spec.match } } : {}),
  };
}

/** The body of GET /api/v1/rules over `groups`, filtered as its query parameters ask. */
export function rulesResponse(
  groups: readonly RuleGroupEvaluator[],
  filter: RulesFilter = {},
): { status: 'success'; data: { groups: ApiRuleGroup[] } } {
  const filtered = Boolean(filter.type || filter.ruleName?.length || filter.ruleGroup?.length || filter.file?.length);
  const out: ApiRuleGroup[] = [];
  for (const g of groups) {
    const status = g.status();
    if (filter.ruleGroup?.length && !filter.ruleGroup.includes(g.spec.name)) continue;
    if (filter.file?.length && !filter.file.includes(status.file)) continue;
    const rules = g
      .rules()
      .filter((r) => !filter.type || (filter.type === 'record') === (r.spec.kind === 'recording'))
      .filter((r) => !filter.ruleName?.length || filter.ruleName.includes(r.spec.name))
      .map((r) => apiRule(r, filter.excludeAlerts ?? false));
    if (filtered && rules.length === 0) continue;
    out.push({
      name: g.spec.name,
      file: status.file,
      rules,
      interval: g.intervalMs / 1000,
      limit: g.spec.limit,
      evaluationTime: status.evaluationMs / 1000,
      lastEvaluation: goTime(status.lastEvaluation),
    });
  }
  return { status: 'success', data: { groups: out } };
}

/** The body of GET /api/v1/alerts: every pending and firing alert of every alerting rule. */
export function alertsResponse(groups: readonly RuleGroupEvaluator[]): { status: 'success'; data: { alerts: ApiAlert[] } } {
  const alerts = groups.flatMap((g) => g.rules().flatMap((r) => r.alerts.filter((a) => a.state !== 'inactive').sort(byLabels)));
  return { status: 'success', data: { alerts: alerts.map(apiAlert) } };
}
