/*
 * Backtest: how often a rule group would have fired over stored history, before saving it. A fresh evaluator runs
 * the group at each step from `from` to `to` — PromQL through the same instant query the engine uses, check-state
 * rules over the checks' recorded state changes — and the alerts it tracks are counted per rule: episodes that
 * reached firing, distinct label sets, time spent firing, and the first episodes. Nothing is written: recording
 * rules' output is not stored, so a rule reading another rule's recorded series sees only what is already stored.
 */
import type { BacktestAlertRulesAnswer, BacktestAlertRulesRequest } from '@estate/contract';
import type { Kysely } from 'kysely';
import { problems } from '../../../platform/http/problem';
import { labelsFingerprint } from '../alert-model';
import { readRuleYaml } from '../alerts/rule-groups.service';
import { type CheckState, DEFAULT_GROUP_INTERVAL_MS, type InstantQuery, RuleGroupEvaluator } from '../rules';
import { loadCheckHistory } from './check-history';

/** Most evaluations one backtest runs; the step grows to stay within it. */
export const MAX_EVALUATIONS = 2_000;
/** Longest range a backtest covers. */
export const MAX_RANGE_MS = 31 * 86_400_000;
/** Episodes listed per rule. */
const EPISODES_SHOWN = 20;

export interface BacktestDeps {
  // biome-ignore lint/suspicious/noExplicitAny: the shared store (the checks' history), read only.
  db: Kysely<any>;
  query: InstantQuery;
  now: () => number;
}

interface Episode {
  labels: Record<string, string>;
  from: number;
  to: number | null;
}

export async function backtestRuleGroup(deps: BacktestDeps, request: BacktestAlertRulesRequest): Promise<BacktestAlertRulesAnswer> {
  const groups = readRuleYaml(request.yaml);
  if (groups.length !== 1) {
    throw problems.validation(`Backtest one group at a time (found ${groups.length}).`, [{ path: 'yaml', message: 'expected one group' }]);
  }
  const spec = groups[0] as (typeof groups)[number];
  const { from, to } = request;
  if (from >= to) throw problems.validation('from must be before to.', [{ path: 'from', message: 'must be before to' }]);
  if (to - from > MAX_RANGE_MS)
    throw problems.validation('A backtest covers at most 31 days.', [{ path: 'from', message: 'range too long' }]);
  if (to > deps.now() + 60_000) throw problems.validation('to lies in the future.', [{ path: 'to', message: 'must not be in the future' }]);

  const range = to - from;
  const wanted = request.stepSeconds !== undefined ? request.stepSeconds * 1000 : (spec.intervalMs ?? DEFAULT_GROUP_INTERVAL_MS);
  const stepMs = Math.max(wanted, Math.ceil(range / (MAX_EVALUATIONS - 1) / 1000) * 1000);

  const needsChecks = spec.rules.some((r) => r.kind === 'check-state');
  const states = needsChecks ? await loadCheckHistory(deps.db, from, to) : () => [] as CheckState[];
  const evaluator = new RuleGroupEvaluator(spec, {
    query: deps.query,
    checkStates: async (t) => states(t),
    clock: () => 0,
  });

  const perRule = spec.rules.map(() => ({ episodes: new Map<string, Episode>(), errors: 0, lastError: '' }));
  let evaluations = 0;
  let last = from;
  for (let t = from; t <= to && evaluations < MAX_EVALUATIONS; t += stepMs) {
    const result = await evaluator.evaluate(t);
    evaluations++;
    last = t;
    for (const failure of result.failures) {
      const slot = perRule[failure.rule];
      if (slot) {
        slot.errors++;
        slot.lastError = failure.error;
      }
    }
    for (const [i, status] of evaluator.rules().entries()) {
      const slot = perRule[i];
      if (!slot) continue;
      for (const alert of status.alerts) {
        if (alert.firedAt === null) continue;
        const key = `${labelsFingerprint(alert.labels)}@${alert.firedAt}`;
        let episode = slot.episodes.get(key);
        if (!episode) {
          episode = { labels: { ...alert.labels }, from: alert.firedAt, to: null };
          slot.episodes.set(key, episode);
        }
        if (alert.resolvedAt !== null) episode.to = alert.resolvedAt;
      }
    }
  }

  return {
    stepSeconds: stepMs / 1000,
    evaluations,
    rules: spec.rules.flatMap((rule, i) => {
      if (rule.kind === 'recording') return [];
      const slot = perRule[i] as (typeof perRule)[number];
      const episodes = [...slot.episodes.values()].sort((a, b) => a.from - b.from);
      const firingMs = episodes.reduce((sum, e) => sum + Math.max(0, (e.to ?? last) - e.from), 0);
      return [
        {
          name: rule.name,
          firings: episodes.length,
          alerts: new Set(episodes.map((e) => labelsFingerprint(e.labels))).size,
          firingSeconds: firingMs / 1000,
          episodes: episodes.slice(0, EPISODES_SHOWN),
          errors: slot.errors,
          ...(slot.lastError ? { lastError: slot.lastError } : {}),
        },
      ];
    }),
  };
}
