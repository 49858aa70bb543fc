import {
  CreateImportRequest,
  IdParams,
  IMPORT_MAX_CONTENT,
  ImportAccepted,
  ImportPreset,
  ImportRun,
  ImportSummary,
  Page,
  PageQuery,
  Problem,
} from '@estate/contract';
import Type from 'typebox';
import type { HttpServer } from '../../../platform/http/http-server';
import { actionContext, type Principal } from '../../../platform/http/principal';
import type { ImportService } from './import.service';
import { IMPORT_PRESETS } from './presets';

const userOf = (request: { principal: Principal | null }) => request.principal?.userId ?? null;

/**
 * POST /api/v1/imports (start, 202), GET /api/v1/imports/:id (progress and report), GET /api/v1/imports (mine),
 * GET /api/v1/import-presets (the mappings of other tools' exports).
 */
export function registerImportRoutes(app: HttpServer, imports: ImportService): void {
  const tags = ['inventory'];

  app.post(
    '/api/v1/imports',
    {
      // Base64 content is 4/3 of the file; leave room for the rest of the body.
      bodyLimit: Math.ceil((IMPORT_MAX_CONTENT * 4) / 3) + 64 * 1024,
      config: { permission: 'inventory:write' },
      schema: {
        tags,
        summary: 'Import CIs of one type, or relationships, from CSV or JSON (validated first; a dry run writes nothing)',
        body: CreateImportRequest,
        response: { 202: ImportAccepted, 400: Problem },
      },
    },
    async (request, reply) => reply.code(202).send(await imports.start(request.body, actionContext(request))),
  );

  app.get(
    '/api/v1/imports/:id',
    {
      config: { permission: 'inventory:write' },
      schema: {
        tags,
        summary: 'An import: status, progress, counts and row reports',
        params: IdParams,
        response: { 200: ImportRun, 404: Problem },
      },
    },
    async (request) => imports.get(request.params.id, userOf(request)),
  );

  app.get(
    '/api/v1/imports',
    {
      config: { permission: 'inventory:write' },
      schema: { tags, summary: 'My imports, newest first', querystring: PageQuery, response: { 200: Page(ImportSummary) } },
    },
    async (request) => imports.list(userOf(request), request.query.limit ?? 50, request.query.cursor),
  );

  app.get(
    '/api/v1/import-presets',
    {
      config: { permission: 'inventory:write' },
      schema: {
        tags,
        summary: "Import presets: declarative mappings of other tools' exports (NetBox, Snipe-IT, GLPI)",
        response: { 200: Type.Array(ImportPreset) },
      },
    },
    async () => [...IMPORT_PRESETS],
  );
}
