import type {
  TerraformImportCounts,
  TerraformImportListQuery,
  TerraformImportRequest,
  TerraformImportResult,
  TerraformImportSummary,
  TerraformRelationReport,
  TerraformResourceReport,
} from '@estate/contract';
import type { Kysely } from 'kysely';
import type { ActionContext } from '../../../platform/audit/audit-log';
import { HttpProblem, problems } from '../../../platform/http/problem';
import { newId } from '../../../platform/ids';
import type { DiscoveryTables } from '../discovery.tables';
import { IdentityRepository } from '../identity/identity.repository';
import { createIdentityService } from '../identity/identity.service';
import type { IdentityDeps } from '../identity/identity-deps';
import { TerraformRepository } from './terraform.repository';
import { mapState } from './terraform-mapping';
import { parseTerraformState, type TerraformState, typeOfAddress } from './terraform-state';

/** Imports of Terraform state files as cloud-resource CIs with their relationships. */
export interface TerraformService {
  /**
   * Imports a state (format version 4): each managed cloud resource is reconciled into a `cloud_resource` CI by its
   * `<provider>:<cloud id>` (source `import`, observer `terraform <lineage>`), the relationships the state implies are
   * ensured, and resources this lineage imported before that are missing now get their CIs retired with a
   * `vanished` history entry. Importing the same state again changes nothing. One transaction: a malformed state
   * (400) or an older serial than the lineage's last import (409) writes nothing; a dry run reports and rolls back.
   */
  import(request: TerraformImportRequest, ctx: ActionContext): Promise<TerraformImportResult>;
  /** Recorded imports, newest first. */
  list(query: TerraformImportListQuery): Promise<{ items: TerraformImportSummary[]; nextCursor: string | null }>;
}

/** Carries a dry run's report out of the transaction it rolls back. */
class DryRunRollback extends Error {
  constructor(readonly result: TerraformImportResult) {
    super('dry run');
  }
}

