import { type AuditEvent, type AuditQuery, AuditRoutes as routes } from '@estate/contract';
import type { PageOf } from './page';
import type { Transport } from './transport';

/** The append-only audit log (needs `audit:read`). */
export interface AuditMethods {
  /**
   * `GET /audit-events`: one page of events, newest first. `action` is an exact action or a prefix ending in
   * "."; `since` and `until` are epoch milliseconds.
   */
  listAuditEvents(query?: AuditQuery): Promise<PageOf<AuditEvent>>;
}

/** Builds the audit methods over a transport. */
export function createAuditMethods(transport: Transport): AuditMethods {
  return {
    async listAuditEvents(query = {}) {
      return (await transport.call(routes.listAuditEvents, { query })).body;
    },
  };
}
