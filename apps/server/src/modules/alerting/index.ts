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
import type { EstateModule } from '../../platform/module/estate-module';
// --- on-call part (oncall helper) ---
import { createOnCallPart, type EscalationService } from './oncall/oncall-part';

// --- end on-call part ---

export {
  formatPromtoolReport,
  type PromtoolFileResult,
  runPromtoolTestFile,
} from './rules';

/** What the alerting module is built from. */
export interface AlertingModuleOptions {
  // biome-ignore lint/suspicious/noExplicitAny: the shared store, narrowed to this module's tables where used.
  db: Kysely<any>;
  dialect: Dialect;
  audit: AuditLog;
  secretBox: SecretBox;
  /** Estate's public URL (links in messages, iCalendar feeds); absent: links are relative. */
  publicUrl?: string;
  /** The clock (tests). */
  now?: () => number;
}

// --- on-call part (oncall helper) ---
export type { EscalationAlertSummary, EscalationService, OnCallNotice, OnCallNotify } from './oncall/oncall-part';
// --- end on-call part ---

export interface AlertingModule extends EstateModule {
  // --- on-call part (oncall helper) ---
  /** The escalation runtime: start / acknowledge / resolve an incident's escalation (in the caller's transaction). */
  oncall: EscalationService;
  // --- end on-call part ---
}

export function createAlertingModule(options: AlertingModuleOptions): AlertingModule {
  // --- on-call part (oncall helper) ---
  // TODO(lead): pass `notify` (escalation pages and handoff notices) wired to channel delivery.
  const onCall = createOnCallPart({
    db: options.db,
    dialect: options.dialect,
    audit: options.audit,
    publicUrl: options.publicUrl,
    now: options.now,
  });
  // --- end on-call part ---
  return {
    name: 'alerting',
    oncall: onCall.escalations,
    routes(http) {
      onCall.routes(http);
    },
    schedules(scheduler) {
      onCall.schedules(scheduler);
    },
  };
}
