/** The audit module: the HTTP face of the platform's audit log. */
import type { AuditLog } from '../../platform/audit/audit-log';
import type { Database } from '../../platform/db/database';
import type { EstateModule } from '../../platform/module/estate-module';
import { registerAuditRoutes } from './audit.routes';
import { AuditTargetRepository } from './audit-target.repository';

/** Builds the audit module: reading the audit log over HTTP, with each event's target named from the store. */
export function createAuditModule(options: { audit: AuditLog; db: Database['db'] }): EstateModule {
  const targets = new AuditTargetRepository(options.db);
  return {
    name: 'audit',
    routes(http) {
      registerAuditRoutes(http, options.audit, targets);
    },
  };
}
