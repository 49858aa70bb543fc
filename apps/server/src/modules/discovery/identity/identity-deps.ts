import type { Kysely } from 'kysely';
import type { AuditLog } from '../../../platform/audit/audit-log';
import type { Dialect } from '../../../platform/db/database';
import type { InventoryService } from '../../inventory';

/**
 * What identity reconciliation, merges, software views and Terraform imports are built from: discovery's own
 * handle on the shared store (its tables, and the read model of CIs described in ADR 0014), and the inventory's
 * interface for every change to CIs, relationships and their history.
 */
export interface IdentityDeps {
  // biome-ignore lint/suspicious/noExplicitAny: the shared store (or the caller's transaction over it).
  db: Kysely<any>;
  dialect: Dialect;
  audit: AuditLog;
  inventory: InventoryService;
}
