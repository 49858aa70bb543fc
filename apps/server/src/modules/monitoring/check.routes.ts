import {
  Check,
  CheckHistoryQuery,
  CheckListQuery,
  CheckResult,
  CheckResultList,
  CheckResultQuery,
  CheckRunAnswer,
  CheckStateChange,
  CheckSummary,
  CheckTypeList,
  CheckUptime,
  CheckUptimeQuery,
  CreateCheckRequest,
  Empty,
  IdParams,
  Page,
  Problem,
  TestCheckRequest,
  UpdateCheckRequest,
} from '@estate/contract';
import { requireIfMatch, sendEtag } from '../../platform/http/etag';
import type { HttpServer } from '../../platform/http/http-server';
import { actionContext, type Principal } from '../../platform/http/principal';
import { problems } from '../../platform/http/problem';
import type { CheckService } from './check.service';
import type { CheckReads } from './check-reads';

const CHECKS = '/api/v1/checks';
const tags = ['monitoring'];
const read = { permission: 'monitoring:read' } as const;
const write = { permission: 'monitoring:write' } as const;

/** Checks, their types, test and run now, and what their runs left: results, state history, uptime. */
export function registerCheckRoutes(app: HttpServer, checks: CheckService, reads: CheckReads): void {
  app.get(
    '/api/v1/check-types',
    { config: read, schema: { tags, summary: 'The check types this server runs', response: { 200: CheckTypeList } } },
    async () => ({ items: checks.types() }),
  );

  app.get(
    CHECKS,
    {
      config: read,
      schema: {
        tags,
        summary: 'List checks (by name; filters narrow)',
        querystring: CheckListQuery,
        response: { 200: Page(Check), 400: Problem },
      },
    },
    async (request) => checks.list(request.query),
  );

  app.get(
    `${CHECKS}/summary`,
    { config: read, schema: { tags, summary: 'How many checks are in each state', response: { 200: CheckSummary } } },
    async () => checks.summary(),
  );

  app.post(
    `${CHECKS}/test`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Run a check once without saving it',
        body: TestCheckRequest,
        response: { 200: CheckResult, 400: Problem, 404: Problem },
      },
    },
    async (request) => {
      guardCredentialUse(request, request.body.config);
      return checks.test(request.body, actionContext(request));
    },
  );

  app.post(
    CHECKS,
    {
      config: write,
      schema: { tags, summary: 'Create a check (validated by its type)', body: CreateCheckRequest, response: { 201: Check, 400: Problem } },
    },
    async (request, reply) => {
      guardCredentialUse(request, request.body.config);
      const check = await checks.create(request.body, actionContext(request));
      sendEtag(reply, check.id, check.version);
      return reply.code(201).send(check);
    },
  );

  app.get(
    `${CHECKS}/:id`,
    { config: read, schema: { tags, summary: 'Read a check (with ETag)', params: IdParams, response: { 200: Check, 404: Problem } } },
    async (request, reply) => {
      const check = await checks.get(request.params.id);
      sendEtag(reply, check.id, check.version);
      return check;
    },
  );

  app.patch(
    `${CHECKS}/:id`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Change a check (If-Match required)',
        params: IdParams,
        body: UpdateCheckRequest,
        response: { 200: Check, 400: Problem, 404: Problem, 412: Problem, 428: Problem },
      },
    },
    async (request, reply) => {
      guardCredentialUse(request, request.body.config);
      const expected = requireIfMatch(request, request.params.id);
      const check = await checks.update(request.params.id, request.body, expected, actionContext(request));
      sendEtag(reply, check.id, check.version);
      return check;
    },
  );

  app.delete(
    `${CHECKS}/:id`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Delete a check with its results and history (If-Match required)',
        params: IdParams,
        response: { 204: Empty, 404: Problem, 412: Problem, 428: Problem },
      },
    },
    async (request, reply) => {
      const expected = requireIfMatch(request, request.params.id);
      await checks.delete(request.params.id, expected, actionContext(request));
      return reply.code(204).send(null);
    },
  );

  app.post(
    `${CHECKS}/:id/run`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Run a check now; the result is recorded',
        params: IdParams,
        response: { 200: CheckRunAnswer, 404: Problem, 409: Problem },
      },
    },
    async (request) => checks.runNow(request.params.id, actionContext(request)),
  );

  app.get(
    `${CHECKS}/:id/results`,
    {
      config: read,
      schema: {
        tags,
        summary: 'The last results, newest first',
        params: IdParams,
        querystring: CheckResultQuery,
        response: { 200: CheckResultList, 404: Problem },
      },
    },
    async (request) => ({ items: await reads.results(request.params.id, request.query.limit ?? 20) }),
  );

  app.get(
    `${CHECKS}/:id/history`,
    {
      config: read,
      schema: {
        tags,
        summary: 'State changes, newest first',
        params: IdParams,
        querystring: CheckHistoryQuery,
        response: { 200: Page(CheckStateChange), 400: Problem, 404: Problem },
      },
    },
    async (request) => reads.history(request.params.id, request.query),
  );

  app.get(
    `${CHECKS}/:id/uptime`,
    {
      config: read,
      schema: {
        tags,
        summary: 'Uptime over 24 h, 7 d, 30 d and 90 d, or from–to, from the state history',
        params: IdParams,
        querystring: CheckUptimeQuery,
        response: { 200: CheckUptime, 400: Problem, 404: Problem },
      },
    },
    async (request) => reads.uptime(request.params.id, request.query),
  );
}

/**
 * A check naming a stored SNMP credential (`config.credentialId`) uses its secrets on the caller's behalf, against a
 * target the caller chooses: only those who manage credentials (discovery:write) may name one.
 */
export function guardCredentialUse(request: { principal: Principal | null }, config: unknown, field = 'config'): void {
  const named = typeof config === 'object' && config !== null && (config as { credentialId?: unknown }).credentialId != null;
  if (named && !request.principal?.permissions.has('discovery:write')) {
    throw problems.forbidden(`${field}.credentialId names a stored SNMP credential; using one needs the discovery:write permission.`);
  }
}
