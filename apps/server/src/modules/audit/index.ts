/** The audit module: the HTTP face of the platform's audit log. */
import type { AuditLog } from '../../platform/audit/audit-log';
import type { EstateModule } from '../../platform/module/estate-module';
import { registerAuditRoutes } from './audit.routes';

/** Builds the audit module: reading and verifying the audit log over HTTP. */
export function createAuditModule(options: { audit: AuditLog }): EstateModule {
  return {
    name: 'audit',
    routes(http) {
      registerAuditRoutes(http, options.audit);
    },
  };
}
