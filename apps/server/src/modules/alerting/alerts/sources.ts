/*
 * What the engine reads from the rest of Estate: PromQL through the metrics module, check states through the
 * monitoring module, and routing — Alertmanager's defaults until a configuration is stored — plus the starter rules
 * a fresh Estate begins with.
 */
import type { PromqlBackend, PromqlResult } from '../../metrics';
import type { CurrentCheckState } from '../../monitoring';
import { parseRoutingConfig } from '../routing';
import { type CheckState, type CheckStateSource, engineQuery, type InstantQuery, RuleEvaluationError } from '../rules';
import { DEFAULT_ROUTING_YAML } from '../suppression';
import type { RoutingSource } from './alert-engine';

/** Rules' instant queries through the metrics module's PromQL (embedded engine or the metrics backend). */
export function promqlQuery(promql: PromqlBackend | undefined): InstantQuery {
  if (!promql) {
    return async () => {
      throw new RuleEvaluationError('no PromQL engine is configured');
    };
  }
  // Both backends answer an instant query in Prometheus' result shape (resultType and result).
  return engineQuery({ evalInstant: async (query, timeMs) => (await promql.instant(query, timeMs)).data as PromqlResult });
}

/** The labels an alert over a check carries: the check's id, name, type and target, and its first CI. */
export function checkLabels(check: CurrentCheckState): Record<string, string> {
  const ci = check.cis[0];
  return {
    check_id: check.checkId,
    check_name: check.name,
    check_type: check.type,
    check_target: check.target,
    ...(ci ? { ci_id: ci.id, ci_name: ci.name } : {}),
  };
}

export function checkStateSource(read: (() => Promise<readonly CurrentCheckState[]>) | undefined): CheckStateSource {
  return async (): Promise<CheckState[]> => {
    if (!read) throw new RuleEvaluationError('no check state source is configured');
    return (await read()).map((c) => ({ labels: checkLabels(c), status: c.state, since: c.since }));
  };
}

/** Routing with the default configuration and no silences (tests of the engine alone). */
export function defaultRouting(): RoutingSource {
  const config = parseRoutingConfig(DEFAULT_ROUTING_YAML);
  return { current: async () => ({ version: 0, config }), silences: async () => [] };
}

/** The rules a fresh Estate starts with: a check down, or degraded for a while. */
export const DEFAULT_RULES_YAML = `groups:
  - name: Estate checks
    interval: 10s
    rules:
      - alert: CheckDown
        check_state:
          states: [down]
        labels:
          severity: critical
        annotations:
          summary: '{{ $labels.check_name }} is down'
          description: 'The {{ $labels.check_type }} check of {{ $labels.check_target }} fails.'
      - alert: CheckDegraded
        check_state:
          states: [degraded]
        for: 5m
        labels:
          severity: warning
        annotations:
          summary: '{{ $labels.check_name }} is degraded'
`;
