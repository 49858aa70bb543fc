import {
  CreateStatusPageRequest,
  Empty,
  IdParams,
  Page,
  Problem,
  StatusPage,
  StatusPageListQuery,
  StatusSlugParams,
  StatusView,
  UpdateStatusPageRequest,
} from '@estate/contract';
import { requireIfMatch, sendEtag } from '../../platform/http/etag';
import type { HttpServer } from '../../platform/http/http-server';
import { actionContext } from '../../platform/http/principal';
import type { StatusPageService } from './status-page.service';
import { PUBLIC_CACHE_MS, type StatusViewService } from './status-view.service';

const tags = ['status'];
const read = { permission: 'monitoring:read' } as const;
const write = { permission: 'monitoring:write' } as const;
const PAGES = '/api/v1/status-pages';

/** Status pages: CRUD (monitoring permissions, If-Match on changes) and each page's view for signed-in readers. */
export function registerStatusPageRoutes(app: HttpServer, pages: StatusPageService, views: StatusViewService): void {
  app.get(
    PAGES,
    {
      config: read,
      schema: {
        tags,
        summary: 'List status pages (by title)',
        querystring: StatusPageListQuery,
        response: { 200: Page(StatusPage), 400: Problem },
      },
    },
    async (request) => pages.list(request.query),
  );
  app.post(
    PAGES,
    {
      config: write,
      schema: {
        tags,
        summary: 'Create a status page',
        body: CreateStatusPageRequest,
        response: { 201: StatusPage, 400: Problem, 409: Problem },
      },
    },
    async (request, reply) => {
      const page = await pages.create(request.body, actionContext(request));
      sendEtag(reply, page.id, page.version);
      return reply.code(201).send(page);
    },
  );
  app.get(
    `${PAGES}/:id`,
    {
      config: read,
      schema: { tags, summary: 'Read a status page (with ETag)', params: IdParams, response: { 200: StatusPage, 404: Problem } },
    },
    async (request, reply) => {
      const page = await pages.get(request.params.id);
      sendEtag(reply, page.id, page.version);
      return page;
    },
  );
  app.patch(
    `${PAGES}/:id`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Change a status page (If-Match required; components replace the list)',
        params: IdParams,
        body: UpdateStatusPageRequest,
        response: { 200: StatusPage, 400: Problem, 404: Problem, 409: Problem, 412: Problem, 428: Problem },
      },
    },
    async (request, reply) => {
      const expected = requireIfMatch(request, request.params.id);
      const page = await pages.update(request.params.id, request.body, expected, actionContext(request));
      sendEtag(reply, page.id, page.version);
      return page;
    },
  );
  app.delete(
    `${PAGES}/:id`,
    {
      config: write,
      schema: {
        tags,
        summary: 'Delete a status page (If-Match required)',
        params: IdParams,
        response: { 204: Empty, 404: Problem, 412: Problem, 428: Problem },
      },
    },
    async (request, reply) => {
      const expected = requireIfMatch(request, request.params.id);
      await pages.delete(request.params.id, expected, actionContext(request));
      return reply.code(204).send(null);
    },
  );
  app.get(
    `${PAGES}/:id/view`,
    {
      config: read,
      schema: {
        tags,
        summary: "A status page's view: states, uptime bars, maintenance",
        params: IdParams,
        response: { 200: StatusView, 404: Problem },
      },
    },
    async (request) => views.view(request.params.id),
  );
}

/**
 * The public view of a page marked public: signed out, read only, the shape of {@link StatusView} only (names,
 * states, bars, window titles and times). Unknown and private slugs are the same 404. Held to 120 requests a minute
 * per address, and cacheable for {@link PUBLIC_CACHE_MS}.
 */
export function registerPublicStatusRoutes(app: HttpServer, views: StatusViewService): void {
  app.get(
    '/api/v1/public/status/:slug',
    {
      config: {
        public: true,
        rateLimit: { max: 120, timeWindow: 60_000, keyGenerator: (request: { ip: string }) => `public-status:${request.ip}` },
      },
      schema: {
        tags,
        summary: 'The public view of a status page (signed out)',
        params: StatusSlugParams,
        response: { 200: StatusView, 404: Problem },
      },
    },
    async (request, reply) => {
      const view = await views.publicView(request.params.slug);
      reply.header('cache-control', `public, max-age=${PUBLIC_CACHE_MS / 1000}`);
      return view;
    },
  );
}
