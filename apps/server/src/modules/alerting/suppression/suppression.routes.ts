import {
  ActiveMaintenanceList,
  ActiveMaintenanceQuery,
  AlertRouting,
  AlertRoutingTestAnswer,
  AlertRoutingVersion,
  AlertRoutingVersionQuery,
  CreateMaintenanceWindowRequest,
  CreateSilenceRequest,
  Empty,
  IdParams,
  MaintenanceOccurrenceList,
  MaintenanceWindow,
  MaintenanceWindowListQuery,
  OccurrenceQuery,
  Page,
  Problem,
  PutAlertRoutingRequest,
  Silence,
  SilenceListQuery,
  TestAlertRoutingRequest,
  UpdateMaintenanceWindowRequest,
  UpdateSilenceRequest,
} from '@estate/contract';
import { requireIfMatch, sendEtag } from '../../../platform/http/etag';
import type { HttpServer } from '../../../platform/http/http-server';
import { actionContext } from '../../../platform/http/principal';
import type { MaintenanceService } from './maintenance.service';
import type { RoutingConfigService } from './routing-config.service';
import type { SilenceService } from './silence.service';

const tags = ['alerting'];
const read = { permission: 'alerting:read' } as const;
const write = { permission: 'alerting:write' } as const;
const SILENCES = '/api/v1/silences';
const WINDOWS = '/api/v1/maintenance-windows';
const ROUTING = '/api/v1/alert-routing';
/** The ETag id of the one routing configuration. */
const ROUTING_ID = 'routing';

/** Silences: list by state and matcher text, create, read, change (If-Match) and expire (DELETE). */
export function registerSilenceRoutes(app: HttpServer, silences: SilenceService): void {
  app.get(
    SILENCES,
    {
      config: read,
      schema: {
        tags,
        summary: 'List silences (newest end first)',
        querystring: SilenceListQuery,
        response: { 200: Page(Silence), 400: Problem },
      },
    },
    async (request) => silences.list(request.query),
  );
  app.post(
    SILENCES,
    {
      config: write,
      schema: {
        tags,
        summary: 'Create a silence (matchers as text or objects)',
        body: CreateSilenceRequest,
        response: { 201: Silence, 400: Problem },
      },
    },
    async (request, reply) => {
      const silence = await silences.create(request.body, actionContext(request));
      sendEtag(reply, silence.id, silence.version);
      return reply.code(201).send(silence);
    },
  );
  app.get(
    `${SILENCES}/:id`,
    { config: read, schema: { tags, summary: 'Read a silence (with ETag)', params: IdParams, response: { 200: Silence, 404: Problem } } },
    async (request, reply) => {
      const silence = await silences.get(request.params.id);
      sendEtag(reply, silence.id, silence.version);
      return silence;
    },
  );
  app.patch(
    `${SILENCES}/:id`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Change a pending or active silence (If-Match required)',
        params: IdParams,
        body: UpdateSilenceRequest,
        response: { 200: Silence, 400: Problem, 404: Problem, 409: Problem, 412: Problem, 428: Problem },
      },
    },
    async (request, reply) => {
      const expected = requireIfMatch(request, request.params.id);
      const silence = await silences.update(request.params.id, request.body, expected, actionContext(request));
      sendEtag(reply, silence.id, silence.version);
      return silence;
    },
  );
  app.delete(
    `${SILENCES}/:id`,
    {
      config: write,
      schema: { tags, summary: 'Expire a silence now (kept for history)', params: IdParams, response: { 200: Silence, 404: Problem } },
    },
    async (request, reply) => {
      const silence = await silences.expire(request.params.id, actionContext(request));
      sendEtag(reply, silence.id, silence.version);
      return silence;
    },
  );
}

