import type { Kysely } from 'kysely';
import type { ActionContext } from '../../../platform/audit/audit-log';
import { CiService } from '../ci.service';
import { CustomFieldService } from '../custom-field.service';
import type { InventoryTables } from '../inventory.tables';
import type { InventoryDeps } from '../inventory-deps';
import { RelationshipService } from '../relationship.service';
import type { PlannedRow } from './import.validate';

/**
 * Writes one batch of planned rows in `trx`: new CIs through `CiService.create` (source `import`), existing ones
 * through `applyObserved`, relationships through `RelationshipService.create`. Before a row, the locations of its
 * chain that neither this batch nor an earlier one (`located`, by plan reference) created yet are created, parents
 * first, and the row is placed in the one it names. Returns the locations this batch created, by reference, for the
 * caller to add to `located` once the batch commits.
 */
export async function applyBatch(
  deps: InventoryDeps,
  trx: Kysely<InventoryTables>,
  batch: readonly PlannedRow[],
  located: ReadonlyMap<string, string>,
  ctx: ActionContext,
): Promise<Map<string, string>> {
  const cis = new CiService(trx, deps.dialect, deps.audit, deps.history, new CustomFieldService(trx, deps.dialect, deps.audit));
  const relationships = new RelationshipService(trx, deps.dialect, deps.audit, deps.history);
  const created = new Map<string, string>();
  const idOf = (ref: string) => created.get(ref) ?? located.get(ref);
  for (const p of batch) {
    if (p.kind === 'create' || p.kind === 'update' || p.kind === 'conflict') {
      for (const step of p.chain) {
        if (idOf(step.ref) !== undefined) continue;
        const parent = step.parentId ?? (step.parentRef === null ? undefined : idOf(step.parentRef));
        const ci = await cis.create({ type: step.type, name: step.name, ...(parent ? { locationId: parent } : {}) }, ctx, 'import');
        created.set(step.ref, ci.id);
      }
    }
    const locationId = 'locationRef' in p && p.locationRef !== undefined ? idOf(p.locationRef) : undefined;
    if (p.kind === 'create') {
      const ci = await cis.create(locationId ? { ...p.input, locationId } : p.input, ctx, 'import');
      if (p.placeRef !== undefined) created.set(p.placeRef, ci.id);
    } else if (p.kind === 'update' || p.kind === 'conflict')
      await cis.applyObserved(p.ciId, 'import', locationId ? { ...p.observed, locationId } : p.observed, ctx);
    else if (p.kind === 'relate') await relationships.create(p.input, ctx, 'import');
  }
  return created;
}
