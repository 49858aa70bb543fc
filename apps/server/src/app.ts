import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import pino, { type Logger } from 'pino';
import { migrationsFor } from './migrations';
import { type AgentsModule, createAgentsModule, registerAgentRoutes } from './modules/agents';
import { registerAuditRoutes } from './modules/audit';
import { type AuthModule, createAuthModule, registerAuthRoutes } from './modules/auth';
import { registerDiscoveryRoutes, registerIdentityRoutes } from './modules/discovery';
import { createInventoryDeps, registerInventoryRoutes } from './modules/inventory';
import { AuditLog } from './platform/audit/audit-log';
import type { Config } from './platform/config/config';
import { SecretBox } from './platform/crypto/secret-box';
import { type Database, openDatabase } from './platform/db/database';
import { migrateToLatest } from './platform/db/migrate';
import { EventBus } from './platform/events';
import { createHttpServer, type HttpServer } from './platform/http/http-server';
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
  /** Host agents: enrollment, signed reports, administration, housekeeping. */
  agents: AgentsModule;
  /** Where modules subscribe to events; delivery runs in processes with the worker role. */
  bus: EventBus;
  http: HttpServer;
  logger: Logger;
  close(): Promise<void>;
}

/**
 * Creates the process logger; secrets in headers and bodies are redacted, whatever the level. Lines go to stdout,
 * or to `destination` (tests capture them there).
 */
export function createLogger(level: Config['logLevel'], destination?: pino.DestinationStream): Logger {
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
  return destination ? pino(options, destination) : pino(options);
}

/** Opens the store named by the configuration. */
export function openStore(config: Config): Promise<Database> {
  return openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
}

/** Applies pending migrations; returns the names applied. */
export function migrate(database: Database): Promise<string[]> {
  return migrateToLatest(database, migrationsFor(database.dialect));
}

/**
 * Wires a whole Estate process over an open, migrated store: services first, then the HTTP server with every
 * module's routes. Nothing listens until the caller calls `http.listen`.
 */
export async function createEstate(config: Config, database: Database, options: { logger?: Logger | false } = {}): Promise<Estate> {
  const logger = options.logger === undefined ? createLogger(config.logLevel) : options.logger || createLogger('silent');
  const audit = new AuditLog(database);
  const bus = new EventBus();
  const secretBox = SecretBox.fromKeyFile(config.secretKeyFile);
  const auth = createAuthModule({
    db: database.db,
    audit,
    secretBox,
    changes: database.changes,
    policy: {
      idleMs: config.sessionIdleMinutes * 60_000,
      absoluteMs: config.sessionAbsoluteHours * 3_600_000,
      requireAdminMfa: config.requireAdminMfa,
    },
  });
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
  const metrics = createMetrics();
  metrics.instrument(http);
  registerSystemRoutes(http, {
    registry: metrics.registry,
    checks: {
      database: async () => {
        await sql`select 1`.execute(database.db);
        return { ok: true };
      },
    },
  });
  registerAuthRoutes(http, auth, { sessionMaxAgeMs: config.sessionAbsoluteHours * 3_600_000, publicUrl: config.publicUrl });
  registerAuditRoutes(http, audit);
  const inventory = createInventoryDeps({ db: database.db, dialect: database.dialect, audit });
  registerInventoryRoutes(http, inventory);
  const agents = createAgentsModule({
    db: database.db,
    dialect: database.dialect,
    audit,
    secretBox,
    intervals: { metricsSeconds: config.agentMetricsSeconds, inventorySeconds: config.agentInventorySeconds },
    sampleRetentionDays: config.agentSampleRetentionDays,
    inventory,
  });
  registerAgentRoutes(http, agents);
  registerDiscoveryRoutes(http, { db: database.db, dialect: database.dialect, audit, secretBox });
  registerIdentityRoutes(http, inventory);
  await http.ready();
  return {
    config,
    database,
    audit,
    auth,
    agents,
    bus,
    http,
    logger,
    async close() {
      await http.close();
    },
  };
}
