import type { Ci, CiDiff, CreateCiRequest, RelationshipType, Source, UpdateCiRequest } from '@estate/contract';
import type { Kysely } from 'kysely';
import type { ActionContext, AuditLog } from '../../platform/audit/audit-log';
import { canonicalJson } from '../../platform/audit/canonical-json';
import type { Dialect } from '../../platform/db/database';
import { withTransaction } from '../../platform/db/transaction';
import { type FieldError, problems } from '../../platform/http/problem';
import { newId } from '../../platform/ids';
import type { CommonField } from './ci.mapper';
import { CiRepository } from './ci.repository';
import {
  actorOf,
  COMMON_FIELDS,
  changesBetween,
  type FlatFields,
  flatten,
  flattenObserved,
  isEmpty,
  merge,
  type ObservedFields,
  replayEntries,
  unflatten,
  withoutNulls,
} from './ci-changes';
import type { CiHistoryRepository } from './ci-history.repository';
import { type IdentifierCheck, IdentifierGuard, identifierConflict, identifierIndexOf } from './ci-identifier-guard';
import type { IdentifierKeys } from './ci-identifiers';
import { type AttributeMisfit, ciType, splitAttributes, validateAttributes } from './ci-types';
import type { CustomFieldService } from './custom-field.service';
import type { InventoryTables } from './inventory.tables';
import { publishCiCreated, publishCiDeleted, publishCiUpdated, publishRelationshipChange } from './inventory-events';
import { ruleOf } from './relationship-types';

const OWNER_TYPES = ['team', 'person'];
const LOCATION_TYPES = ['site', 'room', 'rack'];

export type { ObservedFields } from './ci-changes';

/** A discovered value that was not applied because a person set the field by hand. */
export interface ObservedConflict {
  field: string;
  manual: unknown;
  observed: unknown;
}

/**
 * The rules of configuration items: typed attributes validated by the type's schema, custom fields by their
 * definitions, references to owners and locations checked, per-field provenance, a history entry, an audit entry
 * and a domain event (`ci.created`, `ci.updated`, `ci.deleted`) in the same transaction as every change, and
 * optimistic concurrency through versions.
 */
export class CiService {
  private readonly cis: CiRepository;
  private readonly guard: IdentifierGuard;

  constructor(
    private readonly db: Kysely<InventoryTables>,
    dialect: Dialect,
    private readonly audit: AuditLog,
    private readonly history: CiHistoryRepository,
    private readonly customFields: CustomFieldService,
  ) {
    this.cis = new CiRepository(db, dialect);
    this.guard = new IdentifierGuard(this.cis, history, audit);
  }

  /** The current CI (its version is the ETag's). */
  async get(id: string): Promise<Ci> {
    const ci = await this.cis.get(id);
    if (!ci) throw problems.notFound('The CI');
    return ci;
  }

  /** The current CI as its JSON document, and its version (the ETag's); 404 when there is none. */
  async getDocument(id: string): Promise<{ json: string; version: number }> {
    const doc = await this.cis.getDocument(id);
    if (!doc) throw problems.notFound('The CI');
    return doc;
  }

  /** The CI rebuilt from its history as it was at `at` (epoch ms); 404 when it did not exist then. */
  async getAsOf(id: string, at: number): Promise<Ci> {
    const state = replayEntries(id, await this.history.replay(id, at));
    if (!state) throw problems.notFound('The CI at that time');
    return state.ci;
  }

  /** Field-level differences between the CI at `from` and at `to` (default: now). */
  async diff(id: string, from: number, to = Date.now()): Promise<CiDiff> {
    if (to < from) throw problems.validation('`to` must not be before `from`.', [{ path: 'querystring/to', message: 'must be >= from' }]);
    const entries = await this.history.replay(id, to);
    if (entries.length === 0) throw problems.notFound('The CI');
    const before = replayEntries(
      id,
      entries.filter((e) => e.at <= from),
    );
    const after = replayEntries(id, entries);
    return {
      ciId: id,
      from,
      to,
      existedAtFrom: before !== null,
      existedAtTo: after !== null,
      changes: changesBetween(before?.flat ?? {}, after?.flat ?? {}),
    };
  }

