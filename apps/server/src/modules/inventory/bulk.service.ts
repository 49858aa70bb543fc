import type { BulkCiPatch, BulkDeleteRequest, BulkResult, BulkUpdateRequest, Ci, FieldProvenance } from '@estate/contract';
import type { Kysely } from 'kysely';
import type { ActionContext, AuditLog } from '../../platform/audit/audit-log';
import { canonicalJson } from '../../platform/audit/canonical-json';
import type { Dialect } from '../../platform/db/database';
import { problems } from '../../platform/http/problem';
import { plural } from '../../platform/plural';
import type { BulkRepository } from './bulk.repository';
import { COMMON_COLUMNS, type CommonField, searchTextOf, toCi } from './ci.mapper';
import { CiRepository } from './ci.repository';
import type { CiHistoryRepository } from './ci-history.repository';
import { clashesOf, describeClash, identifierKeys } from './ci-identifiers';
import type { CiListRepository } from './ci-list.repository';
import { parseCiFilter } from './ci-list.service';
import type { CisTable, InventoryTables } from './inventory.tables';
import { publishCiDeleted, publishCiUpdated, publishRelationshipChange } from './inventory-events';

/** The most CIs one bulk request may change when it targets them by filter. */
export const BULK_MAX_FILTERED = 5000;
const CHUNK = 500;
const OWNER_TYPES = ['team', 'person'];
const LOCATION_TYPES = ['site', 'room', 'rack'];

type PatchField = Exclude<keyof BulkCiPatch, 'addTags' | 'removeTags'> & CommonField;

/** What the bulk service is built from. */
export interface BulkDeps {
  db: Kysely<InventoryTables>;
  dialect: Dialect;
  audit: AuditLog;
  history: CiHistoryRepository;
  list: CiListRepository;
  bulk: BulkRepository;
}

function isEmpty(v: unknown): boolean {
  return v === null || v === undefined || (Array.isArray(v) && v.length === 0);
}

/** A CI's values under history's field names (common fields, `tags`, `attributes.<k>`, `customFields.<k>`). */
function flatten(ci: Ci): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of Object.keys(COMMON_COLUMNS) as CommonField[]) if (!isEmpty(ci[f])) out[f] = ci[f];
  if (ci.tags.length > 0) out.tags = [...ci.tags].sort();
  for (const [k, v] of Object.entries(ci.attributes)) if (!isEmpty(v)) out[`attributes.${k}`] = v;
  for (const [k, v] of Object.entries(ci.customFields)) if (!isEmpty(v)) out[`customFields.${k}`] = v;
  return out;
}

/**
 * Bulk edit and bulk delete. A request names its CIs by id or by a list filter and must confirm how many it
 * targets: any other number is a 409 whose detail gives the actual count, and nothing changes. All of a request's
 * changes happen in one transaction, with a history entry and a domain event (`ci.updated`, `ci.deleted`, and
 * `relationship.removed` for each relationship a deletion takes along) per CI, and one audit entry naming every CI.
 */
export class BulkService {
  constructor(private readonly deps: BulkDeps) {}

