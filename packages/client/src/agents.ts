import {
  type Agent,
  type AgentDownload,
  AgentDownloadRoutes,
  type AgentListQuery,
  type CreatedEnrollmentToken,
  type CreateEnrollmentTokenRequest,
  type EnrollmentToken,
  type EnrollmentTokenListQuery,
  AgentAdminRoutes as routes,
} from '@estate/contract';
import type { PageOf } from './page';
import type { Transport } from './transport';

/** Host agents as administrators manage them, and the enrollment tokens agents enroll with. */
export interface AgentMethods {
  /** `GET /agents`: one page of enrolled agents, optionally of one status, in enrollment order. */
  listAgents(query?: AgentListQuery): Promise<PageOf<Agent>>;
  /** `GET /agents/{id}`: one agent. */
  getAgent(id: string): Promise<Agent>;
  /** `POST /agents/{id}/approve`: lets a pending agent report; approving an active agent changes nothing. */
  approveAgent(id: string): Promise<Agent>;
  /** `POST /agents/{id}/revoke`: refuses the agent's every later request, for good. */
  revokeAgent(id: string): Promise<Agent>;
  /** `GET /enrollment-tokens`: one page of enrollment tokens, newest first, with their status; never the secrets. */
  listEnrollmentTokens(query?: EnrollmentTokenListQuery): Promise<PageOf<EnrollmentToken>>;
  /** `POST /enrollment-tokens`: creates a single-use token. The answer holds the token; it is never shown again. */
  createEnrollmentToken(request: CreateEnrollmentTokenRequest): Promise<CreatedEnrollmentToken>;
  /** `DELETE /enrollment-tokens/{id}`: revokes an unused token so nobody can enroll with it. */
  revokeEnrollmentToken(id: string): Promise<void>;
  /** `GET /agent/download`: the agent bundle this server offers (file, SHA-256, size, Node.js range); 404 when not built. */
  getAgentDownload(): Promise<AgentDownload>;
}

/** Builds the agent methods over a transport. */
export function createAgentMethods(transport: Transport): AgentMethods {
  return {
    async listAgents(query = {}) {
      return (await transport.call(routes.listAgents, { query })).body;
    },
    async getAgent(id) {
      return (await transport.call(routes.getAgent, { params: { id } })).body;
    },
    async approveAgent(id) {
      return (await transport.call(routes.approveAgent, { params: { id } })).body;
    },
    async revokeAgent(id) {
      return (await transport.call(routes.revokeAgent, { params: { id } })).body;
    },
    async listEnrollmentTokens(query = {}) {
      return (await transport.call(routes.listEnrollmentTokens, { query })).body;
    },
    async createEnrollmentToken(request) {
      return (await transport.call(routes.createEnrollmentToken, { body: request })).body;
    },
    async revokeEnrollmentToken(id) {
      await transport.call(routes.revokeEnrollmentToken, { params: { id } });
    },
    async getAgentDownload() {
      return (await transport.call(AgentDownloadRoutes.getAgentDownload, {})).body;
    },
  };
}
