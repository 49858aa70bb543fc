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
import type { PromqlBackend } from '../metrics';
import type { CurrentCheckState } from '../monitoring';
import { AlertEngine, type RoutingSource } from './alerts/alert-engine';
import { AlertStore } from './alerts/alert-store';
import { registerAlertRoutes } from './alerts/alerts.routes';
import { AlertsService } from './alerts/alerts.service';
import type { AlertTables } from './alerts/alerts.tables';
import { ExternalAlerts } from './alerts/external-alerts';
import { RuleGroupService } from './alerts/rule-groups.service';
import { checkStateSource, DEFAULT_RULES_YAML, promqlQuery } from './alerts/sources';
import { maintenanceSuppressor, suppressionRouting } from './alerts/suppression-source';
import { createOnCallPart, type EscalationService } from './oncall/oncall-part';
import { createSuppressionPart, type SuppressionService } from './suppression';

export type { AlertTables } from './alerts/alerts.tables';
export type { EscalationAlertSummary, EscalationService, OnCallNotice, OnCallNotify } from './oncall/oncall-part';
export {
  formatPromtoolReport,
  type PromtoolFileResult,
  runPromtoolTestFile,
} from './rules';

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
  /** The checks' current states, for check-state rules (the monitoring module's). */
  checkStates?: () => Promise<readonly CurrentCheckState[]>;
  /** Estate's public URL (links in messages, iCalendar feeds); absent: links are relative. */
  publicUrl?: string;
  /** The clock (tests). */
  now?: () => number;
  /** The engine's cycle period, ms (tests). */
  cycleEveryMs?: number;
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
  /** Silences, maintenance windows and the routing configuration. */
  readonly suppression: SuppressionService;
  /** Creates Estate's starter rules on a fresh store (once: deleting them later is respected). */
  seedDefaults(ctx: Parameters<RuleGroupService['create']>[2]): Promise<void>;
}

export function createAlertingModule(options: AlertingModuleOptions): AlertingModule {
  const db = options.db as Kysely<AlertTables>;
  const now = options.now ?? Date.now;
  const store = new AlertStore(db, options.dialect);
  let engine: AlertEngine | undefined;
  const ruleGroups = new RuleGroupService(db, options.audit, now, () => engine?.groupsChanged());
  const alerts = new AlertsService(store, ruleGroups, options.audit, now, {
    acknowledged: () => engine?.acknowledgementsChanged(),
  });
  const external = new ExternalAlerts(store, now);
  const suppression = createSuppressionPart({ db: options.db, audit: options.audit, now });
  const routing: RoutingSource = suppressionRouting(suppression.service);
  const maintenance = maintenanceSuppressor(suppression.service);
  engine = new AlertEngine({
    store,
    query: promqlQuery(options.promql),
    checkStates: checkStateSource(options.checkStates),
    routing,
    suppressors: [maintenance],
    beforeCycle: (at) => maintenance.refresh(at),
    now,
    processName: newId(),
    ...(options.publicUrl ? { externalUrl: options.publicUrl } : {}),
  });
  const running = engine;
  // TODO(lead): escalation pages and handoff notices to channel delivery.
  const onCall = createOnCallPart({
    db: options.db,
    dialect: options.dialect,
    audit: options.audit,
    publicUrl: options.publicUrl,
    now: options.now,
  });
  return {
    name: 'alerting',
    alerts,
    ruleGroups,
    external,
    engine: running,
    oncall: onCall.escalations,
    suppression: suppression.service,
    async seedDefaults(ctx) {
      const seeded = await store.loadState<boolean>('seeded');
      if (seeded) return;
      const existing = await ruleGroups.list();
      if (existing.length === 0) await ruleGroups.create(DEFAULT_RULES_YAML, true, ctx);
      await store.saveState(db, 'seeded', true, now());
    },
    routes(http) {
      registerAlertRoutes(http, alerts, ruleGroups);
      onCall.routes(http);
      suppression.routes(http);
    },
    schedules(scheduler) {
      onCall.schedules(scheduler);
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
