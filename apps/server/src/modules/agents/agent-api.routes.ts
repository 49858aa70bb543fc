import {
  AgentCheckAck,
  AgentCheckList,
  AgentCheckListQuery,
  AgentCheckReport,
  AgentConfig,
  EnrollRequest,
  EnrollResponse,
  InventoryAck,
  InventoryReport,
  MetricsAck,
  MetricsReport,
  Problem,
} from '@estate/contract';
import type { FastifyRequest } from 'fastify';
import type { ActionContext } from '../../platform/audit/audit-log';
import type { HttpServer } from '../../platform/http/http-server';
import { actionContext } from '../../platform/http/principal';
import type { AgentSummaryRow } from './agent.repository';
import type { AgentAuthenticator } from './agent-auth';
import type { AgentCheckChannel, AgentReportService } from './agent-report.service';
import type { EnrollmentService } from './enrollment.service';

/** Largest inventory report accepted: a full snapshot of a host with tens of thousands of packages. */
const INVENTORY_BODY_LIMIT = 16 * 1024 * 1024;
/** Largest metrics report accepted: a buffered backlog sent in one batch. */
const METRICS_BODY_LIMIT = 8 * 1024 * 1024;

/** What the agent-facing routes are built from. */
export interface AgentApiDeps {
  auth: AgentAuthenticator;
  enrollment: EnrollmentService;
  reports: AgentReportService;
  checks: AgentCheckChannel;
}

/** Largest check results report accepted: a backlog of runs after an outage. */
const CHECK_RESULTS_BODY_LIMIT = 4 * 1024 * 1024;

/** The audit context of an agent's own request: the agent as a system actor. */
function agentContext(request: FastifyRequest, agent: AgentSummaryRow): ActionContext {
  return { actor: { type: 'agent', id: agent.id, label: `agent ${agent.hostname}` }, requestId: request.id, sourceIp: request.ip };
}

const problemAnswers = { 400: Problem, 401: Problem, 403: Problem, 409: Problem, 413: Problem, 429: Problem };

/**
 * The routes host agents call. Enrollment is public (it needs only the single-use token) and strictly rate-limited
 * per client address; every other route needs a request signed by an enrolled agent's key, never a session or an
 * API token, and every answer on those routes is signed by the server's identity key.
 */
export function registerAgentApiRoutes(app: HttpServer, deps: AgentApiDeps): void {
  const tags = ['agent'];

  app.post(
    '/api/v1/agent/enroll',
    {
      config: { public: true, rateLimit: { max: 10, timeWindow: 60_000 } },
      schema: {
        tags,
        summary: 'Enroll a host agent with a single-use enrollment token',
        body: EnrollRequest,
        response: { 201: EnrollResponse, ...problemAnswers },
      },
    },
    async (request, reply) => reply.code(201).send(await deps.enrollment.enroll(request.body, actionContext(request))),
  );

  app.get(
    '/api/v1/agent/config',
    {
      ...deps.auth.routeOptions({ allowPending: true }),
      schema: {
        tags,
        summary: "The agent's configuration (signed request; also its heartbeat)",
        security: [],
        response: { 200: AgentConfig, 401: Problem, 403: Problem },
      },
    },
    async (request) => deps.reports.config(deps.auth.of(request).agent),
  );

  app.post(
    '/api/v1/agent/inventory',
    {
      ...deps.auth.routeOptions(),
      bodyLimit: INVENTORY_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Report the host inventory, full or as a merge patch (signed request; honours Idempotency-Key)',
        security: [],
        body: InventoryReport,
        response: { 200: InventoryAck, ...problemAnswers },
      },
    },
    async (request) => {
      const { agent, idempotencyKey } = deps.auth.of(request);
      return deps.reports.inventory(agent, idempotencyKey, request.body, agentContext(request, agent));
    },
  );

  app.post(
    '/api/v1/agent/metrics',
    {
      ...deps.auth.routeOptions(),
      bodyLimit: METRICS_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Report a batch of metric samples (signed request; honours Idempotency-Key)',
        security: [],
        body: MetricsReport,
        response: { 200: MetricsAck, ...problemAnswers },
      },
    },
    async (request) => {
      const { agent, idempotencyKey } = deps.auth.of(request);
      return deps.reports.metrics(agent, idempotencyKey, request.body);
    },
  );

  app.get(
    '/api/v1/agent/checks',
    {
      ...deps.auth.routeOptions(),
      schema: {
        tags,
        summary:
          'The checks assigned to this agent (with `collector=true`, its network checks too); unchanged since `version`: no checks (signed request)',
        security: [],
        querystring: AgentCheckListQuery,
        response: { 200: AgentCheckList, 401: Problem, 403: Problem },
      },
    },
    async (request) => deps.checks.assigned(deps.auth.of(request).agent.id, request.query.version, request.query.collector ?? false),
  );

  app.post(
    '/api/v1/agent/check-results',
    {
      ...deps.auth.routeOptions(),
      bodyLimit: CHECK_RESULTS_BODY_LIMIT,
      schema: {
        tags,
        summary: "Report runs of this agent's checks, oldest first; resent runs are skipped (signed request)",
        security: [],
        body: AgentCheckReport,
        response: { 200: AgentCheckAck, ...problemAnswers },
      },
    },
    async (request) => deps.checks.report(deps.auth.of(request).agent.id, request.body),
  );
}
