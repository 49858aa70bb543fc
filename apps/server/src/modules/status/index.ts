/*
 * Status pages: what the users of a service see. Pages are stored here with their components (business service
 * CIs and checks); a view derives each component's state from check states through the inventory's dependency
 * graph (component-state.ts), draws 90 days of uptime bars from the checks' state history and lists the
 * maintenance windows covering the components — alerting's windows, the same objects that mute alerts. Everything
 * it reads of other modules comes through the seams app.ts hands it ({@link StatusSources}).
 */
import type { Kysely } from 'kysely';
import type { AuditLog } from '../../platform/audit/audit-log';
import type { EstateModule } from '../../platform/module/estate-module';
import { registerPublicStatusRoutes, registerStatusPageRoutes } from './status.routes';
import type { StatusTables } from './status.tables';
import { StatusPageService } from './status-page.service';
import { type StatusSources, StatusViewService } from './status-view.service';

export type { StatusSources } from './status-view.service';

/** What the status module is built from. */
export interface StatusModuleOptions {
  // biome-ignore lint/suspicious/noExplicitAny: the shared store, narrowed to this module's tables.
  db: Kysely<any>;
  audit: AuditLog;
  sources: StatusSources;
  /** The clock (tests). */
  now?: () => number;
}

export interface StatusModule extends EstateModule {
  readonly pages: StatusPageService;
  readonly views: StatusViewService;
}

/** Builds the status module. */
export function createStatusModule(options: StatusModuleOptions): StatusModule {
  const now = options.now ?? Date.now;
  const pages = new StatusPageService({ db: options.db as Kysely<StatusTables>, audit: options.audit, now });
  const views = new StatusViewService(pages, options.sources, now);
  return {
    name: 'status',
    pages,
    views,
    routes(http) {
      registerStatusPageRoutes(http, pages, views);
      registerPublicStatusRoutes(http, views);
    },
  };
}
