/*
 * The notification channels part of the alerting module: stored channels and their routes, the delivery log, and
 * the durable delivery job. The dispatcher hands it notifications through `delivery.enqueueWithin`.
 */

import type { DestinationClass } from '@estate/checks';
import type { Kysely } from 'kysely';
import type { AuditLog } from '../../../platform/audit/audit-log';
import type { SecretBox } from '../../../platform/crypto/secret-box';
import type { HttpServer } from '../../../platform/http/http-server';
import type { JobWorker } from '../../../platform/jobs';
import type { ScheduleRegistry } from '../../../platform/scheduler/scheduler';
import { registerChannelRoutes } from './channel.routes';
import { ChannelService } from './channel.service';
import type { ChannelTables } from './channels.tables';
import { DeliveryJob, type DeliveryJobDeps } from './delivery.job';
import { DELIVERY_QUEUE, type DeliveryJobPayload, DeliveryService, type NotificationQueue } from './delivery.service';
import { type ChannelNetworkPolicy, channelNetworkPolicy } from './outbound-http';

/** What the channels part is built from. */
export interface ChannelsPartOptions {
  // biome-ignore lint/suspicious/noExplicitAny: the shared store, narrowed to this part's tables.
  db: Kysely<any>;
  audit: AuditLog;
  secretBox: SecretBox;
  publicUrl?: string;
  /** What the administrator lets channels reach beyond public addresses (ESTATE_CHANNELS_ALLOW). */
  allow?: { classes?: readonly DestinationClass[]; ranges?: readonly string[] };
  /** The outbound policy itself (tests with their own resolver); wins over `allow`. */
  policy?: ChannelNetworkPolicy;
  now?: () => number;
  /** Days finished deliveries stay in the log (default {@link DEFAULT_LOG_RETENTION_DAYS}). */
  logRetentionDays?: number;
  /** Delivery tuning and seams (tests): retry policy, jitter, a crash after sending. */
  delivery?: Pick<DeliveryJobDeps, 'retry' | 'random' | 'afterSend'>;
}

/** The channels part: routes, the delivery job, and the queue the dispatcher writes to. */
export interface ChannelsPart {
  channels: ChannelService;
  deliveries: DeliveryService;
  /** The service the dispatcher calls. */
  queue: NotificationQueue;
  job: DeliveryJob;
  routes(http: HttpServer): void;
  jobs(worker: JobWorker): void;
  schedules(scheduler: ScheduleRegistry): void;
}

/** Days a finished delivery stays in the log by default. */
export const DEFAULT_LOG_RETENTION_DAYS = 30;

/** Builds the channels part. */
export function createChannelsPart(options: ChannelsPartOptions): ChannelsPart {
  const db = options.db as Kysely<ChannelTables>;
  const policy = options.policy ?? channelNetworkPolicy(options.allow ?? {});
  const channels = new ChannelService({
    db,
    audit: options.audit,
    secretBox: options.secretBox,
    policy,
    publicUrl: options.publicUrl,
    now: options.now,
  });
  const deliveries = new DeliveryService({ db, now: options.now });
  const job = new DeliveryJob({ db, secretBox: options.secretBox, policy, now: options.now, ...options.delivery });
  return {
    channels,
    deliveries,
    queue: deliveries,
    job,
    routes(http) {
      registerChannelRoutes(http, channels, deliveries);
    },
    schedules(scheduler) {
      const keepMs = (options.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS) * 86_400_000;
      scheduler.every('alerting.notification-log-prune', 3_600_000, (now) => deliveries.prune(now - keepMs));
    },
    jobs(worker) {
      worker.handle<DeliveryJobPayload>(DELIVERY_QUEUE, (ctx) => job.run(ctx), {
        onGiveUp: (payload, error, ctx) => job.giveUp(payload, error, ctx),
      });
    },
  };
}
