import type { HttpServer } from '../../../platform/http/http-server';
import { registerTerraformRoutes } from '../terraform/terraform.routes';
import { createTerraformService } from '../terraform/terraform.service';
import type { IdentityDeps } from './identity-deps';
import { registerMergeRoutes } from './merge.routes';
import { createMergeService } from './merge.service';
import { registerObservedRoutes } from './observed.routes';
import { createObservedService } from './observed.service';
import { registerSoftwareRoutes } from './software.routes';
import { createSoftwareService } from './software.service';

/**
 * Registers the routes of one identity per thing: merge suggestions, installed software, interfaces and observed
 * facts, Terraform imports.
 */
export function registerIdentityRoutes(app: HttpServer, deps: IdentityDeps): void {
  registerMergeRoutes(app, createMergeService(deps));
  registerSoftwareRoutes(app, createSoftwareService(deps));
  registerObservedRoutes(app, createObservedService(deps));
  registerTerraformRoutes(app, createTerraformService(deps));
}
