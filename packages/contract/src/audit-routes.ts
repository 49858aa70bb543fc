import { AuditEvent, AuditQuery } from './audit';
import { Page } from './common';
import { route } from './route';

/** The append-only audit log. */
export const AuditRoutes = {
  listAuditEvents: route('GET', '/api/v1/audit-events', { query: AuditQuery, response: Page(AuditEvent) }),
} as const;
