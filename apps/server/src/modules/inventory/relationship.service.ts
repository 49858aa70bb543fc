import type { CreateRelationshipRequest, Relationship, RelationshipListQuery, RelationshipTypeInfo, Source } from '@estate/contract';
import type { Kysely } from 'kysely';
import type { ActionContext, AuditLog } from '../../platform/audit/audit-log';
import type { Dialect } from '../../platform/db/database';
import { withTransaction } from '../../platform/db/transaction';
import { problems } from '../../platform/http/problem';
import { newId } from '../../platform/ids';
import type { CiHistoryRepository } from './ci-history.repository';
import type { InventoryTables, RelationshipsTable } from './inventory.tables';
import { publishRelationshipChange } from './inventory-events';
import { type CiStub, RelationshipRepository, type RelationshipWithEnds } from './relationship.repository';
import { allowsPair, RELATIONSHIP_RULES, type RelationshipRule, ruleOf } from './relationship-types';

/** Presents a relationship row with its names read from each end. */
export function toRelationship(row: RelationshipsTable & Partial<RelationshipWithEnds>): Relationship {
  const rule = ruleOf(row.type as Relationship['type']);
  const ends =
    row.source_name === undefined
      ? {}
      : { sourceName: row.source_name, sourceType: row.source_type, targetName: row.target_name, targetType: row.target_type };
  return {
    ...ends,
    id: row.id,
    type: rule.type,
    sourceId: row.source_id,
    targetId: row.target_id,
    name: rule.name,
    inverseName: rule.inverseName,
    source: row.source as Source,
    createdAt: Number(row.created_at),
  };
}

const label = (ci: CiStub) => `${ci.id} (${ci.name})`;
const article = (type: string) => (/^[aeiou]/.test(type) ? 'an' : 'a');

/**
 * Relationships between CIs: typed, directed (or symmetric), checked against the type's allowed CI types, unique
 * (A–B equals B–A for symmetric types), and acyclic where the type says so. Every change is audited, recorded in
 * the history of both ends and published (`relationship.added`, `relationship.removed`), in the transaction of the
 * change; a refused change writes nothing.
 */
export class RelationshipService {
  private readonly repo: RelationshipRepository;

  constructor(
    private readonly db: Kysely<InventoryTables>,
    private readonly dialect: Dialect,
    private readonly audit: AuditLog,
    private readonly history: CiHistoryRepository,
  ) {
    this.repo = new RelationshipRepository(db);
  }

  /** The rules of every relationship type. */
  types(): RelationshipTypeInfo[] {
    return RELATIONSHIP_RULES.map((r) => ({
      id: r.type,
      name: r.name,
      inverseName: r.inverseName,
      symmetric: r.symmetric,
      acyclic: r.acyclic,
      sourceTypes: [...r.sources],
      targetTypes: [...r.targets],
      impacted: r.impacted,
      description: r.description,
    }));
  }

  async list(query: RelationshipListQuery): Promise<{ items: Relationship[]; nextCursor: string | null }> {
    const page = await this.repo.list({ ...query, limit: query.limit ?? 50 });
    return { items: page.items.map(toRelationship), nextCursor: page.nextCursor };
  }

  async get(id: string): Promise<Relationship> {
    const row = await this.repo.byId(id);
    if (!row) throw problems.notFound('The relationship');
    return toRelationship(row);
  }