/** Maintenance windows: CRUD, their occurrences for a calendar, and those holding at a moment. */
export function registerMaintenanceRoutes(app: HttpServer, windows: MaintenanceService, now: () => number): void {
  app.get(
    WINDOWS,
    {
      config: read,
      schema: {
        tags,
        summary: 'List maintenance windows (by name)',
        querystring: MaintenanceWindowListQuery,
        response: { 200: Page(MaintenanceWindow), 400: Problem },
      },
    },
    async (request) => windows.list(request.query),
  );
  app.get(
    `${WINDOWS}/occurrences`,
    {
      config: read,
      schema: {
        tags,
        summary: 'Occurrences of every window in a range (at most 62 days)',
        querystring: OccurrenceQuery,
        response: { 200: MaintenanceOccurrenceList, 400: Problem },
      },
    },
    async (request) => ({ items: await windows.occurrences(request.query.from, request.query.to) }),
  );
  app.get(
    `${WINDOWS}/active`,
    {
      config: read,
      schema: {
        tags,
        summary: 'The windows holding at a moment (now unless given)',
        querystring: ActiveMaintenanceQuery,
        response: { 200: ActiveMaintenanceList },
      },
    },
    async (request) => {
      const at = request.query.at ?? now();
      return { at, items: await windows.activeAt(at) };
    },
  );
  app.post(
    WINDOWS,
    {
      config: write,
      schema: {
        tags,
        summary: 'Create a maintenance window',
        body: CreateMaintenanceWindowRequest,
        response: { 201: MaintenanceWindow, 400: Problem },
      },
    },
    async (request, reply) => {
      const window = await windows.create(request.body, actionContext(request));
      sendEtag(reply, window.id, window.version);
      return reply.code(201).send(window);
    },
  );
  app.get(
    `${WINDOWS}/:id`,
    {
      config: read,
      schema: {
        tags,
        summary: 'Read a maintenance window (with ETag)',
        params: IdParams,
        response: { 200: MaintenanceWindow, 404: Problem },
      },
    },
    async (request, reply) => {
      const window = await windows.get(request.params.id);
      sendEtag(reply, window.id, window.version);
      return window;
    },
  );
  app.patch(
    `${WINDOWS}/:id`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Change a maintenance window (If-Match required)',
        params: IdParams,
        body: UpdateMaintenanceWindowRequest,
        response: { 200: MaintenanceWindow, 400: Problem, 404: Problem, 412: Problem, 428: Problem },
      },
    },
    async (request, reply) => {
      const expected = requireIfMatch(request, request.params.id);
      const window = await windows.update(request.params.id, request.body, expected, actionContext(request));
      sendEtag(reply, window.id, window.version);
      return window;
    },
  );
  app.delete(
    `${WINDOWS}/:id`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Delete a maintenance window (If-Match required)',
        params: IdParams,
        response: { 204: Empty, 404: Problem, 412: Problem, 428: Problem },
      },
    },
    async (request, reply) => {
      const expected = requireIfMatch(request, request.params.id);
      await windows.delete(request.params.id, expected, actionContext(request));
      return reply.code(204).send(null);
    },
  );
}

/** The routing configuration: read (with the parsed tree), replace (If-Match), test labels, version history. */
export function registerRoutingRoutes(app: HttpServer, routing: RoutingConfigService): void {
  app.get(
    ROUTING,
    {
      config: read,
      schema: { tags, summary: 'The routing configuration (the default until one is stored)', response: { 200: AlertRouting } },
    },
    async (_request, reply) => {
      const answer = await routing.get();
      sendEtag(reply, ROUTING_ID, answer.version);
      return answer;
    },
  );
  app.put(
    ROUTING,
    {
      config: write,
      schema: {
        tags,
        summary: "Replace the routing configuration with Alertmanager's YAML (If-Match required)",
        body: PutAlertRoutingRequest,
        response: { 200: AlertRouting, 400: Problem, 409: Problem, 412: Problem, 428: Problem },
      },
    },
    async (request, reply) => {
      const expected = requireIfMatch(request, ROUTING_ID);
      const answer = await routing.put(request.body.yaml, expected, actionContext(request));
      sendEtag(reply, ROUTING_ID, answer.version);
      return answer;
    },
  );
  app.post(
    `${ROUTING}/preview`,
    {
      config: write,
      schema: {
        tags,
        summary: 'What saving this configuration would store, with the channels its inline integrations become (saves nothing)',
        body: PutAlertRoutingRequest,
        response: { 200: AlertRouting, 400: Problem, 409: Problem },
      },
    },
    async (request) => routing.preview(request.body.yaml, actionContext(request)),
  );
  app.post(
    `${ROUTING}/test`,
    {
      config: read,
      schema: {
        tags,
        summary: 'Which routes and receivers an alert with these labels reaches',
        body: TestAlertRoutingRequest,
        response: { 200: AlertRoutingTestAnswer, 400: Problem },
      },
    },
    async (request) => routing.test(request.body),
  );
  app.get(
    `${ROUTING}/versions`,
    {
      config: read,
      schema: {
        tags,
        summary: 'Stored versions of the routing configuration, newest first',
        querystring: AlertRoutingVersionQuery,
        response: { 200: Page(AlertRoutingVersion), 400: Problem },
      },
    },
    async (request) => routing.versions(request.query.limit ?? 20, request.query.cursor),
  );
}
