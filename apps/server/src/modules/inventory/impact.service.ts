import { type ImpactQuery, type ImpactResult, LIFECYCLE_STATUSES, RELATIONSHIP_TYPES, type RelationshipType } from '@estate/contract';
import type { Kysely } from 'kysely';
import { problems } from '../../platform/http/problem';
import { ImpactRepository, type ImpactWalk } from './impact.repository';
import type { InventoryTables } from './inventory.tables';

type ImpactNode = ImpactResult['nodes'][number];

/** Limits of one impact answer. */
export interface ImpactLimits {
  /** Most nodes in an answer, the root included; past it the answer says `truncated`. */
  maxNodes: number;
  maxEdges: number;
}

export const DEFAULT_IMPACT_LIMITS: ImpactLimits = { maxNodes: 5_000, maxEdges: 20_000 };

/**
 * Impact analysis: from one CI, what is impacted if it fails (downstream) and what it needs (upstream), to a depth,
 * over chosen relationship types, and the business services it affects. Answered with two recursive SQL statements
 * whatever the size of the graph; bounded by `limits`.
 */
export class ImpactService {
  private readonly repo: ImpactRepository;

  constructor(
    db: Kysely<InventoryTables>,
    private readonly limits: ImpactLimits = DEFAULT_IMPACT_LIMITS,
  ) {
    this.repo = new ImpactRepository(db);
  }

  /** 404 when the CI does not exist; 400 for an unknown relationship type in `types`. */
  async impact(root: string, query: ImpactQuery): Promise<ImpactResult> {
    const direction = query.direction ?? 'both';
    const walk: ImpactWalk = {
      root,
      depth: query.depth ?? 3,
      directions: direction === 'both' ? ['down', 'up'] : direction === 'downstream' ? ['down'] : ['up'],
      types: parseTypes(query.types),
      maxNodes: this.limits.maxNodes,
      maxEdges: this.limits.maxEdges,
    };
    const rows = await this.repo.nodes(walk);
    if (!rows.some((r) => r.id === root)) throw problems.notFound('The CI');
    const truncatedNodes = rows.length > walk.maxNodes;
    const kept = rows.slice(0, walk.maxNodes);
    const edgeRows = await this.repo.edges(walk);
    const nodes: ImpactNode[] = kept.map((r) => ({
      id: r.id,
      type: r.type,
      name: r.name,
      status: (LIFECYCLE_STATUSES as readonly string[]).includes(r.status) ? (r.status as ImpactNode['status']) : 'deployed',
      depth: r.depth,
    }));
    const downstream = new Set(kept.filter((r) => r.down === 1 && r.id !== root).map((r) => r.id));
    return {
      root,
      nodes,
      edges: edgeRows.slice(0, walk.maxEdges).map((e) => ({
        id: e.id,
        type: e.type as RelationshipType,
        sourceId: e.source_id,
        targetId: e.target_id,
      })),
      affectedServices: nodes.filter((n) => n.type === 'business_service' && downstream.has(n.id)),
      truncated: truncatedNodes || edgeRows.length > walk.maxEdges,
    };
  }
}

/** The relationship types to follow: all by default, or a comma-separated list of known ones. */
function parseTypes(types: string | undefined): Set<RelationshipType> {
  if (types === undefined || types.trim() === '') return new Set(RELATIONSHIP_TYPES);
  const wanted = types
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
  const unknown = wanted.filter((t) => !(RELATIONSHIP_TYPES as readonly string[]).includes(t));
  if (unknown.length > 0) {
    throw problems.validation(`Unknown relationship type ${unknown.join(', ')}; known types are ${RELATIONSHIP_TYPES.join(', ')}.`, [
      { path: 'querystring/types', message: 'names an unknown relationship type' },
    ]);
  }
  return new Set(wanted as RelationshipType[]);
}
