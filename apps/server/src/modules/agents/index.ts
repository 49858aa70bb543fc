import type { AgentIntervals } from '@estate/contract';
import type { Kysely } from 'kysely';
import type { AuditLog } from '../../platform/audit/audit-log';
import type { SecretBox } from '../../platform/crypto/secret-box';
import type { Dialect } from '../../platform/db/database';
import type { EstateModule } from '../../platform/module/estate-module';
import { AgentRepository } from './agent.repository';
import { registerAgentAdminRoutes } from './agent.routes';
import { AgentService } from './agent.service';
import { registerAgentApiRoutes } from './agent-api.routes';
import { AgentAuthenticator, type HostSeen } from './agent-auth';
import { AgentDistribution } from './agent-distribution';
import { registerAgentDownloadRoutes } from './agent-download.routes';
import { type AgentCheckChannel, AgentReportService, type HostReconciler, type SampleWriter } from './agent-report.service';
import type { AgentTables } from './agents.tables';
import { EnrollmentService } from './enrollment.service';
import { EnrollmentTokenService } from './enrollment-token.service';
import { ServerIdentity } from './server-identity';

export type { HostSeen } from './agent-auth';
export type { AgentCheckChannel, HostReconciler, SampleWriter } from './agent-report.service';
export type { AgentTables } from './agents.tables';
export type { HostObservation } from './host-observation';
export { ServerIdentity } from './server-identity';

/** How long idempotency receipts are kept: a retry later than this is applied again (metrics stay harmless). */
const RECEIPT_RETENTION_MS = 24 * 3_600_000;

/** How often expired nonces and old receipts are deleted. */
const PRUNE_EVERY_MS = 10 * 60_000;
/** How often agents silent past the online window are marked offline (publishing `agent.offline`). */
const PRESENCE_EVERY_MS = 30_000;

/** What the agents module is built from. */
export interface AgentsModuleOptions {
  // biome-ignore lint/suspicious/noExplicitAny: the shared store, narrowed to this module's tables here.
  db: Kysely<any>;
  dialect: Dialect;
  audit: AuditLog;
  secretBox: SecretBox;
  intervals: AgentIntervals;
  /** Reconciles reports to CIs: the discovery module's identity reconciliation (tests may give their own). */
  reconcile: HostReconciler;
  /** Stores reported samples: the metrics module's sink. */
  writeSamples: SampleWriter;
  /** Tells the sink that a transaction it wrote samples in rolled back (the metrics module's `discard`). */
  samplesRolledBack?: () => void;
  /** Records that an agent's host CI was seen (the inventory's `markSeen`); nothing when absent. */
  hostSeen?: HostSeen;
  /** Agent-side checks: the monitoring module's lists and recorder, as agents see them; absent: agents run no checks. */
  checks?: AgentCheckChannel;
  /** The agent's single-file bundle offered for download to other hosts (config `agentBundle`). */
  agentBundle: string;
  /** The address hosts reach the server at (config `publicUrl`); the install command uses it when set. */
  publicUrl?: string | undefined;
}

/** The agents module: enrollment, agent authentication, reports and administration. */
export interface AgentsModule extends EstateModule {
  identity: ServerIdentity;
  agents: AgentService;
  tokens: EnrollmentTokenService;
  enrollment: EnrollmentService;
  reports: AgentReportService;
  /** The agent-side checks channel (none assigned when the module was built without one). */
  checks: AgentCheckChannel;
  auth: AgentAuthenticator;
  /** The agent bundle offered for download, with its checksum. */
  distribution: AgentDistribution;
  /**
   * Housekeeping for the scheduler role: deletes nonces past their expiry and idempotency receipts older than a day.
   * Safe to run from several processes at once; answers what it deleted.
   */
  prune(now?: number): Promise<{ nonces: number; receipts: number }>;
}

/** Builds the agents module: its services, its routes and its housekeeping. */
export function createAgentsModule(options: AgentsModuleOptions): AgentsModule {
  const db = options.db as Kysely<AgentTables>;
  const repository = new AgentRepository(db, options.dialect);
  const identity = new ServerIdentity(db, options.secretBox);
  // Offline after three metrics intervals without a request.
  const onlineWindowMs = 3 * options.intervals.metricsSeconds * 1000;
  const prune = (now = Date.now()) => repository.prune(now, now - RECEIPT_RETENTION_MS);
  const module: AgentsModule = {
    name: 'agents',
    identity,
    agents: new AgentService(repository, options.audit, onlineWindowMs),
    tokens: new EnrollmentTokenService(db, options.audit, identity),
    enrollment: new EnrollmentService(db, repository, options.audit, identity, options.intervals, onlineWindowMs),
    reports: new AgentReportService(repository, options.reconcile, options.writeSamples, options.intervals, options.samplesRolledBack),
    checks: options.checks ?? {
      assigned: async () => ({ version: 'none', checks: [] }),
      report: async (_id, r) => ({ recorded: 0, ignored: r.runs.length }),
    },
    auth: new AgentAuthenticator(repository, identity, undefined, options.hostSeen),
    distribution: new AgentDistribution(options.agentBundle, options.publicUrl ?? null),
    prune,
    routes(http) {
      registerAgentApiRoutes(http, module);
      registerAgentDownloadRoutes(http, module);
      registerAgentAdminRoutes(http, module);
    },
    schedules(scheduler) {
      scheduler.every('agents.prune', PRUNE_EVERY_MS, prune);
      scheduler.every('agents.mark-offline', PRESENCE_EVERY_MS, (now) => module.agents.markOfflineAgents(now));
    },
  };
  return module;
}
