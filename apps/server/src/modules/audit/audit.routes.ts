import { AuditEvent, AuditQuery, Page } from '@estate/contract';
import type { AuditLog } from '../../platform/audit/audit-log';
import type { HttpServer } from '../../platform/http/http-server';
import { type AuditTargetRepository, targetKey } from './audit-target.repository';

/** The audit log, newest first, for holders of `audit:read`; each event's target named as it is now. */
export function registerAuditRoutes(app: HttpServer, audit: AuditLog, targets: AuditTargetRepository): void {
  app.get(
    '/api/v1/audit-events',
    {
      config: { permission: 'audit:read' },
      schema: { tags: ['audit'], summary: 'Search the audit log', querystring: AuditQuery, response: { 200: Page(AuditEvent) } },
    },
    async (request) => {
      const page = await audit.list(request.query);
      const names = await targets.names(page.items);
      const items = page.items.map((event) => {
        const name = event.targetType && event.targetId ? names.get(targetKey(event.targetType, event.targetId)) : undefined;
        return { ...event, targetLabel: name?.label ?? null, targetDeleted: name?.deleted ?? false };
      });
      return { items, nextCursor: page.nextCursor };
    },
  );
}
