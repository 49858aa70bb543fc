/*
 * The on-call part of the alerting module: stored schedules and escalation policies with their routes, calendar
 * feeds, and the escalation runtime ticking in the scheduler process.
 */
import type { Kysely } from 'kysely';
import type { AuditLog } from '../../../platform/audit/audit-log';
import type { Dialect } from '../../../platform/db/database';
import type { HttpServer } from '../../../platform/http/http-server';
import type { ScheduleRegistry } from '../../../platform/scheduler/scheduler';
import { registerCalendarFeedRoutes } from './calendar-feed.routes';
import { CalendarFeedService } from './calendar-feed.service';
import { createEscalationRuntime, type EscalationService, type OnCallNotify } from './escalation.runtime';
import { EscalationPolicyService } from './escalation-policy.service';
import { OnCallRepository } from './oncall.repository';
import { registerEscalationPolicyRoutes, registerScheduleRoutes } from './oncall.routes';
import type { OnCallTables } from './oncall.tables';
import { ScheduleService } from './schedule.service';

export type { EscalationAlertSummary, EscalationService, OnCallNotice, OnCallNotify } from './escalation.runtime';

/** How often the escalation runtime ticks: pages are at most this late. */
export const ONCALL_TICK_MS = 15_000;

export interface OnCallPartOptions {
  // biome-ignore lint/suspicious/noExplicitAny: the shared store, narrowed to the on-call tables here.
  db: Kysely<any>;
  dialect: Dialect;
  audit: AuditLog;
  publicUrl?: string;
  now?: () => number;
  /** Delivers escalation pages and handoff notices; absent: they are dropped (the lead wires channel delivery). */
  notify?: OnCallNotify;
}

export interface OnCallPart {
  /** The escalation runtime: start, acknowledge, resolve, tick. */
  escalations: EscalationService;
  scheduleService: ScheduleService;
  policyService: EscalationPolicyService;
  feedService: CalendarFeedService;
  routes(http: HttpServer): void;
  /** Registers the runtime's tick, `alerting.oncall-tick`, every {@link ONCALL_TICK_MS}. */
  schedules(scheduler: ScheduleRegistry): void;
}

/** Builds the on-call part. */
export function createOnCallPart(options: OnCallPartOptions): OnCallPart {
  const now = options.now ?? Date.now;
  const repo = new OnCallRepository(options.db as Kysely<OnCallTables>, options.dialect);
  const schedules = new ScheduleService({ repo, audit: options.audit, now });
  const policies = new EscalationPolicyService({ repo, audit: options.audit, now });
  const feeds = new CalendarFeedService({ repo, audit: options.audit, now, publicUrl: options.publicUrl });
  const escalations = createEscalationRuntime({ repo, now, notify: options.notify ?? (async () => {}) });
  return {
    escalations,
    scheduleService: schedules,
    policyService: policies,
    feedService: feeds,
    routes(http) {
      registerScheduleRoutes(http, schedules, feeds);
      registerEscalationPolicyRoutes(http, policies);
      registerCalendarFeedRoutes(http, feeds);
    },
    schedules(scheduler) {
      scheduler.every('alerting.oncall-tick', ONCALL_TICK_MS, async (at) => escalations.tick(at));
    },
  };
}
