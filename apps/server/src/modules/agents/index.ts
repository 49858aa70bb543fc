import type { AgentIntervals } from '@estate/contract';
import type { Kysely } from 'kysely';
import type { AuditLog } from '../../platform/audit/audit-log';
import type { SecretBox } from '../../platform/crypto/secret-box';
import type { Dialect } from '../../platform/db/database';
import type { HttpServer } from '../../platform/http/http-server';
import { createIdentityService } from '../discovery';
import type { InventoryDeps } from '../inventory';
import { AgentRepository } from './agent.repository';
import { registerAgentAdminRoutes } from './agent.routes';
import { AgentService } from './agent.service';
import { registerAgentApiRoutes } from './agent-api.routes';
import { AgentAuthenticator } from './agent-auth';
import { AgentReportService, type HostReconciler } from './agent-report.service';
import type { AgentTables } from './agents.tables';
import { EnrollmentService } from './enrollment.service';
import { EnrollmentTokenService } from './enrollment-token.service';
import { ServerIdentity } from './server-identity';

export type { HostReconciler } from './agent-report.service';
export type { AgentTables } from './agents.tables';
export type { HostObservation } from './host-observation';
export { ServerIdentity } from './server-identity';

/** How long idempotency receipts are kept: a retry later than this is applied again (metrics stay harmless). */
const RECEIPT_RETENTION_MS = 24 * 3_600_000;

/** What the agents module is built from. */
export interface AgentsModuleOptions {
  // biome-ignore lint/suspicious/noExplicitAny: the shared store, narrowed to this module's tables here.
  db: Kysely<any>;
  dialect: Dialect;
  audit: AuditLog;
  secretBox: SecretBox;
  intervals: AgentIntervals;
  /** Days raw metric samples are kept. */
  sampleRetentionDays: number;
  /** The inventory the hosts' CIs live in; reports are reconciled into it through the discovery module. */
  inventory: InventoryDeps;
  /** Replaces the reconciliation of reports to CIs (tests of this module's own rules). */
  reconcile?: HostReconciler;
}

/** Reconciles a host observation inside the report's own transaction, so a failed report leaves no CI change. */
function reconcilerOver(inventory: InventoryDeps): HostReconciler {
  return async (trx, observation, ctx) => {
    const identity = createIdentityService({ ...inventory, db: trx as InventoryDeps['db'] });
    const { ciId } = await identity.reconcile(observation, ctx);
    return { ciId };
  };
}

/** The agents module: enrollment, agent authentication, reports and administration. */
export interface AgentsModule {
  identity: ServerIdentity;
  agents: AgentService;
  tokens: EnrollmentTokenService;
  enrollment: EnrollmentService;
  reports: AgentReportService;
  auth: AgentAuthenticator;
  /**
   * Housekeeping for the scheduler role: deletes nonces past their expiry, idempotency receipts older than a day
   * and samples older than the retention. Safe to run from several processes at once; answers what it deleted.
   */
  prune(now?: number): Promise<{ nonces: number; receipts: number; samples: number }>;
}

/** Builds the agents module's services. */
export function createAgentsModule(options: AgentsModuleOptions): AgentsModule {
  const db = options.db as Kysely<AgentTables>;
  const repository = new AgentRepository(db, options.dialect);
  const identity = new ServerIdentity(db, options.secretBox);
  // Offline after three metrics intervals without a request.
  const onlineWindowMs = 3 * options.intervals.metricsSeconds * 1000;
  return {
    identity,
    agents: new AgentService(repository, options.audit, onlineWindowMs),
    tokens: new EnrollmentTokenService(db, options.audit, identity),
    enrollment: new EnrollmentService(db, repository, options.audit, identity, options.intervals, onlineWindowMs),
    reports: new AgentReportService(repository, options.reconcile ?? reconcilerOver(options.inventory), options.intervals),
    auth: new AgentAuthenticator(repository, identity),
    prune: (now = Date.now()) => repository.prune(now, now - RECEIPT_RETENTION_MS, now - options.sampleRetentionDays * 86_400_000),
  };
}

/** Registers the agent-facing routes (`/api/v1/agent/*`) and the administrators' routes for agents and tokens. */
export function registerAgentRoutes(app: HttpServer, module: AgentsModule): void {
  registerAgentApiRoutes(app, module);
  registerAgentAdminRoutes(app, module);
}
