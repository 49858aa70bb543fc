import {
  Agent,
  AgentListQuery,
  CreatedEnrollmentToken,
  CreateEnrollmentTokenRequest,
  Empty,
  EnrollmentToken,
  EnrollmentTokenListQuery,
  IdParams,
  Page,
  Problem,
} from '@estate/contract';
import type { HttpServer } from '../../platform/http/http-server';
import { actionContext } from '../../platform/http/principal';
import type { AgentService } from './agent.service';
import type { EnrollmentTokenService } from './enrollment-token.service';

/** What the administrators' agent routes are built from. */
export interface AgentAdminDeps {
  agents: AgentService;
  tokens: EnrollmentTokenService;
}

/** Administrators' routes: enrollment tokens (`/api/v1/enrollment-tokens`) and enrolled agents (`/api/v1/agents`). */
export function registerAgentAdminRoutes(app: HttpServer, deps: AgentAdminDeps): void {
  const tags = ['agents'];

  app.post(
    '/api/v1/enrollment-tokens',
    {
      config: { permission: 'agents:write' },
      schema: {
        tags,
        summary: 'Create a single-use enrollment token (the token is shown once)',
        body: CreateEnrollmentTokenRequest,
        response: { 201: CreatedEnrollmentToken, 400: Problem },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await deps.tokens.create(request.body, request.principal!.userId, actionContext(request))),
  );

  app.get(
    '/api/v1/enrollment-tokens',
    {
      config: { permission: 'agents:read' },
      schema: {
        tags,
        summary: 'List enrollment tokens, newest first',
        querystring: EnrollmentTokenListQuery,
        response: { 200: Page(EnrollmentToken), 400: Problem },
      },
    },
    async (request) => deps.tokens.list(request.query),
  );

  app.delete(
    '/api/v1/enrollment-tokens/:id',
    {
      config: { permission: 'agents:write' },
      schema: {
        tags,
        summary: 'Revoke an unused enrollment token',
        params: IdParams,
        response: { 204: Empty, 404: Problem, 409: Problem },
      },
    },
    async (request, reply) => {
      await deps.tokens.revoke(request.params.id, actionContext(request));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/agents',
    {
      config: { permission: 'agents:read' },
      schema: { tags, summary: 'List enrolled agents', querystring: AgentListQuery, response: { 200: Page(Agent), 400: Problem } },
    },
    async (request) => deps.agents.list(request.query),
  );

  app.get(
    '/api/v1/agents/:id',
    {
      config: { permission: 'agents:read' },
      schema: { tags, summary: 'Read an agent', params: IdParams, response: { 200: Agent, 404: Problem } },
    },
    async (request) => deps.agents.get(request.params.id),
  );

  app.post(
    '/api/v1/agents/:id/approve',
    {
      config: { permission: 'agents:write' },
      schema: { tags, summary: 'Approve a pending agent', params: IdParams, response: { 200: Agent, 404: Problem, 409: Problem } },
    },
    async (request) => deps.agents.approve(request.params.id, request.principal!.userId, actionContext(request)),
  );

  app.post(
    '/api/v1/agents/:id/revoke',
    {
      config: { permission: 'agents:write' },
      schema: {
        tags,
        summary: 'Revoke an agent: its next request is refused',
        params: IdParams,
        response: { 200: Agent, 404: Problem, 409: Problem },
      },
    },
    async (request) => deps.agents.revoke(request.params.id, request.principal!.userId, actionContext(request)),
  );
}
