import type { Kysely } from 'kysely';
import type { AuditLog } from '../../platform/audit/audit-log';
import type { Dialect } from '../../platform/db/database';
import { CiHistoryRepository } from './ci-history.repository';
import type { InventoryTables } from './inventory.tables';

/** What every part of the inventory module is built from. */
export interface InventoryDeps {
  db: Kysely<InventoryTables>;
  dialect: Dialect;
  audit: AuditLog;
  history: CiHistoryRepository;
}

/** Builds the inventory module's shared dependencies over the primary store. */
export function createInventoryDeps(options: {
  // biome-ignore lint/suspicious/noExplicitAny: the shared store, narrowed to this module's tables here.
  db: Kysely<any>;
  dialect: Dialect;
  audit: AuditLog;
}): InventoryDeps {
  const db = options.db as Kysely<InventoryTables>;
  return { db, dialect: options.dialect, audit: options.audit, history: new CiHistoryRepository(db, options.dialect) };
}
