/*
 * Alerts sent in from outside, as episodes beside the rules' own: Alertmanager's alert shape (what Prometheus posts
 * to an Alertmanager, and what an Alertmanager webhook carries), and events shaped like PagerDuty Events v2
 * (trigger, acknowledge, resolve by dedup key). The engine routes them like any other alert.
 */
import type { ActionContext } from '../../../platform/audit/audit-log';
import { withTransaction } from '../../../platform/db/transaction';
import { problems } from '../../../platform/http/problem';
import { newId } from '../../../platform/ids';
import { type Labels, labelsFingerprint } from '../alert-model';
import { severityOf } from './alert-engine';
import { type AlertStore, type Db, presentEpisode } from './alert-store';
import type { AlertsTable } from './alerts.tables';

/** Alertmanager's default resolve_timeout: an alert without an end that is not sent again resolves after it. */
export const RESOLVE_TIMEOUT_MS = 5 * 60_000;

/** One alert as Alertmanager's API and webhooks carry it; times as epoch ms (the routes parse RFC 3339). */
export interface IncomingAlert {
  labels: Labels;
  annotations?: Labels;
  startsAt?: number;
  /** When it ends; absent: resolve_timeout after now; null: when a resolution comes (an Alertmanager webhook's firing alert). */
  endsAt?: number | null;
  generatorURL?: string;
}

/** An event shaped like PagerDuty Events v2. */
export interface IncomingEvent {
  action: 'trigger' | 'acknowledge' | 'resolve';
  dedupKey?: string;
  summary?: string;
  source?: string;
  severity?: string;
  component?: string;
  group?: string;
  class?: string;
  details?: Record<string, unknown>;
  /** When it happened (epoch ms); default now. */
  timestamp?: number;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** What an event answer carries: the dedup key (made up for a trigger without one) and the episode. */
export interface EventAnswer {
  dedupKey: string;
  alertId: string | null;
}

export class ExternalAlerts {
  constructor(
    private readonly store: AlertStore,
    private readonly now: () => number = Date.now,
    /** Told after a change commits (the engine re-reads external alerts at its next cycle). */
    private readonly changed: () => void = () => undefined,
  ) {}

  /**
   * Takes alerts in Alertmanager's shape from `source` (`alertmanager`, `prometheus`): each is firing until its
   * endsAt (resolve_timeout after now when it has none), resolved when endsAt has passed. Answers how many were taken.
   */
  async receive(alerts: readonly IncomingAlert[], source: string, at = 'alerts'): Promise<number> {
    const now = this.now();
    const problemsFound = alerts.flatMap((a, i) => labelProblems(a.labels, `${at}[${i}].labels`));
    if (problemsFound.length > 0) throw problems.validation('Some alerts have invalid labels; none was taken.', problemsFound);
    await withTransaction(this.store.db, async (trx) => {
      for (const alert of alerts) await this.upsert(trx, alert, source, now);
    });
    this.changed();
    return alerts.length;
  }

  private async upsert(trx: Db, alert: IncomingAlert, source: string, now: number): Promise<void> {
    const labels = alert.labels;
    const fingerprint = labelsFingerprint(labels);
    const endsAt = alert.endsAt === null ? null : (alert.endsAt ?? now + RESOLVE_TIMEOUT_MS);
    const resolved = endsAt !== null && endsAt <= now;
    const annotations = { ...(alert.annotations ?? {}), ...(alert.generatorURL ? { generator_url: alert.generatorURL } : {}) };
    const open = await this.openEpisode(trx, fingerprint);
    if (open) {
      if (resolved) {
        await this.store.updateEpisode(trx, open.id, {
          state: 'resolved',
          resolved_at: Math.min(endsAt as number, now),
          ends_at: endsAt,
          updated_at: now,
        });
        await this.store.event(trx, open.id, now, 'resolved', { source });
      } else {
        await this.store.updateEpisode(trx, open.id, { ends_at: endsAt, annotations, updated_at: now });
      }
      return;
    }
    if (resolved) return; // a resolution of something never seen firing: nothing to record or send
    const startsAt = Math.min(alert.startsAt ?? now, now);
    const row: AlertsTable = {
      id: newId(now),
      fingerprint,
      source,
      rule_group_id: null,
      rule_name: labels.alertname ?? '',
      rule_version: null,
      labels,
      annotations,
      state: 'firing',
      severity: severityOf(labels),
      value: null,
      active_at: startsAt,
      fired_at: startsAt,
      resolved_at: null,
      ends_at: endsAt,
      acknowledged_at: null,
      acknowledged_by: null,
      suppressed_by: null,
      notified: 0,
      updated_at: now,
    };
    if (await this.store.insertEpisode(trx, row)) await this.store.event(trx, row.id, now, 'firing', { source });
  }

