import type {
  Ci,
  MergeResult,
  MergeSuggestion,
  MergeSuggestionListQuery,
  RelationshipType,
  SkippedRelationship,
  Source,
  UpdateCiRequest,
} from '@estate/contract';
import type { Kysely } from 'kysely';
import type { ActionContext } from '../../../platform/audit/audit-log';
import { HttpProblem, problems } from '../../../platform/http/problem';
import type { InventoryWriter, ObservedFields } from '../../inventory';
import type { DiscoveryTables } from '../discovery.tables';
import { IdentityRepository } from './identity.repository';
import type { IdentityDeps } from './identity-deps';
import { MergeRepository } from './merge.repository';

/** Common fields a merge may fill on the kept CI; name and status stay the kept CI's own. */
const FILLABLE = [
  'environment',
  'criticality',
  'serial',
  'assetTag',
  'manufacturer',
  'model',
  'purchaseDate',
  'warrantyEnd',
  'endOfLife',
  'monthlyCost',
  'ownerTeamId',
  'locationId',
] as const;
/** Fields discovery never observes: filled as manual edits whatever their provenance. */
const MANUAL_ONLY = new Set<string>(['ownerTeamId', 'locationId']);

const empty = (v: unknown) => v === null || v === undefined || (Array.isArray(v) && v.length === 0);

/** Reviewing merge suggestions: list them, merge a pair into one CI, or dismiss them. */
export interface MergeService {
  /** Newest first, optionally one status, keyset paged. */
  list(query: MergeSuggestionListQuery): Promise<{ items: MergeSuggestion[]; nextCursor: string | null }>;
  /**
   * Merges the pair of an open suggestion into `keepCiId` (400 unless it is one of the pair; 404 for an unknown
   * suggestion; 409 when the suggestion is no longer open or a CI of it is gone). The other CI's relationships move
   * to the kept one (ones that would duplicate, link the pair to itself, break the type rules or close a cycle are
   * skipped and reported), its identifiers, software, interfaces and observed facts move (the kept CI's own win on a
   * clash), fields empty on
   * the kept CI are filled with their provenance, the kept CI's history gets a `merged` entry, and the other CI is
   * deleted through the CI service. Other open suggestions naming the deleted CI are dismissed. One transaction.
   */
  merge(id: string, keepCiId: string, ctx: ActionContext): Promise<MergeResult>;
  /** Dismisses an open suggestion (409 when it is not open); the pair is not suggested again. */
  dismiss(id: string, ctx: ActionContext): Promise<MergeSuggestion>;
}