  /**
   * Creates a relationship. 400 for a self-link or a type pair the rules do not allow, 404 when either CI is missing,
   * 409 for a duplicate or a cycle (the detail names the path). Symmetric relationships are stored with the smaller
   * id as source. A service built over a transaction (an import's batch) writes in that transaction.
   */
  async create(input: CreateRelationshipRequest, ctx: ActionContext, source: Source = 'manual'): Promise<Relationship> {
    const rule = ruleOf(input.type);
    if (input.sourceId === input.targetId) throw problems.validation('A CI cannot be related to itself.');
    const [sourceId, targetId] =
      rule.symmetric && input.targetId < input.sourceId ? [input.targetId, input.sourceId] : [input.sourceId, input.targetId];
    // Two concurrent creates of the same relationship: the unique index refuses the second, a 409 like the checked one.
    return withTransaction(
      this.db,
      async (trx) => {
        const found = await this.repo.cis([sourceId, targetId], trx);
        const from = found.find((c) => c.id === sourceId);
        const to = found.find((c) => c.id === targetId);
        if (!from) throw problems.notFound(`The CI ${sourceId}`);
        if (!to) throw problems.notFound(`The CI ${targetId}`);
        this.assertAllowed(rule, from, to);
        if (rule.acyclic && this.dialect === 'postgres') await this.repo.lockForCycleCheck(trx, rule.type);
        if (await this.repo.find(rule.type, sourceId, targetId, trx)) throw this.duplicate(rule, from, to);
        if (rule.acyclic) {
          const path = await this.repo.pathBetween(trx, rule.type, targetId, sourceId);
          if (path) {
            const names = new Map(found.map((c) => [c.id, c.name]));
            const missing = path.filter((id) => !names.has(id));
            if (missing.length > 0) for (const ci of await this.repo.cis(missing, trx)) names.set(ci.id, ci.name);
            const chain = [sourceId, ...path].map((id) => `${names.get(id) ?? id} (${id})`).join(` ${rule.name} `);
            throw problems.conflict(`This ${rule.type} relationship would make a cycle: ${chain}.`);
          }
        }
        const row: RelationshipsTable = {
          id: newId(),
          type: rule.type,
          source_id: sourceId,
          target_id: targetId,
          source,
          created_at: Date.now(),
        };
        await this.repo.insert(trx, row);
        await this.recordBothEnds(trx, ctx, rule, from, to, 'related', source);
        const relationship = toRelationship(row);
        await this.audit.append(trx, ctx, {
          action: 'relationship.create',
          targetType: 'relationship',
          targetId: row.id,
          after: relationship,
        });
        await publishRelationshipChange(trx, 'relationship.added', row, source, ctx);
        return relationship;
      },
      { conflict: `This ${rule.type} relationship already exists.` },
    );
  }

  /**
   * The relationship of `type` between the two CIs, created (with `source`) when it does not exist yet: how discovery
   * records what it sees again and again. Refused pairs and cycles are errors as for `create`.
   */
  async ensure(input: CreateRelationshipRequest, ctx: ActionContext, source: Source): Promise<Relationship> {
    const rule = ruleOf(input.type);
    const [sourceId, targetId] =
      rule.symmetric && input.targetId < input.sourceId ? [input.targetId, input.sourceId] : [input.sourceId, input.targetId];
    const existing = await this.repo.find(rule.type, sourceId, targetId, this.db);
    return existing ? toRelationship(existing) : this.create(input, ctx, source);
  }

  /** Deletes a relationship; 404 when it does not exist. */
  async delete(id: string, ctx: ActionContext): Promise<void> {
    await withTransaction(this.db, async (trx) => {
      const row = await this.repo.byId(id, trx);
      if (!row) throw problems.notFound('The relationship');
      const rule = ruleOf(row.type as Relationship['type']);
      const found = await this.repo.cis([row.source_id, row.target_id], trx);
      const from = found.find((c) => c.id === row.source_id) ?? { id: row.source_id, type: '', name: '?' };
      const to = found.find((c) => c.id === row.target_id) ?? { id: row.target_id, type: '', name: '?' };
      await this.repo.delete(trx, id);
      await this.recordBothEnds(trx, ctx, rule, from, to, 'unrelated', 'manual');
      await this.audit.append(trx, ctx, {
        action: 'relationship.delete',
        targetType: 'relationship',
        targetId: id,
        before: toRelationship(row),
      });
      await publishRelationshipChange(trx, 'relationship.removed', row, 'manual', ctx);
    });
  }

  private assertAllowed(rule: RelationshipRule, from: CiStub, to: CiStub): void {
    if (allowsPair(rule, from.type, to.type)) return;
    throw problems.validation(
      `A ${rule.type} relationship from ${article(from.type)} ${from.type} to ${article(to.type)} ${to.type} is not allowed: ` +
        `${rule.type} links ${rule.sources.join(', ')} to ${rule.targets.join(', ')}.`,
      [{ path: 'body/type', message: `does not allow ${from.type} → ${to.type}` }],
    );
  }

  private duplicate(rule: RelationshipRule, from: CiStub, to: CiStub) {
    return problems.conflict(`${from.name} is already ${rule.name} ${to.name} (${rule.type}).`);
  }

  private async recordBothEnds(
    trx: Kysely<InventoryTables>,
    ctx: ActionContext,
    rule: RelationshipRule,
    from: CiStub,
    to: CiStub,
    kind: 'related' | 'unrelated',
    source: Source,
  ): Promise<void> {
    const change = (other: CiStub) => (kind === 'related' ? { from: null, to: label(other) } : { from: label(other), to: null });
    await this.history.append(trx, ctx, {
      ciId: from.id,
      kind,
      source,
      changes: [{ field: `relationship:${rule.type}`, ...change(to) }],
    });
    await this.history.append(trx, ctx, {
      ciId: to.id,
      kind,
      source,
      changes: [{ field: `relationship:${rule.inverseKey}`, ...change(from) }],
    });
  }
}
