/*
 * The alerts people act on: lists and details of episodes with their timelines, acknowledge and resolve, and
 * Prometheus' /api/v1/rules and /api/v1/alerts bodies built from what the evaluator last saved (so every API process
 * answers the same, whichever process evaluates).
 */
import type { AlertDetail, AlertEpisode, AlertListQuery, AlertRuleGroup, AlertSummary } from '@estate/contract';
import type { ActionContext, AuditLog } from '../../../platform/audit/audit-log';
import { withTransaction } from '../../../platform/db/transaction';
import { problems } from '../../../platform/http/problem';
import { alertsResponse, type GroupState, RuleGroupEvaluator, type RulesFilter, rulesResponse } from '../rules';
import { type AlertStore, presentEpisode } from './alert-store';
import { presentGroup, type RuleGroupService, type StoredRuleGroup, userOf } from './rule-groups.service';

/** Told when an alert was acknowledged (escalations stop, repeats stop) or resolved by hand. */
export interface AlertActionHooks {
  acknowledged?(alert: AlertEpisode): void | Promise<void>;
  resolved?(alert: AlertEpisode): void | Promise<void>;
}

export class AlertsService {
  constructor(
    private readonly store: AlertStore,
    private readonly groups: RuleGroupService,
    private readonly audit: AuditLog,
    private readonly now: () => number = Date.now,
    private readonly hooks: AlertActionHooks = {},
  ) {}

  list(query: AlertListQuery) {
    return this.store.list(query);
  }

  summary(): Promise<AlertSummary> {
    return this.store.summary();
  }

  async detail(id: string): Promise<AlertDetail> {
    const row = await this.store.get(id);
    return { alert: presentEpisode(row), timeline: await this.store.timeline(id), previous: await this.store.previous(row) };
  }

  async acknowledge(id: string, comment: string | undefined, ctx: ActionContext): Promise<AlertEpisode> {
    const now = this.now();
    const alert = await withTransaction(this.store.db, async (trx) => {
      const row = await this.store.get(id, trx);
      if (row.state === 'resolved') throw problems.conflict('The alert is resolved; there is nothing to acknowledge.');
      if (row.acknowledged_at !== null) return presentEpisode(row);
      const by = userOf(ctx);
      await this.store.updateEpisode(trx, id, { acknowledged_at: now, acknowledged_by: by, updated_at: now });
      await this.store.event(trx, id, now, 'acknowledged', comment ? { comment } : {}, ctx.actor.label ?? by);
      const after = presentEpisode({ ...row, acknowledged_at: now, acknowledged_by: by, updated_at: now });
      await this.audit.append(trx, ctx, {
        action: 'alert.acknowledge',
        targetType: 'alert',
        targetId: id,
        after: { name: after.name, labels: after.labels, ...(comment ? { comment } : {}) },
      });
      return after;
    });
    await this.hooks.acknowledged?.(alert);
    return alert;
  }

  /**
   * Resolves an alert by hand. Only alerts sent in from outside (Alertmanager, the events API) can be: a rule's alert
   * resolves when the rule stops returning it, or it would only fire again at the next evaluation.
   */
  async resolve(id: string, comment: string | undefined, ctx: ActionContext): Promise<AlertEpisode> {
    const now = this.now();
    const alert = await withTransaction(this.store.db, async (trx) => {
      const row = await this.store.get(id, trx);
      if (row.state === 'resolved') return presentEpisode(row);
      if (row.source.startsWith('rule:')) {
        throw problems.conflict(
          'This alert comes from a rule: it resolves when the rule stops returning it. Acknowledge it, or silence it, to stop notifications.',
        );
      }
      await this.store.updateEpisode(trx, id, { state: 'resolved', resolved_at: now, updated_at: now });
      await this.store.event(trx, id, now, 'resolved', { byHand: true, ...(comment ? { comment } : {}) }, ctx.actor.label ?? userOf(ctx));
      const after = presentEpisode({ ...row, state: 'resolved', resolved_at: now, updated_at: now });
      await this.audit.append(trx, ctx, {
        action: 'alert.resolve',
        targetType: 'alert',
        targetId: id,
        after: { name: after.name, labels: after.labels, ...(comment ? { comment } : {}) },
      });
      return after;
    });
    await this.hooks.resolved?.(alert);
    return alert;
  }

  /** The stored groups (all, or one) as evaluators carrying their last saved state; the states in one read. */
  private async evaluators(only?: string): Promise<Array<{ group: StoredRuleGroup; evaluator: RuleGroupEvaluator }>> {
    const groups = only === undefined ? await this.groups.list() : [await this.groups.get(only)];
    const states = await this.store.loadStates<GroupState>('group:');
    return groups.map((group) => {
      const evaluator = new RuleGroupEvaluator(group.spec, { query: async () => [], file: group.file });
      const state = states.get(group.id);
      if (state) evaluator.restore(state);
      return { group, evaluator };
    });
  }

  private present({ group, evaluator }: { group: StoredRuleGroup; evaluator: RuleGroupEvaluator }): AlertRuleGroup {
    const status = evaluator.status();
    return presentGroup(group, {
      lastEvaluation: status.lastEvaluation,
      rules: evaluator.rules().map((r) => ({
        health: r.health,
        lastError: r.lastError,
        pending: r.alerts.filter((a) => a.state === 'pending').length,
        firing: r.alerts.filter((a) => a.state === 'firing').length,
      })),
    });
  }

  async ruleGroups(): Promise<AlertRuleGroup[]> {
    return (await this.evaluators()).map((e) => this.present(e));
  }

  /** One group; 404 when it does not exist. */
  async ruleGroup(id: string): Promise<AlertRuleGroup> {
    const [found] = await this.evaluators(id);
    return this.present(found as { group: StoredRuleGroup; evaluator: RuleGroupEvaluator });
  }

  async prometheusRules(filter: RulesFilter) {
    return rulesResponse(
      (await this.evaluators()).filter((e) => e.group.enabled).map((e) => e.evaluator),
      filter,
    );
  }

  async prometheusAlerts() {
    return alertsResponse((await this.evaluators()).filter((e) => e.group.enabled).map((e) => e.evaluator));
  }
}
