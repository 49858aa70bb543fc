import type { Ci, EventActor, RelationshipType, Source } from '@estate/contract';
import type { Kysely } from 'kysely';
import type { ActionContext } from '../../platform/audit/audit-log';
import { publishEvent } from '../../platform/events';
import type { FieldChange } from './ci-changes';
import type { InventoryTables } from './inventory.tables';

/*
 * The inventory's domain events (`ci.*`, `relationship.*`), published through the outbox in the transaction of the
 * change: every writer of CIs and relationships calls these next to its history entry.
 */

type Trx = Kysely<InventoryTables>;
type CiNames = Pick<Ci, 'id' | 'type' | 'name'>;

/** The actor of an action as events name it. */
export function eventActor(ctx: ActionContext): EventActor {
  return { type: ctx.actor.type, id: ctx.actor.id, label: ctx.actor.label };
}

/** Publishes `ci.created` for `ci`, whose values came from `source`. */
export async function publishCiCreated(trx: Trx, ci: CiNames, source: Source, ctx: ActionContext): Promise<void> {
  await publishEvent(trx, 'ci.created', { id: ci.id, type: ci.type, name: ci.name, source, actor: eventActor(ctx) });
}

/** Publishes `ci.updated` for `ci` as it is after the change (its new version), unless `changes` is empty. */
export async function publishCiUpdated(
  trx: Trx,
  ci: CiNames & Pick<Ci, 'version'>,
  source: Source,
  ctx: ActionContext,
  changes: FieldChange[],
): Promise<void> {
  if (changes.length === 0) return;
  await publishEvent(trx, 'ci.updated', {
    id: ci.id,
    type: ci.type,
    name: ci.name,
    version: ci.version,
    source,
    actor: eventActor(ctx),
    changes,
  });
}

/** Publishes `ci.deleted` for `ci`. */
export async function publishCiDeleted(trx: Trx, ci: CiNames, source: Source, ctx: ActionContext): Promise<void> {
  await publishEvent(trx, 'ci.deleted', { id: ci.id, type: ci.type, name: ci.name, source, actor: eventActor(ctx) });
}

/** A relationship as stored (its row's columns). */
export interface StoredRelationship {
  id: string;
  type: string;
  source_id: string;
  target_id: string;
}

/** Publishes `relationship.added` or `relationship.removed` for the stored relationship `row`. */
export async function publishRelationshipChange(
  trx: Trx,
  topic: 'relationship.added' | 'relationship.removed',
  row: StoredRelationship,
  source: Source,
  ctx: ActionContext,
): Promise<void> {
  await publishEvent(trx, topic, {
    id: row.id,
    type: row.type as RelationshipType,
    sourceId: row.source_id,
    targetId: row.target_id,
    source,
    actor: eventActor(ctx),
  });
}