  /** Sets the patch's fields (and adds/removes tags) on every targeted CI; CIs already so are left alone. */
  async update(request: BulkUpdateRequest, ctx: ActionContext): Promise<BulkResult> {
    const patch = request.patch;
    const filter = request.filter ? parseCiFilter(request.filter) : undefined;
    const fields = (Object.keys(patch) as Array<keyof BulkCiPatch>).filter(
      (k): k is PatchField => k !== 'addTags' && k !== 'removeTags' && patch[k] !== undefined,
    );
    const add = patch.addTags ?? [];
    const remove = new Set(patch.removeTags ?? []);
    if (add.some((t) => remove.has(t))) {
      throw problems.validation('A tag cannot be both added and removed.', [{ path: 'patch', message: 'addTags and removeTags overlap' }]);
    }
    return this.deps.db.transaction().execute(async (trx) => {
      const ids = await this.targets(trx, request.ids, filter, request.confirm);
      await this.checkReferences(trx, patch);
      const now = Date.now();
      const actor = ctx.actor.id ?? ctx.actor.label;
      const changed: string[] = [];
      for (let i = 0; i < ids.length; i += CHUNK) {
        const chunk = ids.slice(i, i + CHUNK);
        const [rows, tags] = await Promise.all([this.deps.bulk.rows(trx, chunk), this.deps.list.tagsOf(chunk, trx)]);
        const added: Array<{ ci_id: string; tag: string }> = [];
        const removedFrom: string[] = [];
        for (const row of rows) {
          const before = toCi(row, tags.get(row.id) ?? [], this.deps.dialect);
          const after: Ci = { ...before, provenance: { ...before.provenance } };
          for (const f of fields) (after as Record<string, unknown>)[f] = patch[f];
          const newTags = add.filter((t) => !before.tags.includes(t));
          const droppedTags = before.tags.filter((t) => remove.has(t));
          after.tags = [...before.tags.filter((t) => !remove.has(t)), ...newTags].sort();
          const changes = this.changes(before, after);
          if (changes.length === 0) continue;
          for (const c of changes) {
            if (isEmpty(c.to)) delete after.provenance[c.field];
            else after.provenance[c.field] = { source: 'manual', at: now, actor } satisfies FieldProvenance;
          }
          const set: Partial<CisTable> = { updated_at: now, provenance: JSON.stringify(after.provenance) };
          for (const f of fields) (set as Record<string, unknown>)[COMMON_COLUMNS[f]] = patch[f];
          if (patch.manufacturer !== undefined) await this.rekeySerial(trx, row, after, set);
          if (newTags.length > 0 || droppedTags.length > 0) set.search_text = searchTextOf(after);
          if (!(await this.deps.bulk.update(trx, row.id, row.version, set))) {
            throw problems.conflict('A targeted CI changed while the bulk edit ran; nothing was changed. Try again.');
          }
          for (const tag of newTags) added.push({ ci_id: row.id, tag });
          if (droppedTags.length > 0) removedFrom.push(row.id);
          await this.deps.history.append(trx, ctx, { ciId: row.id, kind: 'updated', source: 'manual', at: now, changes });
          await publishCiUpdated(trx, { ...after, version: row.version + 1 }, 'manual', ctx, changes);
          changed.push(row.id);
        }
        await this.deps.bulk.changeTags(trx, added, removedFrom, [...remove]);
      }
      await this.deps.audit.append(trx, ctx, {
        action: 'ci.bulk_update',
        targetType: 'ci',
        after: { targeted: ids.length, changed, patch },
      });
      return { count: changed.length, ids: changed };
    });
  }

  /**
   * A new manufacturer changes whom a held serial number is unique among (see ci-identifiers.ts): the serial's
   * manufacturer key moves with it, or the edit is refused (409) when another CI of the family then clashes.
   */
  private async rekeySerial(trx: Kysely<InventoryTables>, row: CisTable, after: Ci, set: Partial<CisTable>): Promise<void> {
    if (row.serial_key === null || row.serial_key === undefined) return;
    const keys = identifierKeys(after);
    if (keys.serialMaker === row.serial_maker) return;
    const holders = await new CiRepository(trx, this.deps.dialect).identifierHolders(
      trx,
      { serialKey: row.serial_key, assetTagKey: null },
      row.id,
    );
    const [clash] = clashesOf(after, { ...keys, serialKey: row.serial_key }, holders, new Set(['serial']));
    if (clash) throw problems.conflict(`${after.name}: ${describeClash(clash)}. Nothing was changed.`);
    set.serial_maker = keys.serialMaker;
  }