/** Builds the Terraform import service; CIs and relationships change only through the inventory's interface. */
export function createTerraformService(deps: IdentityDeps): TerraformService {
  const db = deps.db as unknown as Kysely<DiscoveryTables>;
  const repo = new TerraformRepository(deps.dialect);
  const identityRepo = new IdentityRepository(deps.dialect);

  async function importIn(
    trx: Kysely<DiscoveryTables>,
    state: TerraformState,
    request: Pick<TerraformImportRequest, 'dryRun'>,
    ctx: ActionContext,
  ): Promise<TerraformImportResult> {
    const mapping = mapState(state);
    const { lineage, serial } = state;
    await identityRepo.lock(trx);
    const last = await repo.lastSerial(trx, lineage);
    if (last !== null && serial < last) {
      throw problems.conflict(`This state of lineage ${lineage} is serial ${serial}, older than the last import (serial ${last}).`);
    }
    const identity = createIdentityService({ ...deps, db: trx });
    const { cis, relationships } = deps.inventory.within(trx);
    const observer = `terraform ${lineage}`;
    const counts: TerraformImportCounts = { created: 0, updated: 0, unchanged: 0, retired: 0, related: 0, skipped: 0 };
    const known = new Map((await repo.resources(trx, lineage)).map((r) => [r.external_id, r]));

    // A resource someone merged into a CI of another type (an agent's VM on this instance) keeps that CI's schema:
    // the import only confirms it is still there.
    const typeOf = await repo.typesByExternalId(
      trx,
      mapping.resources.map((r) => r.externalId),
    );
    const resources: TerraformResourceReport[] = [];
    const ciOf = new Map<string, string>();
    for (const r of mapping.resources) {
      const other = typeOf.has(r.externalId) && typeOf.get(r.externalId) !== 'cloud_resource';
      const result = await identity.reconcile(
        {
          source: 'import',
          observer,
          type: 'cloud_resource',
          name: r.name,
          identity: { externalId: r.externalId },
          fields: other ? {} : { attributes: r.attributes },
        },
        ctx,
      );
      let changed = result.changed;
      // A resource back in the state after it vanished: its CI is in service again.
      const previous = known.get(r.externalId);
      if (!result.created && previous?.vanished_serial !== null && previous !== undefined) {
        const ci = await cis.get(result.ciId);
        if (ci.status === 'retired')
          changed = (await cis.applyObserved(result.ciId, 'import', { status: 'deployed' }, ctx)).ci.version !== ci.version || changed;
      }
      await repo.present(trx, { lineage, external_id: r.externalId, address: r.address, ci_id: result.ciId, serial });
      ciOf.set(r.address, result.ciId);
      const action = result.created ? 'create' : changed ? 'update' : 'unchanged';
      counts[action === 'create' ? 'created' : action === 'update' ? 'updated' : 'unchanged']++;
      resources.push({
        address: r.address,
        resourceType: r.resourceType,
        externalId: r.externalId,
        name: r.name,
        action,
        ciId: request.dryRun && result.created ? null : result.ciId,
      });
    }

    const current = new Set(mapping.resources.map((r) => r.externalId));
    for (const gone of known.values()) {
      if (current.has(gone.external_id) || gone.vanished_serial !== null) continue;
      await repo.vanished(trx, lineage, gone.external_id, serial);
      if (!(await repo.holds(trx, gone.ci_id, gone.external_id))) continue;
      const ci = await cis.get(gone.ci_id);
      if (ci.status !== 'retired') await cis.applyObserved(ci.id, 'import', { status: 'retired' }, ctx);
      await deps.inventory.within(trx).appendHistory(ctx, {
        ciId: ci.id,
        kind: 'vanished',
        source: 'import',
        changes: [
          {
            field: 'terraform',
            from: `${gone.address} in state ${lineage} serial ${gone.serial}`,
            to: `vanished from state ${lineage} serial ${serial}`,
          },
        ],
      });
      counts.retired++;
      resources.push({
        address: gone.address,
        resourceType: typeOfAddress(gone.address),
        externalId: gone.external_id,
        name: ci.name,
        action: 'retire',
        ciId: ci.id,
      });
    }

    const relationReports: TerraformRelationReport[] = [];
    const existing = await repo.existingRelations(trx, [...ciOf.values()]);
    for (const rel of mapping.relations) {
      const sourceId = ciOf.get(rel.from) as string;
      const targetId = ciOf.get(rel.to) as string;
      if (existing.has(`${rel.type} ${sourceId} ${targetId}`)) {
        relationReports.push({ ...rel, action: 'exists' });
        continue;
      }
      try {
        await relationships.create({ type: rel.type, sourceId, targetId }, ctx, 'import');
        counts.related++;
        relationReports.push({ ...rel, action: 'create' });
      } catch (error) {
        // A refusal (type rules, a cycle through hand-made relationships) is decided before anything is written.
        if (!(error instanceof HttpProblem) || (error.status !== 400 && error.status !== 409)) throw error;
        counts.skipped++;
        relationReports.push({ ...rel, action: 'skipped', reason: error.detail ?? error.title });
      }
    }

    const id = newId();
    const result: TerraformImportResult = {
      id: request.dryRun ? null : id,
      dryRun: request.dryRun,
      lineage,
      serial,
      terraformVersion: state.terraformVersion,
      counts,
      resources,
      relationships: relationReports,
      ignored: mapping.ignored,
    };
    const userId = ctx.actor.type === 'user' || ctx.actor.type === 'token' ? ctx.actor.id : null;
    await repo.record(trx, { id, lineage, serial, summary: { terraformVersion: state.terraformVersion, counts }, userId, at: Date.now() });
    await deps.audit.append(trx, ctx, {
      action: 'discovery.terraform-import',
      targetType: 'terraform_import',
      targetId: id,
      after: { lineage, serial, terraformVersion: state.terraformVersion, counts },
    });
    if (request.dryRun) throw new DryRunRollback(result);
    return result;
  }

  return {
    async import(request, ctx) {
      // Parse before opening a transaction: a malformed state is refused without touching the store.
      const state = parseTerraformState(request.content);
      try {
        return await db.transaction().execute((trx) => importIn(trx, state, request, ctx));
      } catch (error) {
        if (error instanceof DryRunRollback) return error.result;
        throw error;
      }
    },
    list(query) {
      return repo.list(db, { lineage: query.lineage, limit: query.limit ?? 50, cursor: query.cursor });
    },
  };
}
