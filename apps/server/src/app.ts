import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import pino, { type Logger } from 'pino';
import { migrationsFor } from './migrations';
import { type AgentsModule, createAgentsModule } from './modules/agents';
import { type AlertingModule, createAlertingModule } from './modules/alerting';
import { createAuditModule } from './modules/audit';
import { type AuthModule, createAuthModule } from './modules/auth';
import { createDiscoveryModule, type DiscoveryModule } from './modules/discovery';
import { createInventoryModule, type InventoryModule, readDependencyGraph } from './modules/inventory';
import { createMetricsModule, type MetricsModule } from './modules/metrics';
import { checkNetworkPolicyAllowing, createMonitoringModule, type MonitoringModule } from './modules/monitoring';
import { createStatusModule, type StatusModule } from './modules/status';
import { AuditLog } from './platform/audit/audit-log';
import { channelsAllowOf } from './platform/config/channels-allow';
import { checksAllowOf } from './platform/config/checks-allow';
import type { Config } from './platform/config/config';
import { metricsBackendOf } from './platform/config/metrics-backend';
import { SecretBox } from './platform/crypto/secret-box';
import { type Database, openDatabase } from './platform/db/database';
import { migrateToLatest } from './platform/db/migrate';
import { EventBus } from './platform/events';
import { createHttpServer, type HttpServer } from './platform/http/http-server';
import type { EstateModule } from './platform/module/estate-module';
import { consoleDestination, type LogFormat, wantsPrettyLogs } from './platform/observability/log-format';
import { createMetrics } from './platform/observability/metrics';
import { registerSystemRoutes } from './platform/observability/system.routes';

/** The product version, from the root package.json. */
export const VERSION: string = (() => {
  try {
    return JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')).version;
  } catch {
    return '0.0.0';
  }
})();

/** A wired Estate process: its store, services and HTTP server. `close()` releases everything. */
export interface Estate {
  config: Config;
  database: Database;
  audit: AuditLog;
  auth: AuthModule;
  inventory: InventoryModule;
  discovery: DiscoveryModule;
  metrics: MetricsModule;
  /** Host agents: enrollment, signed reports, administration, housekeeping. */
  agents: AgentsModule;
  monitoring: MonitoringModule;
  alerting: AlertingModule;
  /** Status pages over checks, the inventory graph and maintenance windows. */
  status: StatusModule;
  /** Every module, each built once, in the order their routes were registered; `serve` starts their other parts. */
  modules: readonly EstateModule[];
  /** Where modules subscribe to events; delivery runs in processes with the worker role. */
  bus: EventBus;
  http: HttpServer;
  logger: Logger;
  close(): Promise<void>;
}

/**
 * Creates the process logger; secrets in headers and bodies are redacted, whatever the level. Lines go to
 * `destination` as JSON when one is given (tests capture them there); else to stdout, as human-readable lines when
 * `format` asks for them (`auto`: when stdout is a terminal), as JSON lines otherwise.
 */
export function createLogger(level: Config['logLevel'], destination?: pino.DestinationStream, format: LogFormat = 'json'): Logger {
  const options: pino.LoggerOptions = {
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        '*.password',
        '*.newPassword',
        '*.currentPassword',
        '*.token',
        // SNMP secrets (discovery credentials), wherever a body or an error carries them.
        '*.community',
        '*.authKey',
        '*.privKey',
        '*.*.community',
        '*.*.authKey',
        '*.*.privKey',
      ],
      censor: '[redacted]',
    },
  };
  if (destination) return pino(options, destination);
  // Synchronous, as process.stdout is for files and pipes on Linux: lines come out in the order they were written,
  // interleaved rightly with what start prints itself (the banner last). One line per API request keeps this cheap.
  return wantsPrettyLogs(format)
    ? pino(options, consoleDestination(process.stdout))
    : pino(options, pino.destination({ dest: 1, sync: true }));
}

/** Opens the store named by the configuration. */
export function openStore(config: Config): Promise<Database> {
  return openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
}

/** Applies pending migrations; returns the names applied. */
export function migrate(database: Database): Promise<string[]> {
  return migrateToLatest(database, migrationsFor(database.dialect));
}

/** Who re-checks a provider before its dependant's alert is sent. */
const SYSTEM_RECHECK = { actor: { type: 'system' as const, id: null, label: 'dependency re-check' }, requestId: null, sourceIp: null };

/**
 * Wires a whole Estate process over an open, migrated store: builds each module once (the only place modules are
 * wired to each other), then the HTTP server with every module's routes. Job handlers, subscriptions and periodic
 * work are started by `serve` according to the process role. Nothing listens until the caller calls `http.listen`.
 */
