import {
  BulkChecksAnswer,
  BulkCreateChecksAnswer,
  BulkCreateChecksRequest,
  BulkDeleteChecksRequest,
  BulkUpdateChecksRequest,
  Problem,
} from '@estate/contract';
import type { HttpServer } from '../../platform/http/http-server';
import { actionContext } from '../../platform/http/principal';
import { guardCredentialUse } from './check.routes';
import type { CheckBulkService } from './check-bulk.service';

const tags = ['monitoring'];
const write = { permission: 'monitoring:write' } as const;

/** `POST /api/v1/checks/bulk`, `/bulk-update` and `/bulk-delete`: many checks at once, all or nothing. */
export function registerCheckBulkRoutes(app: HttpServer, bulk: CheckBulkService): void {
  app.post(
    '/api/v1/checks/bulk',
    {
      config: write,
      schema: {
        tags,
        summary: 'Create up to 1,000 checks in one transaction (400 naming items[i].<field> refuses them all)',
        body: BulkCreateChecksRequest,
        response: { 201: BulkCreateChecksAnswer, 400: Problem },
      },
    },
    async (request, reply) => {
      for (const [i, item] of request.body.items.entries()) guardCredentialUse(request, item.config, `items[${i}].config`);
      return reply.code(201).send({ items: await bulk.create(request.body, actionContext(request)) });
    },
  );

  app.post(
    '/api/v1/checks/bulk-update',
    {
      config: write,
      schema: {
        tags,
        summary: 'Enable or disable up to 1,000 checks by id',
        body: BulkUpdateChecksRequest,
        response: { 200: BulkChecksAnswer, 400: Problem, 409: Problem },
      },
    },
    async (request) => bulk.setEnabled(request.body.ids, request.body.enabled, actionContext(request)),
  );

  app.post(
    '/api/v1/checks/bulk-delete',
    {
      config: write,
      schema: {
        tags,
        summary: 'Delete up to 1,000 checks by id, with their results and history',
        body: BulkDeleteChecksRequest,
        response: { 200: BulkChecksAnswer, 400: Problem, 409: Problem },
      },
    },
    async (request) => bulk.delete(request.body.ids, actionContext(request)),
  );
}
