import { AuditEvent, AuditQuery, Page } from '@estate/contract';
import type { AuditLog } from '../../platform/audit/audit-log';
import type { HttpServer } from '../../platform/http/http-server';

/** The audit log, newest first, for holders of `audit:read`. */
export function registerAuditRoutes(app: HttpServer, audit: AuditLog): void {
  app.get(
    '/api/v1/audit-events',
    {
      config: { permission: 'audit:read' },
      schema: { tags: ['audit'], summary: 'Search the audit log', querystring: AuditQuery, response: { 200: Page(AuditEvent) } },
    },
    async (request) => audit.list(request.query),
  );
}
