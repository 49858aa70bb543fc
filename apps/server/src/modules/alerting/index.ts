/*
 * The alerting module (issue 15, ADR 0024): alert rules and the alerts they raise, routing with silences,
 * inhibition, maintenance windows and dependency suppression, notification channels with durable delivery, and
 * on-call schedules with escalation. The pure libraries live in rules/, routing/, oncall/ and channels/; this file
 * wires their storage, routes, jobs and periodic work. Other modules use it through this file only.
 */

import type { Kysely } from 'kysely';
import type { AuditLog } from '../../platform/audit/audit-log';
import type { SecretBox } from '../../platform/crypto/secret-box';
import type { Dialect } from '../../platform/db/database';
import { newId } from '../../platform/ids';
import type { EstateModule } from '../../platform/module/estate-module';
import type { DependencyGraph } from '../inventory';
import type { MetricSample, PromqlBackend } from '../metrics';
import type { CurrentCheckState } from '../monitoring';
import { AlertEngine, type RoutingSource } from './alerts/alert-engine';
import { AlertStore } from './alerts/alert-store';
import { registerAlertRoutes } from './alerts/alerts.routes';
import { AlertsService } from './alerts/alerts.service';
import type { AlertTables } from './alerts/alerts.tables';
import { DependencySuppressor } from './alerts/dependency-suppressor';
import { ExternalAlerts } from './alerts/external-alerts';
import { Notifier } from './alerts/notifier';
import { RuleGroupService } from './alerts/rule-groups.service';
import { checkStateSource, DEFAULT_RULES_YAML, promqlQuery } from './alerts/sources';
import { maintenanceSuppressor, suppressionRouting } from './alerts/suppression-source';
import { backtestRuleGroup } from './backtest/backtest';
import { createInlineChannelImport } from './channels/am-import/inline-channel-import';
import { type ChannelsPartOptions, createChannelsPart } from './channels/channels-part';
import type { NotificationQueue } from './channels/delivery.service';
import { registerIngestRoutes } from './ingest/ingest.routes';
import { type ActionLinksService, createActionLinksPart } from './links';
import { createOnCallPart, type EscalationService } from './oncall/oncall-part';
import { createSuppressionPart, type SuppressionService } from './suppression';

export type { AlertTables } from './alerts/alerts.tables';
export type { ChannelTables } from './channels/channels.tables';
export type { NotificationQueue } from './channels/delivery.service';
export type { Notification } from './channels/notification';
export type { EscalationAlertSummary, EscalationService, OnCallNotice, OnCallNotify } from './oncall/oncall-part';
export {
  formatPromtoolReport,
  type PromtoolFileResult,
  runPromtoolTestFile,
} from './rules';
export { covers, type MaintenanceSubject, type MaintenanceWindowSpans, type SuppressionService } from './suppression';

/** How often the engine looks for due rule groups and flushes (ms). */
const CYCLE_EVERY_MS = 1_000;

/** What the alerting module is built from. */
export interface AlertingModuleOptions {
  // biome-ignore lint/suspicious/noExplicitAny: the shared store, narrowed to this module's tables where used.
  db: Kysely<any>;
  dialect: Dialect;
  audit: AuditLog;
  secretBox: SecretBox;
  /** PromQL for alerting rules (the metrics module's); absent: PromQL rules fail with a clear error. */
  promql?: PromqlBackend;
  /** Where rule output goes as series (ALERTS, ALERTS_FOR_STATE, recording rules): the metrics module's store. */
  appendSamples?: (samples: MetricSample[]) => Promise<unknown>;
  /** The checks' current states, for check-state rules (the monitoring module's). */
  checkStates?: () => Promise<readonly CurrentCheckState[]>;
  /** The inventory's dependency graph, for dependency suppression; absent: none. */
  dependencyGraph?: () => Promise<DependencyGraph>;
  /** Runs checks now (a provider re-checked before its dependant is paged); absent: providers are only waited for. */
  recheck?: (checkIds: readonly string[]) => void;
  /** Estate's public URL (links in messages, iCalendar feeds); absent: links are relative. */
  publicUrl?: string;
  /** The clock (tests). */
  now?: () => number;
  /** The engine's cycle period, ms (tests). */
  cycleEveryMs?: number;
  /** What notification channels may reach beyond public addresses (ESTATE_CHANNELS_ALLOW: classes and CIDR ranges). */
  channelsAllow?: ChannelsPartOptions['allow'];
  /** Delivery tuning and test seams of the channels part. */
  channelDelivery?: ChannelsPartOptions['delivery'];
}