/** Builds the merge service; CIs and relationships change only through the inventory's interface. */
export function createMergeService(deps: IdentityDeps): MergeService {
  const repo = new MergeRepository(deps.dialect);
  const identity = new IdentityRepository(deps.dialect);
  const db = deps.db as unknown as Kysely<DiscoveryTables>;
  const userOf = (ctx: ActionContext) => (ctx.actor.type === 'user' || ctx.actor.type === 'token' ? ctx.actor.id : null);

  async function openSuggestion(trx: Kysely<DiscoveryTables>, id: string) {
    const row = await repo.get(trx, id);
    if (!row) throw problems.notFound('The merge suggestion');
    if (row.status !== 'open') throw problems.conflict(`The merge suggestion is already ${row.status}.`);
    return row;
  }

  async function mergeIn(trx: Kysely<DiscoveryTables>, id: string, keepCiId: string, ctx: ActionContext): Promise<MergeResult> {
    // The reconciliation lock: no observation may attach itself to the CI being merged away meanwhile.
    await identity.lock(trx);
    const row = await openSuggestion(trx, id);
    if (row.ciId === null || row.otherCiId === null) throw problems.conflict('A CI of this suggestion no longer exists.');
    if (keepCiId !== row.ciId && keepCiId !== row.otherCiId) {
      throw problems.validation('keepCiId must be one of the two CIs of the suggestion.', [
        { path: 'body/keepCiId', message: `must be ${row.ciId} or ${row.otherCiId}` },
      ]);
    }
    const mergedId = keepCiId === row.ciId ? row.otherCiId : row.ciId;
    const { cis, relationships } = deps.inventory.within(trx);
    const kept = await cis.get(keepCiId);
    const merged = await cis.get(mergedId);

    // Read everything the merged CI has before its deletion cascades it away.
    const links = await repo.relationshipsOf(trx, mergedId);
    const identifiers = await repo.identifiers(trx, mergedId);
    const software = await repo.software(trx, mergedId);
    const others = await repo.openInvolving(trx, mergedId, id);
    const names = await repo.names(
      trx,
      links.map((l) => (l.source_id === mergedId ? l.target_id : l.source_id)),
    );

    await repo.repointTerraformResources(trx, mergedId, keepCiId);
    await repo.moveObserved(trx, mergedId, keepCiId);
    await cis.delete(mergedId, merged.version, ctx);
    const filledFields = await fill(cis, kept, merged, ctx);
    const movedIdentifiers = await repo.addIdentifiers(trx, keepCiId, identifiers);
    const movedSoftware = (await repo.addSoftware(trx, keepCiId, software)).length;

    let movedRelationships = 0;
    const skippedRelationships: SkippedRelationship[] = [];
    for (const link of links) {
      const atSource = link.source_id === mergedId;
      const otherId = atSource ? link.target_id : link.source_id;
      const skip = (reason: string) =>
        skippedRelationships.push({ type: link.type, otherCiId: otherId, otherCiName: names.get(otherId) ?? otherId, reason });
      if (otherId === keepCiId) {
        skip('it linked the two merged CIs');
        continue;
      }
      try {
        await relationships.create(
          {
            type: link.type as RelationshipType,
            sourceId: atSource ? keepCiId : link.source_id,
            targetId: atSource ? link.target_id : keepCiId,
          },
          ctx,
          link.source as Source,
        );
        movedRelationships++;
      } catch (error) {
        // Refusals are decided before anything is written, so the transaction goes on.
        if (error instanceof HttpProblem && (error.status === 400 || error.status === 409)) skip(error.detail ?? error.title);
        else throw error;
      }
    }

    const now = Date.now();
    const moved = { relationships: movedRelationships, identifiers: movedIdentifiers, software: movedSoftware, fields: filledFields };
    await deps.inventory.within(trx).appendHistory(ctx, {
      ciId: keepCiId,
      kind: 'merged',
      source: 'manual',
      at: now,
      changes: [
        { field: 'merged', from: `${mergedId} (${merged.name})`, to: keepCiId },
        { field: 'moved', from: null, to: moved },
        ...(skippedRelationships.length > 0 ? [{ field: 'skipped', from: null, to: skippedRelationships }] : []),
      ],
    });
    const details = {
      ...row.details,
      merge: { keptCiId: keepCiId, mergedCiId: mergedId, mergedName: merged.name, mergedType: merged.type, ...moved },
    };
    if ((await repo.resolve(trx, [id], 'merged', now, userOf(ctx), details)) !== 1) {
      throw problems.conflict('The merge suggestion was resolved meanwhile.');
    }
    await repo.resolve(trx, others, 'dismissed', now, userOf(ctx));
    const suggestion = await repo.present(trx, id);
    if (!suggestion) throw problems.conflict('The merge suggestion was deleted meanwhile.');
    const result: MergeResult = {
      suggestion,
      keptCiId: keepCiId,
      mergedCiId: mergedId,
      movedRelationships,
      skippedRelationships,
      movedIdentifiers,
      movedSoftware,
      filledFields,
      dismissedSuggestionIds: others,
    };
    await deps.audit.append(trx, ctx, {
      action: 'discovery.merge',
      targetType: 'merge_suggestion',
      targetId: id,
      before: { ciId: row.ciId, otherCiId: row.otherCiId, reason: row.reason, status: row.status },
      after: { ...result, suggestion: undefined, status: 'merged' },
    });
    return result;
  }

  /**
   * Fills the kept CI's empty fields from the merged one. Each value keeps the source it had: observed values are
   * applied as observations of that source, hand-entered ones (and owner, location, tags, custom fields) as a manual
   * edit. Attributes and custom fields move only between CIs of the same type, whose schemas they fit.
   */
  async function fill(cis: InventoryWriter['cis'], kept: Ci, merged: Ci, ctx: ActionContext): Promise<string[]> {
    const filled: string[] = [];
    const observed = new Map<Exclude<Source, 'manual'>, ObservedFields & { attributes: Record<string, unknown> }>();
    const manual: UpdateCiRequest & { attributes: Record<string, unknown>; customFields: Record<string, unknown> } = {
      attributes: {},
      customFields: {},
    };
    const put = (field: string, set: (bucket: ObservedFields & { attributes: Record<string, unknown> }) => void) => {
      const source = merged.provenance[field]?.source ?? 'manual';
      filled.push(field);
      if (source === 'manual' || MANUAL_ONLY.has(field)) {
        set(manual as ObservedFields & { attributes: Record<string, unknown> });
        return;
      }
      const bucket = observed.get(source) ?? { attributes: {} };
      set(bucket);
      observed.set(source, bucket);
    };
    for (const f of FILLABLE) {
      const value = merged[f];
      if (empty(kept[f]) && !empty(value)) put(f, (b) => Object.assign(b, { [f]: value }));
    }
    if (kept.type === merged.type) {
      for (const [k, v] of Object.entries(merged.attributes)) {
        if (empty(kept.attributes[k]) && !empty(v)) put(`attributes.${k}`, (b) => Object.assign(b.attributes, { [k]: v }));
      }
      for (const [k, v] of Object.entries(merged.customFields)) {
        if (empty(kept.customFields[k]) && !empty(v)) {
          filled.push(`customFields.${k}`);
          manual.customFields[k] = v;
        }
      }
    }
    const newTags = merged.tags.filter((t) => !kept.tags.includes(t));
    if (newTags.length > 0) {
      filled.push('tags');
      manual.tags = [...kept.tags, ...newTags].slice(0, 50);
    }
    for (const [source, fields] of observed) await cis.applyObserved(kept.id, source, fields, ctx);
    const hasManual =
      Object.keys(manual).some((k) => k !== 'attributes' && k !== 'customFields') ||
      Object.keys(manual.attributes).length > 0 ||
      Object.keys(manual.customFields).length > 0;
    if (hasManual) {
      const current = await cis.get(kept.id);
      const patch: UpdateCiRequest = { ...manual };
      if (Object.keys(manual.attributes).length === 0) delete patch.attributes;
      if (Object.keys(manual.customFields).length === 0) delete patch.customFields;
      await cis.update(kept.id, patch, current.version, ctx);
    }
    return filled.sort();
  }

  return {
    list(query) {
      return repo.list(db, { status: query.status, limit: query.limit ?? 50, cursor: query.cursor });
    },
    merge(id, keepCiId, ctx) {
      return db.transaction().execute((trx) => mergeIn(trx, id, keepCiId, ctx));
    },
    dismiss(id, ctx) {
      return db.transaction().execute(async (trx) => {
        const row = await openSuggestion(trx, id);
        await repo.resolve(trx, [id], 'dismissed', Date.now(), userOf(ctx));
        await deps.audit.append(trx, ctx, {
          action: 'discovery.merge-dismissed',
          targetType: 'merge_suggestion',
          targetId: id,
          before: { ciId: row.ciId, otherCiId: row.otherCiId, reason: row.reason, status: 'open' },
          after: { status: 'dismissed' },
        });
        const suggestion = await repo.present(trx, id);
        if (!suggestion) throw problems.notFound('The merge suggestion');
        return suggestion;
      });
    },
  };
}
