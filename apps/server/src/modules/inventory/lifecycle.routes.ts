import {
  ExpiringItem,
  ExpiringQuery,
  LicenceUsage,
  LicenceUsageQuery,
  Page,
  Problem,
  RefreshPlan,
  RefreshPlanQuery,
} from '@estate/contract';
import type { HttpServer } from '../../platform/http/http-server';
import type { InventoryDeps } from './inventory-deps';
import { LifecycleService } from './lifecycle.service';

/** Lifecycle reports: expiring warranties, contracts, licences and ends of life; licence use; the refresh plan. */
export function registerLifecycleRoutes(app: HttpServer, deps: InventoryDeps): void {
  const lifecycle = new LifecycleService(deps.db, deps.dialect);

  app.get(
    '/api/v1/lifecycle/expiring',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags: ['inventory'],
        summary: 'Warranties, ends of life, contracts and licences ending within a number of days, soonest first',
        querystring: ExpiringQuery,
        response: { 200: Page(ExpiringItem), 400: Problem },
      },
    },
    async (request) => lifecycle.expiring(request.query),
  );

  app.get(
    '/api/v1/lifecycle/licences',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags: ['inventory'],
        summary: 'Licence seats against use',
        querystring: LicenceUsageQuery,
        response: { 200: Page(LicenceUsage), 400: Problem },
      },
    },
    async (request) => lifecycle.licences(request.query),
  );

  app.get(
    '/api/v1/lifecycle/refresh-plan',
    {
      config: { permission: 'inventory:read' },
      schema: {
        tags: ['inventory'],
        summary: 'Hardware to replace within the next quarter or year, with monthly cost per quarter',
        querystring: RefreshPlanQuery,
        response: { 200: RefreshPlan, 400: Problem },
      },
    },
    async (request) => lifecycle.refreshPlan(request.query),
  );
}