export interface AlertingModule extends EstateModule {
  readonly alerts: AlertsService;
  readonly ruleGroups: RuleGroupService;
  /** Alerts sent in from outside (Alertmanager's shape, PagerDuty-style events). */
  readonly external: ExternalAlerts;
  /** The evaluation and dispatch engine; it works only where the worker role runs, one process at a time. */
  readonly engine: AlertEngine;
  /** On-call: the escalation runtime (start / acknowledge / resolve an incident's escalation, in the caller's transaction). */
  readonly oncall: EscalationService;
  /** Durable notification delivery: `channels.enqueueWithin(trx, channelIds, notification)`. */
  readonly channels: NotificationQueue;
  /** Silences, maintenance windows and the routing configuration. */
  readonly suppression: SuppressionService;
  /** Signed acknowledge/resolve links in messages (mint, describe, use once). */
  readonly actionLinks: ActionLinksService;
  /** Creates Estate's starter rules on a fresh store (once: deleting them later is respected). */
  seedDefaults(ctx: Parameters<RuleGroupService['create']>[2]): Promise<void>;
}

/** Rule output as metric samples at the evaluation time; series a rule stopped returning get a stale marker. */
function seriesWriter(append: (samples: MetricSample[]) => Promise<unknown>) {
  return async (
    t: number,
    samples: readonly { labels: Record<string, string>; value: number }[],
    stale: readonly Record<string, string>[],
  ) => {
    const out: MetricSample[] = samples.map((s) => ({ labels: s.labels, t, v: s.value }));
    for (const labels of stale) out.push({ labels, t, v: Number.NaN, stale: true });
    if (out.length > 0) await append(out);
  };
}

