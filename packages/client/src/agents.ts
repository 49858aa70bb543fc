import type {
  Agent,
  AgentListQuery,
  CreatedEnrollmentToken,
  CreateEnrollmentTokenRequest,
  EnrollmentToken,
  EnrollmentTokenListQuery,
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
}

/** Builds the agent methods over a transport. */
export function createAgentMethods(transport: Transport): AgentMethods {
  const agentUrl = (id: string) => `/api/v1/agents/${encodeURIComponent(id)}`;
  return {
    async listAgents(query = {}) {
      return (await transport.request<PageOf<Agent>>('GET', '/api/v1/agents', { query })).body;
    },
    async getAgent(id) {
      return (await transport.request<Agent>('GET', agentUrl(id))).body;
    },
    async approveAgent(id) {
      return (await transport.request<Agent>('POST', `${agentUrl(id)}/approve`)).body;
    },
    async revokeAgent(id) {
      return (await transport.request<Agent>('POST', `${agentUrl(id)}/revoke`)).body;
    },
    async listEnrollmentTokens(query = {}) {
      return (await transport.request<PageOf<EnrollmentToken>>('GET', '/api/v1/enrollment-tokens', { query })).body;
    },
    async createEnrollmentToken(request) {
      return (await transport.request<CreatedEnrollmentToken>('POST', '/api/v1/enrollment-tokens', { body: request })).body;
    },
    async revokeEnrollmentToken(id) {
      await transport.request('DELETE', `/api/v1/enrollment-tokens/${encodeURIComponent(id)}`);
    },
  };
}
