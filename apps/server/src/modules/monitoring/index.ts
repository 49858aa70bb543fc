/*
 * Monitoring: checks of every type, run on their intervals by one scheduler per worker process, their results
 * recorded as state, a bounded ring of last results, state history (uptime) and series in the metric store
 * (`estate_check_up`, `estate_check_duration_seconds`); state changes are published as `check.state.changed`.
 * Other modules use it through this file only.
 */

import type { CheckNetworkPolicy, SnmpCredentialResolver } from '@estate/checks';
import { builtInCheckTypes, CheckTypeRegistry } from '@estate/checks';
import type { Kysely } from 'kysely';
import type { Registry } from 'prom-client';
import type { AuditLog } from '../../platform/audit/audit-log';
import type { SecretBox } from '../../platform/crypto/secret-box';
import type { Dialect } from '../../platform/db/database';
import type { EstateModule } from '../../platform/module/estate-module';
import type { ObservedServicesReader } from '../discovery';
import type { MetricSample } from '../metrics';
import { AgentCheckService } from './agent-check.service';
import { registerCheckRoutes } from './check.routes';
import { CheckService } from './check.service';
import { registerCheckBulkRoutes } from './check-bulk.routes';
import { CheckBulkService } from './check-bulk.service';
import { CheckReads } from './check-reads';
import { CheckRunner } from './check-runner';
import { registerCheckEventRoutes } from './live/check-events.routes';
import { CheckStatusRepository } from './live/check-status.repository';
import { CheckStatusFeed, type CheckStatusFeedOptions } from './live/check-status-feed';
import type { MonitoringTables } from './monitoring.tables';
import { registerMonitoringMetrics } from './monitoring-metrics';
import { registerPushRoutes } from './push.routes';
import { PushService } from './push.service';
import { ShardLeases } from './shards/shard-leases';
import { CheckRecorder } from './state/check-recorder';
import { registerCheckSuggestionRoutes } from './suggestions/check-suggestion.routes';
import { CheckSuggestionService } from './suggestions/check-suggestion.service';

export type { SnmpAuth, SnmpCredentialResolver } from '@estate/checks';
export { checkNetworkPolicyAllowing } from '@estate/checks';
export type { AgentCheckService } from './agent-check.service';
export type { CurrentCheckState } from './check-reads';
export type { MonitoringTables } from './monitoring.tables';
export { dailyUptime, lastDaysFrom, type StateChangeAt } from './state/uptime';

/** How often agent-side checks are swept for silent agents. */
const AGENT_SWEEP_EVERY_MS = 30_000;

/** What the monitoring module is built from. */
export interface MonitoringModuleOptions {
  // biome-ignore lint/suspicious/noExplicitAny: the shared store, narrowed to this module's tables here.
  db: Kysely<any>;
  audit: AuditLog;
  secretBox: SecretBox;
  /** Where check results go as series (the metrics module's store); absent: none. */
  appendSamples?: (samples: MetricSample[]) => Promise<unknown>;
  /** The outbound policy checks obey (default: private and loopback yes, link-local and metadata no). */
  networkPolicy?: CheckNetworkPolicy;
  /** Looks up a stored SNMP credential (discovery's) for SNMP checks that name one; absent: they cannot. */
  snmpCredentials?: SnmpCredentialResolver;
  /** Estate's own Prometheus registry, for the scheduler's and recorder's figures. */
  registry?: Registry;
  /**
   * `postgres`: any number of worker processes share the checks through leased shards; `sqlite` (one process):
   * every check runs in this one. Default sqlite.
   */
  dialect?: Dialect;
  /** The runner's timings (tests). */
  runner?: { pollEveryMs?: number; flushEveryMs?: number; fullSyncEveryMs?: number };
  /** What discovery saw of a CI, for check suggestions; absent: none are suggested. */
  observedServices?: ObservedServicesReader;
  /** The live feed's timer and limits (tests). */
  feed?: CheckStatusFeedOptions;
}

export interface MonitoringModule extends EstateModule {
  readonly checks: CheckService;
  /** What checks' runs left: last results, state history, uptime. */
  readonly reads: CheckReads;
  readonly bulk: CheckBulkService;
  /** Check status changes for the open checks lists (`GET /api/v1/checks/events`). */
  readonly feed: CheckStatusFeed;
  readonly push: PushService;
  /** Agent-side checks: the lists agents fetch, the results they deliver, the sweep for silent agents. */
  readonly agentChecks: AgentCheckService;
  readonly registry: CheckTypeRegistry;
  /** The runner of this process once the worker role started it. */
  readonly runner: CheckRunner | undefined;
}

export function createMonitoringModule(options: MonitoringModuleOptions): MonitoringModule {
  const db = options.db as Kysely<MonitoringTables>;
  const registry = new CheckTypeRegistry(builtInCheckTypes(options.networkPolicy, options.snmpCredentials));
  const recorder = new CheckRecorder(db, options.appendSamples);
  const push = new PushService(db, registry, recorder);
  const agentChecks = new AgentCheckService(db, recorder, options.secretBox);
  let runner: CheckRunner | undefined;
  if (options.registry) registerMonitoringMetrics(options.registry, () => runner, recorder);
  let feed: CheckStatusFeed | undefined;
  const changed = (ids: readonly string[]) => {
    runner?.changed(ids);
    feed?.checksChanged();
  };
  const checks = new CheckService({ db, audit: options.audit, secretBox: options.secretBox, registry, recorder, changed });
  const reads = new CheckReads(db, checks.repo);
  const bulk = new CheckBulkService({ db, audit: options.audit, checks, recorder, changed });
  feed = new CheckStatusFeed(new CheckStatusRepository(db, () => checks.summary()), options.feed);
  const suggestions = new CheckSuggestionService({ db, registry, observed: options.observedServices });
  return {
    name: 'monitoring',
    checks,
    reads,
    bulk,
    feed,
    push,
    agentChecks,
    registry,
    get runner() {
      return runner;
    },
    routes(http) {
      registerCheckEventRoutes(http, feed);
      registerCheckBulkRoutes(http, bulk);
      registerCheckRoutes(http, checks, reads);
      registerCheckSuggestionRoutes(http, suggestions);
      registerPushRoutes(http, push);
    },
    schedules(scheduler) {
      scheduler.every('monitoring.agent-checks-sweep', AGENT_SWEEP_EVERY_MS, async () => void (await agentChecks.sweep()));
    },
    work(logger) {
      const started = new CheckRunner({
        repo: checks.repo,
        registry,
        secretBox: options.secretBox,
        recorder,
        logger,
        sweepPush: () => push.sweep(),
        shards: options.dialect === 'postgres' ? new ShardLeases({ db, dialect: 'postgres' }) : undefined,
        ...options.runner,
      });
      runner = started;
      return {
        start: () => started.start(),
        stop: async () => {
          await started.stop();
          runner = undefined;
        },
      };
    },
    async close() {
      feed.close();
      await recorder.flush().catch(() => undefined);
    },
  };
}