export function createAlertingModule(options: AlertingModuleOptions): AlertingModule {
  const db = options.db as Kysely<AlertTables>;
  const now = options.now ?? Date.now;
  const store = new AlertStore(db, options.dialect);
  let engine: AlertEngine | undefined;
  const ruleGroups = new RuleGroupService(db, options.audit, now, () => engine?.groupsChanged());
  // Acknowledging an alert stops the escalations of the incidents it was notified in (set once on-call exists).
  let escalations: EscalationService | undefined;
  const alerts = new AlertsService(store, ruleGroups, options.audit, now, {
    acknowledged: async (alert) => {
      engine?.acknowledgementsChanged();
      // No user when acknowledged through a signed link in a message: the escalation stops all the same.
      const by = alert.acknowledgedBy;
      if (!escalations) return;
      const running = escalations;
      await db.transaction().execute(async (trx) => {
        for (const key of await store.incidentKeys(trx, alert.id)) await running.acknowledge(trx, key, by);
      });
    },
  });
  const external = new ExternalAlerts(store, now);
  // A pasted receiver's inline integrations become stored channels when the routing configuration is saved.
  const inlineChannels = createInlineChannelImport({ secretBox: options.secretBox, audit: options.audit, now });
  const suppression = createSuppressionPart({ db: options.db, audit: options.audit, now, inlineChannels });
  const routing: RoutingSource = suppressionRouting(suppression.service);
  const channelsPart = createChannelsPart({
    db: options.db,
    audit: options.audit,
    secretBox: options.secretBox,
    publicUrl: options.publicUrl,
    allow: options.channelsAllow,
    now: options.now,
    delivery: options.channelDelivery,
  });
  const maintenance = maintenanceSuppressor(suppression.service);
  const readChecks = options.checkStates;
  const dependencies =
    options.dependencyGraph && readChecks
      ? new DependencySuppressor({ graph: options.dependencyGraph, checks: readChecks, recheck: options.recheck })
      : undefined;
  // Escalation pages and handoff notices go out through the channels; the notifier decides which.
  let notifier: Notifier | undefined;
  const onCall = createOnCallPart({
    db: options.db,
    dialect: options.dialect,
    audit: options.audit,
    publicUrl: options.publicUrl,
    now: options.now,
    notify: (trx, notice) => (notifier as Notifier).onCall(trx, notice),
  });
  escalations = onCall.escalations;
  // --- action links (signed acknowledge/resolve links in messages; links/) ---
  const actionLinks = createActionLinksPart({ db: options.db, secretBox: options.secretBox, alerts, now: options.now });
  // --- end action links ---
  notifier = new Notifier({
    queue: channelsPart.queue,
    escalations: onCall.escalations,
    publicUrl: options.publicUrl ?? '',
    ...(dependencies ? { impacted: (labels) => dependencies.impacted(labels) } : {}),
    mintLink: actionLinks.mint,
  });
  engine = new AlertEngine({
    store,
    query: promqlQuery(options.promql),
    checkStates: checkStateSource(options.checkStates),
    ...(options.appendSamples ? { appendSamples: seriesWriter(options.appendSamples) } : {}),
    routing,
    suppressors: dependencies ? [maintenance, dependencies] : [maintenance],
    notify: (trx, notification, config) => (notifier as Notifier).route(trx, notification, config),
    beforeCycle: async (at) => {
      await maintenance.refresh(at);
      await dependencies?.refresh(at);
    },
    now,
    processName: newId(),
    ...(options.publicUrl ? { externalUrl: options.publicUrl } : {}),
  });
  const running = engine;
  return {
    name: 'alerting',
    alerts,
    ruleGroups,
    external,
    engine: running,
    oncall: onCall.escalations,
    channels: channelsPart.queue,
    suppression: suppression.service,
    actionLinks: actionLinks.service,
    async seedDefaults(ctx) {
      const seeded = await store.loadState<boolean>('seeded');
      if (seeded) return;
      const existing = await ruleGroups.list();
      if (existing.length === 0) await ruleGroups.create(DEFAULT_RULES_YAML, true, ctx);
      await store.saveState(db, 'seeded', true, now());
    },
    routes(http) {
      // --- backtest (rule editor: how often a group would have fired; backtest/) ---
      const backtestDeps = { db: options.db, query: promqlQuery(options.promql), now };
      registerAlertRoutes(http, alerts, ruleGroups, (request) => backtestRuleGroup(backtestDeps, request));
      // --- end backtest ---
      onCall.routes(http);
      suppression.routes(http);
      channelsPart.routes(http);
      // Integrations in: Alertmanager's API v2 and webhook, PagerDuty-style events (ingest/).
      registerIngestRoutes(http, external, alerts, now);
      actionLinks.routes(http);
    },
    jobs(worker) {
      channelsPart.jobs(worker);
    },
    schedules(scheduler) {
      onCall.schedules(scheduler);
      channelsPart.schedules(scheduler);
      actionLinks.schedules(scheduler);
    },
    subscriptions(bus) {
      // A check changed state: evaluate check-state rules now rather than at their next slot.
      bus.subscribe('alerting.check-state', 'check.state.changed', async () => running.poke());
    },
    work(logger) {
      let timer: NodeJS.Timeout | undefined;
      let cycling: Promise<unknown> = Promise.resolve();
      const every = options.cycleEveryMs ?? CYCLE_EVERY_MS;
      const loop = () => {
        cycling = cycling
          .then(() => running.cycle())
          .catch((err) => logger.warn({ err }, 'alerting: cycle failed'))
          .finally(() => {
            if (timer !== undefined) timer = setTimeout(loop, every).unref();
          });
      };
      return {
        start: async () => {
          timer = setTimeout(loop, 0).unref();
        },
        stop: async () => {
          clearTimeout(timer);
          timer = undefined;
          await cycling;
          await running.stop();
        },
      };
    },
  };
}
