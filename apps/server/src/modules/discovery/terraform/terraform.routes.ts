import {
  Page,
  Problem,
  TERRAFORM_MAX_CONTENT,
  TerraformImportListQuery,
  TerraformImportRequest,
  TerraformImportResult,
  TerraformImportSummary,
} from '@estate/contract';
import type { HttpServer } from '../../../platform/http/http-server';
import { actionContext } from '../../../platform/http/principal';
import type { TerraformService } from './terraform.service';

/** Terraform state imports: run one (or a dry run), and list the recorded ones. */
export function registerTerraformRoutes(app: HttpServer, terraform: TerraformService): void {
  const tags = ['discovery'];

  app.post(
    '/api/v1/discovery/terraform-imports',
    {
      // The state travels as a JSON string: escaped quotes make the body up to twice the file.
      bodyLimit: TERRAFORM_MAX_CONTENT * 2 + 64 * 1024,
      config: { permission: 'discovery:write' },
      schema: {
        tags,
        summary: 'Import a Terraform state (format 4) as cloud-resource CIs and relationships; a dry run writes nothing',
        body: TerraformImportRequest,
        response: { 200: TerraformImportResult, 400: Problem, 409: Problem },
      },
    },
    async (request) => terraform.import(request.body, actionContext(request)),
  );

  app.get(
    '/api/v1/discovery/terraform-imports',
    {
      config: { permission: 'discovery:read' },
      schema: {
        tags,
        summary: 'Recorded Terraform imports, newest first',
        querystring: TerraformImportListQuery,
        response: { 200: Page(TerraformImportSummary), 400: Problem },
      },
    },
    async (request) => terraform.list(request.query),
  );
}