  /** Deletes every targeted CI (their tags and relationships go with them); history keeps their last values. */
  async delete(request: BulkDeleteRequest, ctx: ActionContext): Promise<BulkResult> {
    const filter = request.filter ? parseCiFilter(request.filter) : undefined;
    return this.deps.db.transaction().execute(async (trx) => {
      const ids = await this.targets(trx, request.ids, filter, request.confirm);
      const now = Date.now();
      const deleted: Array<{ id: string; type: string; name: string }> = [];
      // A relationship between two deleted CIs is removed once.
      const removedLinks = new Set<string>();
      for (let i = 0; i < ids.length; i += CHUNK) {
        const chunk = ids.slice(i, i + CHUNK);
        const [rows, tags, links] = await Promise.all([
          this.deps.bulk.rows(trx, chunk),
          this.deps.list.tagsOf(chunk, trx),
          this.deps.bulk.relationshipsOf(trx, chunk),
        ]);
        for (const row of rows) {
          const before = toCi(row, tags.get(row.id) ?? [], this.deps.dialect);
          await this.deps.history.append(trx, ctx, {
            ciId: row.id,
            kind: 'deleted',
            source: 'manual',
            at: now,
            changes: this.changes(before, null),
          });
          await publishCiDeleted(trx, row, 'manual', ctx);
          deleted.push({ id: row.id, type: row.type, name: row.name });
        }
        for (const link of links) {
          if (removedLinks.has(link.id)) continue;
          removedLinks.add(link.id);
          await publishRelationshipChange(trx, 'relationship.removed', link, 'manual', ctx);
        }
        if ((await this.deps.bulk.delete(trx, chunk)) !== rows.length) {
          throw problems.conflict('A targeted CI changed while the bulk delete ran; nothing was deleted. Try again.');
        }
      }
      await this.deps.audit.append(trx, ctx, { action: 'ci.bulk_delete', targetType: 'ci', before: { deleted } });
      return { count: deleted.length, ids: deleted.map((d) => d.id) };
    });
  }

  /**
   * The ids a request targets (existing CIs among `ids`, or every CI matching `filter`), checked against
   * `confirm`. Exactly one of `ids` and `filter` must be given.
   */
  private async targets(
    trx: Kysely<InventoryTables>,
    ids: string[] | undefined,
    filter: ReturnType<typeof parseCiFilter> | undefined,
    confirm: number,
  ): Promise<string[]> {
    if ((ids === undefined) === (filter === undefined)) {
      throw problems.validation('Target CIs by ids or by a filter, not both and not neither.', [
        { path: 'ids', message: 'exactly one of ids and filter' },
      ]);
    }
    let targeted: string[];
    if (ids) targeted = await this.deps.list.existing(ids, trx);
    else {
      targeted = await this.deps.list.idsMatching(filter ?? {}, BULK_MAX_FILTERED + 1, trx);
      if (targeted.length > BULK_MAX_FILTERED) {
        throw problems.conflict(`The filter matches more than ${BULK_MAX_FILTERED} CIs; narrow it and try again. Nothing was changed.`);
      }
    }
    if (confirm !== targeted.length) {
      throw problems.conflict(
        `This request targets ${plural(targeted.length, 'CI')} but confirms ${confirm}; send confirm: ${targeted.length} to go ahead. Nothing was changed.`,
      );
    }
    return targeted;
  }

  /** Owners must be team or person CIs, locations site, room or rack CIs. */
  private async checkReferences(trx: Kysely<InventoryTables>, patch: BulkCiPatch): Promise<void> {
    const refs = [patch.ownerTeamId, patch.locationId].filter((v): v is string => typeof v === 'string');
    if (refs.length === 0) return;
    const types = await this.deps.bulk.typesOf(trx, refs);
    const errors = [];
    if (patch.ownerTeamId && !OWNER_TYPES.includes(types.get(patch.ownerTeamId) ?? '')) {
      errors.push({ path: 'patch.ownerTeamId', message: 'must be a team or person CI' });
    }
    if (patch.locationId && !LOCATION_TYPES.includes(types.get(patch.locationId) ?? '')) {
      errors.push({ path: 'patch.locationId', message: 'must be a site, room or rack CI' });
    }
    if (errors.length > 0) throw problems.validation('The patch refers to CIs that cannot be used there.', errors);
  }

  /** Every field whose value differs, sorted by name; a deleted CI (`after` null) changes every field to null. */
  private changes(before: Ci, after: Ci | null): Array<{ field: string; from: unknown; to: unknown }> {
    const a = flatten(before);
    const b = after ? flatten(after) : {};
    return [...new Set([...Object.keys(a), ...Object.keys(b)])]
      .sort()
      .filter((k) => canonicalJson(a[k] ?? null) !== canonicalJson(b[k] ?? null))
      .map((k) => ({ field: k, from: a[k] ?? null, to: b[k] ?? null }));
  }
}
