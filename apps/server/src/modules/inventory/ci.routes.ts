import {
  Ci,
  CiDiff,
  CiDiffQuery,
  CiHistoryEntry,
  CiHistoryQuery,
  CiReadQuery,
  CreateCiRequest,
  Empty,
  IdParams,
  Page,
  Problem,
  UpdateCiRequest,
} from '@estate/contract';
import { requireIfMatch, sendEtag } from '../../platform/http/etag';
import type { HttpServer } from '../../platform/http/http-server';
import { sendJsonText } from '../../platform/http/json-body';
import { actionContext } from '../../platform/http/principal';
import { createCiService } from './inventory.service';
import type { InventoryDeps } from './inventory-deps';

/** One CI: create, read (now or as of a past time), update, delete, history and diff. The list is in ci-list.routes.ts. */
export function registerCiRoutes(app: HttpServer, deps: InventoryDeps): void {
  const cis = createCiService(deps);
  const tags = ['inventory'];

  app.post(
    '/api/v1/cis',
    {
      config: { permission: 'inventory:write' },
      schema: { tags, summary: 'Create a CI', body: CreateCiRequest, response: { 201: Ci, 400: Problem, 409: Problem } },
    },
    async (request, reply) => {
      const ci = await cis.create(request.body, actionContext(request));
      sendEtag(reply, ci.id, ci.version);
      return reply.code(201).send(ci);
    },
  );

  app.get(
    '/api/v1/cis/:id',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags,
        summary: 'Read a CI (with ETag), or as it was at `asOf`',
        params: IdParams,
        querystring: CiReadQuery,
        response: { 200: Ci, 404: Problem },
      },
    },
    async (request, reply) => {
      if (request.query.asOf !== undefined) return cis.getAsOf(request.params.id, request.query.asOf);
      // Written as the stored JSON text, not parsed and serialised again (see ciDocument).
      const { json, version } = await cis.getDocument(request.params.id);
      sendEtag(reply, request.params.id, version);
      return sendJsonText(reply, json);
    },
  );

  app.patch(
    '/api/v1/cis/:id',
    {
      config: { permission: 'inventory:write' },
      schema: {
        tags,
        summary: 'Update a CI (merge; If-Match required)',
        params: IdParams,
        body: UpdateCiRequest,
        response: { 200: Ci, 400: Problem, 404: Problem, 409: Problem, 412: Problem, 428: Problem },
      },
    },
    async (request, reply) => {
      const expected = requireIfMatch(request, request.params.id);
      const ci = await cis.update(request.params.id, request.body, expected, actionContext(request));
      sendEtag(reply, ci.id, ci.version);
      return ci;
    },
  );

  app.delete(
    '/api/v1/cis/:id',
    {
      config: { permission: 'inventory:write' },
      schema: {
        tags,
        summary: 'Delete a CI (If-Match required); its history stays',
        params: IdParams,
        response: { 204: Empty, 404: Problem, 409: Problem, 412: Problem, 428: Problem },
      },
    },
    async (request, reply) => {
      const expected = requireIfMatch(request, request.params.id);
      await cis.delete(request.params.id, expected, actionContext(request));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/cis/:id/history',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags,
        summary: "A CI's change history, newest first (`asOf` limits to entries at or before a time)",
        params: IdParams,
        querystring: CiHistoryQuery,
        response: { 200: Page(CiHistoryEntry) },
      },
    },
    async (request) =>
      deps.history.list(request.params.id, {
        limit: request.query.limit ?? 50,
        cursor: request.query.cursor,
        until: request.query.asOf,
      }),
  );

  app.get(
    '/api/v1/cis/:id/diff',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags,
        summary: 'Field-level differences of a CI between two times',
        params: IdParams,
        querystring: CiDiffQuery,
        response: { 200: CiDiff, 400: Problem, 404: Problem },
      },
    },
    async (request) => cis.diff(request.params.id, request.query.from, request.query.to),
  );
}
