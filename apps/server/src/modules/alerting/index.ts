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
// --- suppression part (silences, maintenance windows, routing configuration) ---
import { createSuppressionPart, type SuppressionService } from './suppression';

// --- end suppression part ---

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

export interface AlertingModule extends EstateModule {
  // --- suppression part ---
  /** Silences, maintenance windows and the routing configuration, for the dispatcher and other parts. */
  readonly suppression: SuppressionService;
  // --- end suppression part ---
}

export function createAlertingModule(options: AlertingModuleOptions): AlertingModule {
  // --- suppression part ---
  const suppression = createSuppressionPart({ db: options.db, audit: options.audit, now: options.now });
  // --- end suppression part ---
  return {
    name: 'alerting',
    // --- suppression part ---
    suppression: suppression.service,
    // --- end suppression part ---
    routes(http) {
      // --- suppression part ---
      suppression.routes(http);
      // --- end suppression part ---
    },
  };
}