  /** A PagerDuty Events v2-shaped event: trigger opens (or refreshes) the episode of its dedup key; the others act on it. */
  async event(event: IncomingEvent, ctx: ActionContext): Promise<EventAnswer> {
    const now = this.now();
    const dedupKey = event.dedupKey ?? newId(now);
    if (event.action === 'trigger' && !event.summary) {
      throw problems.validation('A trigger needs a summary.', [{ path: 'payload.summary', message: 'required for trigger' }]);
    }
    if (event.action !== 'trigger' && !event.dedupKey) {
      throw problems.validation(`An ${event.action} event needs the dedup_key of its trigger.`, [
        { path: 'dedup_key', message: 'required' },
      ]);
    }
    const answer = await withTransaction(this.store.db, async (trx) => {
      const open = await trx
        .selectFrom('alerts')
        .selectAll()
        .where('source', '=', 'events')
        .where('rule_name', '=', dedupKey)
        .where('state', '!=', 'resolved')
        .executeTakeFirst();
      if (event.action === 'trigger') {
        if (open) {
          await this.store.updateEpisode(trx, open.id, { annotations: eventAnnotations(event), updated_at: now });
          return { dedupKey, alertId: open.id };
        }
        const labels: Record<string, string> = { alertname: event.class || 'Event', dedup_key: dedupKey };
        if (event.source) labels.source = event.source;
        if (event.severity) labels.severity = event.severity;
        if (event.component) labels.component = event.component;
        if (event.group) labels.group = event.group;
        const at = Math.min(event.timestamp ?? now, now);
        const row: AlertsTable = {
          id: newId(now),
          fingerprint: labelsFingerprint(labels),
          source: 'events',
          rule_group_id: null,
          // An event's identity is its dedup key (a re-trigger may change its summary, not its labels).
          rule_name: dedupKey,
          rule_version: null,
          labels,
          annotations: eventAnnotations(event),
          state: 'firing',
          severity: severityOf(labels),
          value: null,
          active_at: at,
          fired_at: at,
          resolved_at: null,
          ends_at: null,
          acknowledged_at: null,
          acknowledged_by: null,
          suppressed_by: null,
          notified: 0,
          updated_at: now,
        };
        if (!(await this.store.insertEpisode(trx, row)))
          throw problems.conflict('An event with this dedup key started at the same moment; send it again.');
        await this.store.event(trx, row.id, now, 'firing', { source: 'events' }, ctx.actor.label);
        return { dedupKey, alertId: row.id };
      }
      if (!open) return { dedupKey, alertId: null };
      if (event.action === 'acknowledge') {
        if (open.acknowledged_at === null) {
          await this.store.updateEpisode(trx, open.id, { acknowledged_at: now, updated_at: now });
          await this.store.event(trx, open.id, now, 'acknowledged', { source: 'events' }, ctx.actor.label);
        }
      } else {
        await this.store.updateEpisode(trx, open.id, { state: 'resolved', resolved_at: now, updated_at: now });
        await this.store.event(trx, open.id, now, 'resolved', { source: 'events' }, ctx.actor.label);
      }
      return { dedupKey, alertId: open.id };
    });
    this.changed();
    return answer;
  }

  /** The open episode of an event's dedup key, if any. */
  async openEvent(dedupKey: string): Promise<string | undefined> {
    const row = await this.store.db
      .selectFrom('alerts')
      .select('id')
      .where('source', '=', 'events')
      .where('rule_name', '=', dedupKey)
      .where('state', '!=', 'resolved')
      .executeTakeFirst();
    return row?.id;
  }

  private async openEpisode(trx: Db, fingerprint: string) {
    const row = await trx
      .selectFrom('alerts')
      .selectAll()
      .where('fingerprint', '=', fingerprint)
      .where('state', '!=', 'resolved')
      .executeTakeFirst();
    return row ? presentEpisode(row) : undefined;
  }
}

function eventAnnotations(event: IncomingEvent): Record<string, string> {
  return {
    summary: event.summary ?? '',
    ...(event.details ? { details: JSON.stringify(event.details).slice(0, 10_000) } : {}),
  };
}

function labelProblems(labels: Labels, path: string) {
  const out: Array<{ path: string; message: string }> = [];
  if (!labels || typeof labels !== 'object') return [{ path, message: 'must be an object of strings' }];
  if (Object.keys(labels).length === 0) out.push({ path, message: 'an alert needs at least one label' });
  for (const [k, v] of Object.entries(labels)) {
    if (!LABEL_NAME.test(k)) out.push({ path: `${path}.${k}`, message: 'not a valid label name' });
    else if (typeof v !== 'string' || v === '') out.push({ path: `${path}.${k}`, message: 'must be a non-empty string' });
  }
  return out;
}