export async function createEstate(config: Config, database: Database, options: { logger?: Logger | false } = {}): Promise<Estate> {
  const logger =
    options.logger === undefined ? createLogger(config.logLevel, undefined, config.logFormat) : options.logger || createLogger('silent');
  const audit = new AuditLog(database);
  const bus = new EventBus();
  const secretBox = SecretBox.fromKeyFile(config.secretKeyFile);
  const store = { db: database.db, dialect: database.dialect, audit };
  const auth = createAuthModule({
    ...store,
    secretBox,
    changes: database.changes,
    policy: {
      idleMs: config.sessionIdleMinutes * 60_000,
      absoluteMs: config.sessionAbsoluteHours * 3_600_000,
      requireAdminMfa: config.requireAdminMfa,
    },
    http: { sessionMaxAgeMs: config.sessionAbsoluteHours * 3_600_000, publicUrl: config.publicUrl },
  });
  const inventory = createInventoryModule(store);
  const observability = createMetrics();
  const metrics = createMetricsModule({
    db: database.db,
    dialect: database.dialect,
    retentionDays: { raw: config.metricsRawRetentionDays, '5m': config.metrics5mRetentionDays, '1h': config.metrics1hRetentionDays },
    registry: observability.registry,
    backend: metricsBackendOf(config),
    version: VERSION,
  });
  const discovery = createDiscoveryModule({ ...store, secretBox, inventory: inventory.service });
  const monitoring = createMonitoringModule({
    ...store,
    secretBox,
    appendSamples: (samples) => metrics.store.append(samples),
    registry: observability.registry,
    snmpCredentials: (id) => discovery.snmpCredential(id),
    observedServices: discovery.observedServices,
    networkPolicy: checkNetworkPolicyAllowing(checksAllowOf(config)),
  });
  const agents = createAgentsModule({
    ...store,
    secretBox,
    intervals: { metricsSeconds: config.agentMetricsSeconds, inventorySeconds: config.agentInventorySeconds },
    reconcile: async (trx, observation, ctx) => ({ ciId: (await discovery.reconcileWithin(trx, observation, ctx)).ciId }),
    writeSamples: (trx, source, series) => metrics.sink.append(trx, source, series),
    samplesRolledBack: () => metrics.sink.discard(),
    hostSeen: (trx, ciId, at) => inventory.service.within(trx).cis.markSeen(ciId, at),
    checks: monitoring.agentChecks,
    agentBundle: config.agentBundle,
    publicUrl: config.publicUrl,
  });
  const alerting = createAlertingModule({
    ...store,
    secretBox,
    channelsAllow: channelsAllowOf(config),
    promql: metrics.promql,
    appendSamples: (samples) => metrics.store.append(samples),
    checkStates: () => monitoring.reads.currentStates(),
    dependencyGraph: () => readDependencyGraph(database.db),
    // A provider re-checked before its dependant is paged: run where the engine runs, the result recorded as usual.
    recheck: (ids) => {
      for (const id of ids) void monitoring.checks.runNow(id, SYSTEM_RECHECK).catch(() => undefined);
    },
    ...(config.publicUrl ? { publicUrl: config.publicUrl } : {}),
  });
  const status = createStatusModule({
    ...store,
    sources: {
      graph: () => readDependencyGraph(database.db),
      checkStates: () => monitoring.reads.currentStates(),
      stateChanges: (ids, from, to) => monitoring.reads.stateChangesOf(ids, from, to),
      maintenance: (from, to) => alerting.suppression.maintenanceBetween(from, to),
    },
  });
  const modules: EstateModule[] = [
    auth,
    createAuditModule({ audit, db: database.db }),
    inventory,
    metrics,
    agents,
    discovery,
    monitoring,
    alerting,
    status,
  ];

  const http = await createHttpServer({
    logger: options.logger === false ? false : logger,
    bodyLimit: config.bodyLimit,
    rateLimitPerMinute: config.rateLimitPerMinute,
    trustProxy: config.trustProxy,
    webDir: config.webDir,
    version: VERSION,
    authenticator: auth.auth,
    audit,
    allowedOrigins: config.publicUrl ? [new URL(config.publicUrl).origin] : [],
  });
  observability.instrument(http);
  registerSystemRoutes(http, {
    registry: observability.registry,
    checks: {
      database: async () => {
        await sql`select 1`.execute(database.db);
        return { ok: true };
      },
    },
  });
  for (const module of modules) module.routes?.(http);
  await http.ready();
  return {
    config,
    database,
    audit,
    auth,
    inventory,
    discovery,
    metrics,
    agents,
    monitoring,
    alerting,
    status,
    modules,
    bus,
    http,
    logger,
    async close() {
      await http.close();
      for (const module of modules) await module.close?.();
    },
  };
}
