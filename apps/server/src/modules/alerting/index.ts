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
// --- channels part (notification channels, delivery log, durable delivery) ---
import { type ChannelsPartOptions, createChannelsPart } from './channels/channels-part';
import type { NotificationQueue } from './channels/delivery.service';

export type { ChannelTables } from './channels/channels.tables';
export type { NotificationQueue } from './channels/delivery.service';
export type { Notification } from './channels/notification';
// --- end channels part ---

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
  // --- channels part ---
  /** What notification channels may reach beyond public addresses (ESTATE_CHANNELS_ALLOW: classes and CIDR ranges). */
  channelsAllow?: ChannelsPartOptions['allow'];
  /** Delivery tuning and test seams of the channels part. */
  channelDelivery?: ChannelsPartOptions['delivery'];
  // --- end channels part ---
}

export interface AlertingModule extends EstateModule {
  // --- channels part ---
  /** Durable notification delivery: the dispatcher calls `channels.enqueueWithin(trx, channelIds, notification)`. */
  channels: NotificationQueue;
  // --- end channels part ---
}

export function createAlertingModule(options: AlertingModuleOptions): AlertingModule {
  // --- channels part ---
  const channelsPart = createChannelsPart({
    db: options.db,
    audit: options.audit,
    secretBox: options.secretBox,
    publicUrl: options.publicUrl,
    allow: options.channelsAllow,
    now: options.now,
    delivery: options.channelDelivery,
  });
  // --- end channels part ---
  return {
    name: 'alerting',
    channels: channelsPart.queue,
    routes(http) {
      channelsPart.routes(http);
    },
    jobs(worker) {
      channelsPart.jobs(worker);
    },
    schedules(scheduler) {
      channelsPart.schedules(scheduler);
    },
  };
}