  /**
   * Creates a CI with every given value recorded as coming from `source` (default manual; imports pass `import`, so
   * later imports may update those fields). 400 for invalid input, 409 for a taken (type, name), and — for manual
   * and import sources — 409 naming the other CI when another CI of the type's family holds the serial number or
   * asset tag (see ci-identifiers.ts). An agent's or scan's new CI keeps such a value without holding it, recorded as
   * a `conflict` in its history.
   */
  async create(input: CreateCiRequest, ctx: ActionContext, source: Source = 'manual'): Promise<Ci> {
    if (!ciType(input.type)) {
      throw problems.validation(`Unknown CI type ${input.type}.`, [
        { path: 'body/type', message: `is not a known CI type (${input.type})` },
      ]);
    }
    const now = Date.now();
    const common = Object.fromEntries(COMMON_FIELDS.map((k) => [k, input[k] ?? null])) as Pick<Ci, CommonField>;
    const ci: Ci = {
      id: newId(now),
      type: input.type,
      ...common,
      status: input.status ?? 'deployed',
      tags: [...(input.tags ?? [])].sort(),
      attributes: input.attributes ?? {},
      customFields: withoutNulls(input.customFields ?? {}),
      provenance: {},
      firstSeen: null,
      lastSeen: null,
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
    const flat = flatten(ci);
    for (const field of Object.keys(flat)) ci.provenance[field] = { source, at: now, actor: actorOf(ctx) };
    return this.write(async (trx) => {
      await this.assertValid(trx, ci, input.customFields ?? {}, true);
      if (await this.cis.nameTaken(trx, ci.type, ci.name)) throw this.nameConflict(ci);
      const identifiers = await this.guard.keysFor(trx, ci);
      if (identifiers.clashes.length > 0 && (source === 'manual' || source === 'import')) throw identifierConflict(identifiers.clashes);
      await this.cis.insert(trx, ci, identifiers.write as IdentifierKeys);
      await this.history.append(trx, ctx, {
        ciId: ci.id,
        kind: 'created',
        source,
        at: now,
        changes: [{ field: 'type', from: null, to: ci.type }, ...changesBetween({}, flat)],
      });
      await this.audit.append(trx, ctx, { action: 'ci.create', targetType: 'ci', targetId: ci.id, after: ci });
      await this.guard.recordDuplicates(trx, ci.id, identifiers.clashes, source, ctx, now);
      await publishCiCreated(trx, ci, source, ctx);
      return ci;
    }, ci);
  }

  /**
   * Merges `patch` into the CI at `expectedVersion` (412 when it moved on). Changed fields become manual; history
   * records exactly the changed fields. A patch that changes nothing writes nothing and returns the CI as it is.
   * 409 naming the other CI when the changed serial number (or manufacturer) or asset tag is held by another CI of
   * the family.
   */
  async update(id: string, patch: UpdateCiRequest, expectedVersion: number, ctx: ActionContext): Promise<Ci> {
    return this.write(async (trx) => {
      const before = await this.cis.get(id, trx);
      if (!before) throw problems.notFound('The CI');
      if (before.version !== expectedVersion) throw problems.preconditionFailed();
      const now = Date.now();
      const after: Ci = {
        ...before,
        ...(Object.fromEntries(COMMON_FIELDS.filter((k) => patch[k] !== undefined).map((k) => [k, patch[k]])) as Partial<Ci>),
        tags: patch.tags ? [...patch.tags].sort() : before.tags,
        attributes: merge(before.attributes, patch.attributes),
        customFields: merge(before.customFields, patch.customFields),
        provenance: { ...before.provenance },
        updatedAt: now,
        version: before.version + 1,
      };
      await this.assertValid(trx, after, patch.customFields ?? {}, false, patch.attributes !== undefined);
      const changes = changesBetween(flatten(before), flatten(after));
      if (changes.length === 0) return before;
      for (const c of changes) {
        if (isEmpty(c.to)) delete after.provenance[c.field];
        else after.provenance[c.field] = { source: 'manual', at: now, actor: actorOf(ctx) };
      }
      if (after.name !== before.name && (await this.cis.nameTaken(trx, after.type, after.name, id))) throw this.nameConflict(after);
      const identifiers = await this.guard.keysFor(trx, after, before);
      if (identifiers.clashes.length > 0) throw identifierConflict(identifiers.clashes);
      if (!(await this.cis.update(trx, after, expectedVersion, patch.tags !== undefined, identifiers.write)))
        throw problems.preconditionFailed();
      await this.history.append(trx, ctx, { ciId: id, kind: 'updated', source: 'manual', at: now, changes });
      await this.audit.append(trx, ctx, { action: 'ci.update', targetType: 'ci', targetId: id, before, after });
      await publishCiUpdated(trx, after, 'manual', ctx, changes);
      return after;
    });
  }

  /**
   * Deletes the CI at `expectedVersion`; history keeps its last values. 409 while other CIs name it as owner or
   * location. Its tags and relationships go with it.
   */
  async delete(id: string, expectedVersion: number, ctx: ActionContext): Promise<void> {
    // In the caller's transaction when built over one (a merge deletes the merged CI in its own).
    await this.write(async (trx) => {
      const before = await this.cis.get(id, trx);
      if (!before) throw problems.notFound('The CI');
      if (before.version !== expectedVersion) throw problems.preconditionFailed();
      // The foreign keys would clear those references silently, leaving changes that no history records.
      if (await this.cis.isReferenced(trx, id)) {
        throw problems.conflict('Other CIs name this CI as their owner or location; reassign them first.');
      }
      // The foreign keys drop this CI's relationships with it; record that on the other end of each one.
      const links = await trx
        .selectFrom('relationships')
        .select(['id', 'type', 'source_id', 'target_id'])
        .where((eb) => eb.or([eb('source_id', '=', id), eb('target_id', '=', id)]))
        .execute();
      if (!(await this.cis.delete(trx, id, expectedVersion))) throw problems.preconditionFailed();
      for (const link of links) {
        const rule = ruleOf(link.type as RelationshipType);
        const atSource = link.source_id === id;
        await this.history.append(trx, ctx, {
          ciId: atSource ? link.target_id : link.source_id,
          kind: 'unrelated',
          source: 'manual',
          changes: [{ field: `relationship:${atSource ? rule.inverseKey : rule.type}`, from: `${id} (${before.name})`, to: null }],
        });
        await publishRelationshipChange(trx, 'relationship.removed', link, 'manual', ctx);
      }
      const changes = changesBetween(flatten(before), {});
      await this.history.append(trx, ctx, { ciId: id, kind: 'deleted', source: 'manual', changes });
      await this.audit.append(trx, ctx, { action: 'ci.delete', targetType: 'ci', targetId: id, before });
      await publishCiDeleted(trx, before, 'manual', ctx);
    });
  }

  /**
   * Records that an observer saw the CI at `at` without observing anything new (a host agent's every request), so
   * the CI's `lastSeen` and the observer's own last contact are one time. Changes no field, version, history or
   * audit entry; a later `lastSeen` already stored is kept. An unknown CI is ignored.
   */
  async markSeen(ciId: string, at: number): Promise<void> {
    await this.cis.markSeen(this.db, ciId, at);
  }

  /**
   * Applies values observed by discovery (`agent`, `scan`) or an `import`. A field is set when its current value was
   * not entered by hand; a hand-entered field that differs keeps its value and gets a `conflict` history entry
   * instead, and the conflicts are returned. Fields are common fields (owner and location as CI ids), the tag set
   * (compared and owned as one field, `tags`), and attributes and custom fields key by key. `lastSeen` (and, the first
   * time, `firstSeen`) are stamped. Changes are audited and versioned like any other update; an observation that
   * changes nothing leaves the version alone. Invalid values (the type's schema, custom field definitions, owner and
   * location references) are a 400 and nothing is written. An observed serial number or asset tag another CI of the
   * family holds is applied but not held (see ci-identifiers.ts): a `conflict` history entry names the other CI.
   */
  async applyObserved(
    ciId: string,
    source: Exclude<Source, 'manual'>,
    fields: ObservedFields,
    ctx: ActionContext,
  ): Promise<{ ci: Ci; conflicts: ObservedConflict[] }> {
    return this.write(async (trx) => {
      const before = await this.cis.get(ciId, trx);
      if (!before) throw problems.notFound('The CI');
      const now = Date.now();
      const current = flatten(before);
      const conflicts: ObservedConflict[] = [];
      const next: FlatFields = { ...current };
      const provenance = { ...before.provenance };
      for (const [field, value] of Object.entries(flattenObserved(fields))) {
        const same = canonicalJson(current[field] ?? null) === canonicalJson(isEmpty(value) ? null : value);
        if (same) continue;
        if (provenance[field]?.source === 'manual') {
          conflicts.push({ field, manual: current[field] ?? null, observed: value ?? null });
          continue;
        }
        if (isEmpty(value)) {
          delete next[field];
          delete provenance[field];
        } else {
          next[field] = value;
          provenance[field] = { source, at: now, actor: actorOf(ctx) };
        }
      }
      const changes = changesBetween(current, next);
      const after: Ci = {
        ...before,
        ...unflatten(next),
        status: (next.status as Ci['status'] | undefined) ?? before.status,
        provenance,
        firstSeen: before.firstSeen ?? now,
        lastSeen: now,
        updatedAt: changes.length > 0 ? now : before.updatedAt,
        version: changes.length > 0 ? before.version + 1 : before.version,
      };
      const changed = (prefix: string) => changes.some((c) => c.field.startsWith(prefix));
      let identifiers: IdentifierCheck = { write: {}, clashes: [] };
      if (changes.length > 0) {
        const customWritten = Object.fromEntries(
          changes.filter((c) => c.field.startsWith('customFields.')).map((c) => [c.field.slice('customFields.'.length), c.to]),
        );
        const references = changed('ownerTeamId') || changed('locationId');
        await this.assertValid(trx, after, customWritten, false, changed('attributes.'), references);
        if (after.name !== before.name && (await this.cis.nameTaken(trx, after.type, after.name, ciId))) throw this.nameConflict(after);
        identifiers = await this.guard.keysFor(trx, after, before);
      }
      if (!(await this.cis.update(trx, after, before.version, changed('tags'), identifiers.write))) throw problems.preconditionFailed();
      if (changes.length > 0) {
        await this.history.append(trx, ctx, { ciId, kind: 'updated', source, at: now, changes });
        await this.audit.append(trx, ctx, { action: 'ci.update', targetType: 'ci', targetId: ciId, before, after: { ...after, source } });
        await publishCiUpdated(trx, after, source, ctx, changes);
      }
      if (conflicts.length > 0) {
        await this.history.append(trx, ctx, {
          ciId,
          kind: 'conflict',
          source,
          at: now,
          changes: conflicts.map((c) => ({ field: c.field, from: c.manual, to: c.observed })),
        });
        await this.audit.append(trx, ctx, { action: 'ci.conflict', targetType: 'ci', targetId: ciId, after: { source, conflicts } });
      }
      await this.guard.recordDuplicates(trx, ciId, identifiers.clashes, source, ctx, now);
      return { ci: after, conflicts };
    });
  }

  /**
   * Changes the type of a CI, for an observer that knows better what the thing is than the one that created it (a
   * host a scan took for a switch, which its agent reports as a server). Attributes the new type cannot hold and the
   * custom fields (they belong to the old type) are removed and returned, so the caller can keep them elsewhere. The
   * name must be free in the new type (409). History records the type change and the removed values; audited and
   * published like any update. The same type again changes nothing.
   */
  async retype(
    ciId: string,
    type: string,
    source: Exclude<Source, 'manual'>,
    ctx: ActionContext,
  ): Promise<{ ci: Ci; removed: AttributeMisfit[] }> {
    if (!ciType(type)) throw problems.validation(`Unknown CI type ${type}.`, [{ path: 'body/type', message: 'is not a known CI type' }]);
    return this.write(async (trx) => {
      const before = await this.cis.get(ciId, trx);
      if (!before) throw problems.notFound('The CI');
      if (before.type === type) return { ci: before, removed: [] };
      const now = Date.now();
      const { fitting, misfits } = splitAttributes(type, before.attributes);
      const removed = [
        ...misfits,
        ...Object.entries(before.customFields).map(([key, value]) => ({
          key: `customFields.${key}`,
          value,
          reason: `custom fields of a ${before.type} do not apply to a ${type}`,
        })),
      ];
      const provenance = { ...before.provenance };
      for (const r of removed) delete provenance[r.key.startsWith('customFields.') ? r.key : `attributes.${r.key}`];
      const after: Ci = {
        ...before,
        type,
        attributes: fitting,
        customFields: {},
        provenance,
        updatedAt: now,
        version: before.version + 1,
      };
      await this.assertValid(trx, after, {}, false, true, false);
      if (await this.cis.nameTaken(trx, type, after.name, ciId)) throw this.nameConflict(after);
      if (!(await this.cis.update(trx, after, before.version, false))) throw problems.preconditionFailed();
      const changes = [{ field: 'type', from: before.type, to: type }, ...changesBetween(flatten(before), flatten(after))];
      await this.history.append(trx, ctx, { ciId, kind: 'updated', source, at: now, changes });
      await this.audit.append(trx, ctx, { action: 'ci.update', targetType: 'ci', targetId: ciId, before, after: { ...after, source } });
      await publishCiUpdated(trx, after, source, ctx, changes);
      return { ci: after, removed };
    });
  }

  /**
   * Checks attributes, custom fields and references of `ci` as it would be written; throws one 400 listing every
   * problem. `customValues` are the custom keys the request wrote (null clears); `creating` enforces required ones;
   * attributes and owner/location references are checked only when written (they were valid before).
   */
  private async assertValid(
    db: Kysely<InventoryTables>,
    ci: Ci,
    customValues: Record<string, unknown>,
    creating: boolean,
    attributesWritten = true,
    referencesWritten = true,
  ): Promise<void> {
    const errors: FieldError[] = attributesWritten ? validateAttributes(ci.type, ci.attributes) : [];
    // Without custom values written (and not creating), no definition can be broken: skip its query.
    if (creating || Object.keys(customValues).length > 0) {
      errors.push(...(await this.customFields.validate(db, ci.type, customValues, ci.customFields, creating)));
    }
    const ids = [ci.ownerTeamId, ci.locationId].filter((v): v is string => v !== null);
    const types = referencesWritten ? await this.cis.typesOf(ids, db) : new Map<string, string>();
    const checkRef = (field: 'ownerTeamId' | 'locationId', allowed: string[], what: string) => {
      const id = ci[field];
      if (id === null) return;
      const found = types.get(id);
      if (id === ci.id) errors.push({ path: `body/${field}`, message: 'must not refer to the CI itself' });
      else if (found === undefined) errors.push({ path: `body/${field}`, message: `refers to a CI that does not exist (${id})` });
      else if (!allowed.includes(found)) errors.push({ path: `body/${field}`, message: `must refer to ${what}, not a ${found}` });
    };
    if (referencesWritten) {
      checkRef('ownerTeamId', OWNER_TYPES, 'a team or person CI');
      checkRef('locationId', LOCATION_TYPES, 'a site, room or rack CI');
    }
    if (errors.length > 0) throw problems.validation(`The CI is not valid for type ${ci.type}.`, errors);
  }

  private nameConflict(ci: Pick<Ci, 'type' | 'name'>) {
    return problems.conflict(nameTaken(ci));
  }

  /**
   * Runs a write transaction, turning a lost race on the unique (type, name) index into the same 409. A service built
   * over a transaction (an import's batch) writes in that transaction instead of opening its own.
   */
  private write<T>(fn: (trx: Kysely<InventoryTables>) => Promise<T>, ci?: Pick<Ci, 'type' | 'name'>): Promise<T> {
    const name = ci ? nameTaken(ci) : 'A CI of that type and name already exists.';
    return withTransaction(this.db, fn, { conflict: (error) => identifierIndexOf(error) ?? name });
  }
}

/** The detail of the 409 for a CI whose (type, name) is taken. */
function nameTaken(ci: Pick<Ci, 'type' | 'name'>): string {
  return `A CI of type ${ci.type} named "${ci.name}" already exists.`;
}
