import {
  CreateScanRequest,
  DiscoveryScan,
  Empty,
  IdParams,
  Page,
  PageQuery,
  Problem,
  RunAccepted,
  ScanHost,
  ScanHostQuery,
  ScanRun,
  UpdateScanRequest,
} from '@estate/contract';
import { requireIfMatch, sendEtag } from '../../../platform/http/etag';
import type { HttpServer } from '../../../platform/http/http-server';
import { actionContext } from '../../../platform/http/principal';
import type { ScanService } from './scan.service';

const SCANS = '/api/v1/discovery/scans';

/** Scan definitions, starting runs, and reading runs with their per-host results, under /api/v1/discovery. */
export function registerScanRoutes(app: HttpServer, scans: ScanService): void {
  const tags = ['discovery'];

  app.get(
    SCANS,
    {
      config: { permission: 'discovery:read' },
      schema: { tags, summary: 'List network scans', querystring: PageQuery, response: { 200: Page(DiscoveryScan) } },
    },
    async (request) => scans.list(request.query),
  );

  app.post(
    SCANS,
    {
      config: { permission: 'discovery:write' },
      schema: {
        tags,
        summary: 'Create a network scan (targets are checked against the scan policy)',
        body: CreateScanRequest,
        response: { 201: DiscoveryScan, 400: Problem, 409: Problem },
      },
    },
    async (request, reply) => {
      const scan = await scans.create(request.body, actionContext(request));
      sendEtag(reply, scan.id, scan.version);
      return reply.code(201).send(scan);
    },
  );

  app.get(
    `${SCANS}/:id`,
    {
      config: { permission: 'discovery:read' },
      schema: { tags, summary: 'Read a network scan (with ETag)', params: IdParams, response: { 200: DiscoveryScan, 404: Problem } },
    },
    async (request, reply) => {
      const scan = await scans.get(request.params.id);
      sendEtag(reply, scan.id, scan.version);
      return scan;
    },
  );

  app.patch(
    `${SCANS}/:id`,
    {
      config: { permission: 'discovery:write' },
      schema: {
        tags,
        summary: 'Change a network scan (If-Match required)',
        params: IdParams,
        body: UpdateScanRequest,
        response: { 200: DiscoveryScan, 400: Problem, 404: Problem, 409: Problem, 412: Problem, 428: Problem },
      },
    },
    async (request, reply) => {
      const expected = requireIfMatch(request, request.params.id);
      const scan = await scans.update(request.params.id, request.body, expected, actionContext(request));
      sendEtag(reply, scan.id, scan.version);
      return scan;
    },
  );

  app.delete(
    `${SCANS}/:id`,
    {
      config: { permission: 'discovery:write' },
      schema: {
        tags,
        summary: 'Delete a network scan with its runs (If-Match required; refused while a run is going)',
        params: IdParams,
        response: { 204: Empty, 404: Problem, 409: Problem, 412: Problem, 428: Problem },
      },
    },
    async (request, reply) => {
      const expected = requireIfMatch(request, request.params.id);
      await scans.delete(request.params.id, expected, actionContext(request));
      return reply.code(204).send(null);
    },
  );

  app.post(
    `${SCANS}/:id/runs`,
    {
      config: { permission: 'discovery:write' },
      schema: {
        tags,
        summary: 'Start a run of the scan now (refused while one is queued or running)',
        params: IdParams,
        response: { 202: RunAccepted, 404: Problem, 409: Problem },
      },
    },
    async (request, reply) => reply.code(202).send(await scans.startRun(request.params.id, actionContext(request))),
  );

  app.get(
    `${SCANS}/:id/runs`,
    {
      config: { permission: 'discovery:read' },
      schema: {
        tags,
        summary: "A scan's runs, newest first",
        params: IdParams,
        querystring: PageQuery,
        response: { 200: Page(ScanRun), 404: Problem },
      },
    },
    async (request) => scans.listRuns(request.params.id, request.query),
  );

  app.get(
    '/api/v1/discovery/runs/:id',
    {
      config: { permission: 'discovery:read' },
      schema: { tags, summary: 'A run: status, progress and summary', params: IdParams, response: { 200: ScanRun, 404: Problem } },
    },
    async (request) => scans.getRun(request.params.id),
  );

  app.get(
    '/api/v1/discovery/runs/:id/hosts',
    {
      config: { permission: 'discovery:read' },
      schema: {
        tags,
        summary: "A run's hosts in address order, with their change since the previous run and their CI",
        params: IdParams,
        querystring: ScanHostQuery,
        response: { 200: Page(ScanHost), 404: Problem },
      },
    },
    async (request) => scans.listHosts(request.params.id, request.query),
  );
}
