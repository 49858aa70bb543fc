import type { Kysely } from 'kysely';
import type { ActionContext } from '../../platform/audit/audit-log';
import { CiService } from './ci.service';
import type { HistoryRecord } from './ci-history.repository';
import { CustomFieldService } from './custom-field.service';
import type { InventoryDeps } from './inventory-deps';
import { RelationshipService } from './relationship.service';

/** Builds the CI service over the module's dependencies (routes, imports, and the inventory interface below). */
export function createCiService(deps: InventoryDeps): CiService {
  return new CiService(deps.db, deps.dialect, deps.audit, deps.history, new CustomFieldService(deps.db, deps.dialect, deps.audit));
}

/** Builds the relationship service over the module's dependencies. */
export function createRelationshipService(deps: InventoryDeps): RelationshipService {
  return new RelationshipService(deps.db, deps.dialect, deps.audit, deps.history);
}

/**
 * What other modules may do to the inventory: the CI and relationship operations observers need, each with the same
 * rules, history, audit and events as through the API. Nothing here hands out the inventory's database handle.
 */
export interface InventoryWriter {
  /**
   * CIs: read one, create, update with an expected version, apply an observation, record that an observer saw it,
   * change an observed CI's type, delete.
   */
  readonly cis: Pick<CiService, 'get' | 'create' | 'update' | 'applyObserved' | 'markSeen' | 'retype' | 'delete'>;
  /** Relationships: create (409 on a duplicate) or ensure (create unless it exists). */
  readonly relationships: Pick<RelationshipService, 'create' | 'ensure'>;
  /** Appends an entry to a CI's history (an observer's own record, such as software changes or a vanished resource). */
  appendHistory(ctx: ActionContext, record: HistoryRecord): Promise<void>;
}

/** The inventory's interface for other modules (discovery, and later monitoring and incidents). */
export interface InventoryService extends InventoryWriter {
  /**
   * The same operations inside the caller's open transaction, so an observer's own rows and the inventory's change
   * commit or roll back together. The transaction must be over the shared store.
   */
  // biome-ignore lint/suspicious/noExplicitAny: a transaction over the shared store, whatever tables its owner typed.
  within(trx: Kysely<any>): InventoryWriter;
}

/** Builds the inventory interface over the module's dependencies. */
export function createInventoryService(deps: InventoryDeps): InventoryService {
  const writerOver = (inner: InventoryDeps): InventoryWriter => ({
    cis: createCiService(inner),
    relationships: createRelationshipService(inner),
    appendHistory: (ctx, record) => inner.history.append(inner.db, ctx, record),
  });
  return {
    ...writerOver(deps),
    within: (trx) => writerOver({ ...deps, db: trx as InventoryDeps['db'] }),
  };
}
