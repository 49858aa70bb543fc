import { AgentCheckAck, AgentCheckList, AgentCheckListQuery, AgentCheckReport } from './agent-checks';
import {
  Agent,
  AgentConfig,
  AgentDownload,
  AgentListQuery,
  CreatedEnrollmentToken,
  CreateEnrollmentTokenRequest,
  EnrollmentToken,
  EnrollmentTokenListQuery,
  EnrollRequest,
  EnrollResponse,
  InventoryAck,
  InventoryReport,
  MetricsAck,
  MetricsReport,
} from './agents';
import { Empty, IdParams, Page } from './common';
import { route } from './route';

/** Host agents as administrators manage them, and the enrollment tokens agents enroll with. */
export const AgentAdminRoutes = {
  listAgents: route('GET', '/api/v1/agents', { query: AgentListQuery, response: Page(Agent) }),
  getAgent: route('GET', '/api/v1/agents/{id}', { params: IdParams, response: Agent }),
  approveAgent: route('POST', '/api/v1/agents/{id}/approve', { params: IdParams, response: Agent }),
  revokeAgent: route('POST', '/api/v1/agents/{id}/revoke', { params: IdParams, response: Agent }),
  listEnrollmentTokens: route('GET', '/api/v1/enrollment-tokens', { query: EnrollmentTokenListQuery, response: Page(EnrollmentToken) }),
  createEnrollmentToken: route('POST', '/api/v1/enrollment-tokens', {
    body: CreateEnrollmentTokenRequest,
    status: 201,
    response: CreatedEnrollmentToken,
  }),
  revokeEnrollmentToken: route('DELETE', '/api/v1/enrollment-tokens/{id}', { params: IdParams, status: 204, response: Empty }),
} as const;

/**
 * The routes a host agent calls: enrollment (unsigned, with a single-use token), then signed requests only (see
 * agent-protocol.ts for the signature).
 */
export const AgentProtocolRoutes = {
  enrollAgent: route('POST', '/api/v1/agent/enroll', { body: EnrollRequest, status: 201, response: EnrollResponse }),
  getAgentConfig: route('GET', '/api/v1/agent/config', { response: AgentConfig }),
  reportInventory: route('POST', '/api/v1/agent/inventory', { body: InventoryReport, response: InventoryAck }),
  reportMetrics: route('POST', '/api/v1/agent/metrics', { body: MetricsReport, response: MetricsAck }),
  listAgentChecks: route('GET', '/api/v1/agent/checks', { query: AgentCheckListQuery, response: AgentCheckList }),
  reportAgentChecks: route('POST', '/api/v1/agent/check-results', { body: AgentCheckReport, response: AgentCheckAck }),
} as const;

/**
 * The agent as a download, public so that a fresh host holding only an enrollment token can install it: what is on
 * offer (file, SHA-256, size, Node.js range), the bundle itself (JavaScript, not JSON) and a `SHA256SUMS` file in
 * the format `sha256sum -c` reads.
 */
export const AgentDownloadRoutes = {
  getAgentDownload: route('GET', '/api/v1/agent/download', { response: AgentDownload }),
  downloadAgentBundle: route('GET', '/api/v1/agent/download/estate-agent.mjs', {}),
  downloadAgentChecksums: route('GET', '/api/v1/agent/download/SHA256SUMS', {}),
} as const;
