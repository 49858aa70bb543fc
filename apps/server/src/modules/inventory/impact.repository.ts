import type { RelationshipType } from '@estate/contract';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { InventoryTables } from './inventory.tables';
import { RELATIONSHIP_RULES } from './relationship-types';

/** What to walk: from `root`, up to `depth` edges, in the given directions, over the given relationship types. */
export interface ImpactWalk {
  root: string;
  depth: number;
  directions: ReadonlyArray<'down' | 'up'>;
  types: ReadonlySet<RelationshipType>;
  /** Most nodes to return, the root included. */
  maxNodes: number;
  /** Most edges to return. */
  maxEdges: number;
}

export interface ImpactNodeRow {
  id: string;
  type: string;
  name: string;
  status: string;
  depth: number;
  /** 1 when the node was reached walking downstream (it is impacted by the root failing). */
  down: number;
}

export interface ImpactEdgeRow {
  id: string;
  type: string;
  source_id: string;
  target_id: string;
}

const list = (values: readonly string[]) =>
  sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  );

/**
 * The recursive walk, as a CTE named `walk(id, depth, dir, ctype)`. Each step follows, per relationship type, the
 * edge towards the impacted end (downstream) or towards the end that is needed (upstream); see relationship-types.ts.
 * `UNION` (not `UNION ALL`) keeps one row per (node, depth, direction), and the depth bound ends the recursion, so
 * cycles cannot loop it and it produces at most nodes × depth × 2 rows.
 */
function walkCte(walk: ImpactWalk): RawBuilder<unknown> {
  const rules = RELATIONSHIP_RULES.filter((r) => walk.types.has(r.type) && r.impacted !== 'none');
  const sourceImpacted = rules.filter((r) => r.impacted === 'source').map((r) => r.type);
  const targetImpacted = rules.filter((r) => r.impacted === 'target').map((r) => r.type);
  const links = rules.filter((r) => r.impacted === 'both');
  const typeOf = sql`(r.type || '')`;
  const down: RawBuilder<unknown>[] = [];
  const up: RawBuilder<unknown>[] = [];
  if (sourceImpacted.length > 0) {
    down.push(sql`(r.target_id = w.id and ${typeOf} in (${list(sourceImpacted)}))`);
    up.push(sql`(r.source_id = w.id and ${typeOf} in (${list(sourceImpacted)}))`);
  }
  if (targetImpacted.length > 0) {
    down.push(sql`(r.source_id = w.id and ${typeOf} in (${list(targetImpacted)}))`);
    up.push(sql`(r.target_id = w.id and ${typeOf} in (${list(targetImpacted)}))`);
  }
  for (const link of links) {
    // Impact crosses a link only from a provider (a switch) to what hangs off it, never back.
    down.push(sql`(${typeOf} = ${link.type} and w.ctype in (${list(link.providers ?? [])}))`);
    up.push(sql`(${typeOf} = ${link.type} and c.type in (${list(link.providers ?? [])}))`);
  }
  // `r.type || ''` keeps SQLite from reading the (type, …) unique index by type alone, which scans every edge of the
  // type per step; the remaining `source_id = ` / `target_id = ` terms then use the per-end indexes.
  const either = (parts: RawBuilder<unknown>[]) => (parts.length > 0 ? sql.join(parts, sql` or `) : sql`1 = 0`);
  const seeds = walk.directions.map(
    (dir) => sql`select cast(${walk.root} as text), 0, cast(${dir} as text), c.type from cis c where c.id = ${walk.root}`,
  );
  return sql`walk(id, depth, dir, ctype) as (
    ${sql.join(seeds, sql` union `)}
    union
    select c.id, w.depth + 1, w.dir, c.type
    from walk w
    join relationships r on (r.source_id = w.id or r.target_id = w.id)
    join cis c on c.id = case when r.source_id = w.id then r.target_id else r.source_id end
    where w.depth < ${walk.depth}
      and ((w.dir = 'down' and (${either(down)})) or (w.dir = 'up' and (${either(up)})))
  )`;
}

/** Impact analysis in SQL: two statements per question, whatever the size of the graph. */
export class ImpactRepository {
  constructor(private readonly db: Kysely<InventoryTables>) {}

  /**
   * The nodes reached (root first, at depth 0), each at its smallest depth, closest first; at most `maxNodes + 1`
   * rows, so the caller can tell the answer was cut. Empty when the root does not exist.
   */
  async nodes(walk: ImpactWalk): Promise<ImpactNodeRow[]> {
    const result = await sql<ImpactNodeRow>`
      with recursive ${walkCte(walk)}
      select w.id, c.type, c.name, c.status, min(w.depth) as depth,
        max(case when w.dir = 'down' then 1 else 0 end) as down
      from walk w
      join cis c on c.id = w.id
      group by w.id, c.type, c.name, c.status
      order by min(w.depth), w.id
      limit ${walk.maxNodes + 1}
    `.execute(this.db);
    return result.rows.map((r) => ({ ...r, depth: Number(r.depth), down: Number(r.down) }));
  }

  /** The followed relationships between the (capped) nodes of the same walk; at most `maxEdges + 1` rows. */
  async edges(walk: ImpactWalk): Promise<ImpactEdgeRow[]> {
    const types = RELATIONSHIP_RULES.filter((r) => walk.types.has(r.type) && r.impacted !== 'none').map((r) => r.type);
    if (types.length === 0) return [];
    const result = await sql<ImpactEdgeRow>`
      with recursive ${walkCte(walk)},
      found(id) as materialized (select id from walk group by id order by min(depth), id limit ${walk.maxNodes})
      select r.id, r.type, r.source_id, r.target_id
      from found f
      join relationships r on r.source_id = f.id
      join found g on g.id = r.target_id
      where r.type in (${list(types)})
      order by r.id
      limit ${walk.maxEdges + 1}
    `.execute(this.db);
    return result.rows;
  }
}
