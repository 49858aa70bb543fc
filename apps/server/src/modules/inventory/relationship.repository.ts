import type { RelationshipType } from '@estate/contract';
import { type Kysely, sql } from 'kysely';
import { decodeCursor, toPage } from '../../platform/http/pagination';
import type { InventoryTables, RelationshipsTable } from './inventory.tables';

/** The few fields of a CI a relationship needs: its type for the rules, its name for history. */
export interface CiStub {
  id: string;
  type: string;
  name: string;
}

/** Longest chain the cycle check walks; containment and hosting chains are a handful deep in practice. */
const MAX_CYCLE_WALK_ROWS = 10_000;

/** SQL for relationships. Every method takes the executor, so writes and their checks share one transaction. */
/** A relationship row with the names and types of both ends. */
export type RelationshipWithEnds = RelationshipsTable & {
  source_name: string;
  source_type: string;
  target_name: string;
  target_type: string;
};

export class RelationshipRepository {
  constructor(private readonly db: Kysely<InventoryTables>) {}

  /** The CIs among `ids` that exist. */
  cis(ids: string[], db: Kysely<InventoryTables> = this.db): Promise<CiStub[]> {
    return db.selectFrom('cis').select(['id', 'type', 'name']).where('id', 'in', ids).execute();
  }

  byId(id: string, db: Kysely<InventoryTables> = this.db): Promise<RelationshipsTable | undefined> {
    return db.selectFrom('relationships').selectAll().where('id', '=', id).executeTakeFirst();
  }

  find(type: string, sourceId: string, targetId: string, db: Kysely<InventoryTables>): Promise<RelationshipsTable | undefined> {
    return db
      .selectFrom('relationships')
      .selectAll()
      .where('type', '=', type)
      .where('source_id', '=', sourceId)
      .where('target_id', '=', targetId)
      .executeTakeFirst();
  }

  async insert(db: Kysely<InventoryTables>, row: RelationshipsTable): Promise<void> {
    await db.insertInto('relationships').values(row).execute();
  }

  async delete(db: Kysely<InventoryTables>, id: string): Promise<boolean> {
    const result = await db.deleteFrom('relationships').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /**
   * The path `from → … → to` along relationships of `type` (source to target), or null when `to` is not reachable.
   * One recursive statement; each (node, parent) pair is produced once, so cycles already present cannot loop it.
   */
  async pathBetween(db: Kysely<InventoryTables>, type: string, from: string, to: string): Promise<string[] | null> {
    const result = await sql<{ id: string; parent: string | null }>`
      with recursive walk(id, parent) as (
        select cast(${from} as text), cast(null as text)
        union
        select r.target_id, r.source_id
        from walk w
        join relationships r on r.source_id = w.id and r.type = ${type}
      )
      select id, parent from walk limit ${MAX_CYCLE_WALK_ROWS}
    `.execute(db);
    const parents = new Map<string, string | null>();
    for (const row of result.rows) if (!parents.has(row.id)) parents.set(row.id, row.parent);
    if (!parents.has(to)) return null;
    const path: string[] = [];
    for (let at: string | null | undefined = to; at !== null && at !== undefined && path.length <= parents.size; at = parents.get(at)) {
      path.unshift(at);
      if (at === from) break;
    }
    return path;
  }

  /** Takes the PostgreSQL transaction lock that serialises acyclic-relationship writes (two edges closing one cycle). */
  async lockForCycleCheck(db: Kysely<InventoryTables>, type: string): Promise<void> {
    await sql`select pg_advisory_xact_lock(hashtext(${`relationships:${type}`}))`.execute(db);
  }

  /** A page of relationships, by id; `ciId` matches either end. */
  async list(query: {
    limit: number;
    cursor?: string | undefined;
    ciId?: string | undefined;
    type?: RelationshipType | undefined;
  }): Promise<{ items: RelationshipWithEnds[]; nextCursor: string | null }> {
    // Both ends' names come with the page, in the same statement.
    let q = this.db
      .selectFrom('relationships')
      .innerJoin('cis as s', 's.id', 'relationships.source_id')
      .innerJoin('cis as t', 't.id', 'relationships.target_id')
      .selectAll('relationships')
      .select(['s.name as source_name', 's.type as source_type', 't.name as target_name', 't.type as target_type']);
    const ciId = query.ciId;
    if (ciId) q = q.where((eb) => eb.or([eb('relationships.source_id', '=', ciId), eb('relationships.target_id', '=', ciId)]));
    if (query.type) q = q.where('relationships.type', '=', query.type);
    if (query.cursor) q = q.where('relationships.id', '>', String(decodeCursor(query.cursor, 1)[0]));
    const rows = await q
      .orderBy('relationships.id', 'asc')
      .limit(query.limit + 1)
      .execute();
    return toPage(rows, query.limit, (r) => [r.id]);
  }
}
