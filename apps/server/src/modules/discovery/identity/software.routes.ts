import { CiSoftwareQuery, IdParams, InstalledSoftware, Page, Problem, SoftwareInstallation, SoftwareSearchQuery } from '@estate/contract';
import type { HttpServer } from '../../../platform/http/http-server';
import type { SoftwareService } from './software.service';

/** Installed software: one CI's packages, and which CIs have a package. */
export function registerSoftwareRoutes(app: HttpServer, software: SoftwareService): void {
  const tags = ['inventory'];

  app.get(
    '/api/v1/cis/:id/software',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags,
        summary: "A CI's installed packages by name (optionally names starting with `name`)",
        params: IdParams,
        querystring: CiSoftwareQuery,
        response: { 200: Page(InstalledSoftware), 400: Problem, 404: Problem },
      },
    },
    async (request) => software.ofCi(request.params.id, request.query),
  );

  app.get(
    '/api/v1/software',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags,
        summary: 'Where a package is installed: every CI with it, by version',
        querystring: SoftwareSearchQuery,
        response: { 200: Page(SoftwareInstallation), 400: Problem },
      },
    },
    async (request) => software.installations(request.query),
  );
}
