import type { EstateClient } from '@estate/client';
import type { AgentStatus } from '@estate/contract';
import { pagedQuery } from '../../components/paged-query';

/** Prefix of every agent query; invalidate it after approving or revoking an agent. */
export const AGENTS_QUERY_KEY = ['agents'] as const;

/** Prefix of every enrollment token query; invalidate it after creating or revoking a token. */
export const ENROLLMENT_TOKENS_QUERY_KEY = ['enrollment-tokens'] as const;

/** Enrolled agents, 50 per page, optionally of one status. Refreshed every 30 s so the online badges stay true. */
export function agentsQuery(api: EstateClient, status: AgentStatus | undefined) {
  return pagedQuery({
    queryKey: [...AGENTS_QUERY_KEY, { status }] as const,
    fetchPage: (cursor) => api.listAgents({ ...(status ? { status } : {}), limit: 50, cursor }),
    refetchInterval: 30_000,
  });
}

/** Enrollment tokens, newest first, 20 per page. */
export function enrollmentTokensQuery(api: EstateClient) {
  return pagedQuery({
    queryKey: [...ENROLLMENT_TOKENS_QUERY_KEY] as const,
    fetchPage: (cursor) => api.listEnrollmentTokens({ limit: 20, cursor }),
  });
}
