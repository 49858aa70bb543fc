/*
 * What each CI needs to run, directly: its providers over the relationships that carry failure (a VM runs on a
 * host, a server hangs off its switches, a service depends on its database), read whole in one statement for
 * callers that ask about many CIs at once (alerting's dependency suppression). Relationship rules say which end
 * needs the other (relationship-types.ts); links that record a fact (backups, licences, support, ownership) carry
 * no failure and are left out.
 */
import type { RelationshipType } from '@estate/contract';
import type { Kysely } from 'kysely';
import type { InventoryTables } from './inventory.tables';
import { ruleOf } from './relationship-types';

/** Relationship types a failure travels over, and whether several providers of the type back each other up. */
const FAILURE_TYPES: Readonly<Partial<Record<RelationshipType, { redundant: boolean }>>> = {
  runs_on: { redundant: false },
  depends_on: { redundant: false },
  located_in: { redundant: false },
  // Two uplinks, or the members of a cluster: the dependant is cut off only when every one of them is down.
  connected_to: { redundant: true },
  member_of: { redundant: true },
};

/** One group of providers a CI needs: any one down cuts it off, or (redundant) only all of them. */
export interface ProviderGroup {
  type: RelationshipType;
  redundant: boolean;
  providers: string[];
}

/** The dependency graph: each CI's provider groups, and every CI's name and type (for messages). */
export interface DependencyGraph {
  needs: ReadonlyMap<string, readonly ProviderGroup[]>;
  names: ReadonlyMap<string, string>;
  /** CI types of the CIs in the graph (absent in hand-made graphs: nothing is then a business service). */
  types?: ReadonlyMap<string, string>;
}

/**
 * The business services that need any of `cis`, directly or through other CIs (what a failure of them impacts),
 * by name, in name order.
 */
export function impactedServices(graph: DependencyGraph, cis: Iterable<string>): string[] {
  const dependants = new Map<string, string[]>();
  for (const [child, groups] of graph.needs) {
    for (const g of groups) for (const p of g.providers) dependants.set(p, [...(dependants.get(p) ?? []), child]);
  }
  const seen = new Set<string>();
  const queue = [...cis];
  while (queue.length > 0) {
    const id = queue.pop() as string;
    for (const child of dependants.get(id) ?? []) {
      if (seen.has(child)) continue;
      seen.add(child);
      queue.push(child);
    }
  }
  return [...seen]
    .filter((id) => graph.types?.get(id) === 'business_service')
    .map((id) => graph.names.get(id) ?? id)
    .sort();
}

/** Reads the whole graph (one pass over the relationships). */
export async function readDependencyGraph(db: Kysely<InventoryTables>): Promise<DependencyGraph> {
  const failureTypes = Object.keys(FAILURE_TYPES) as RelationshipType[];
  const rows = await db
    .selectFrom('relationships as r')
    .innerJoin('cis as s', 's.id', 'r.source_id')
    .innerJoin('cis as t', 't.id', 'r.target_id')
    .select([
      'r.type',
      'r.source_id',
      'r.target_id',
      's.type as source_type',
      't.type as target_type',
      's.name as source_name',
      't.name as target_name',
    ])
    .where('r.type', 'in', failureTypes)
    .execute();
  const groups = new Map<string, Map<RelationshipType, ProviderGroup>>();
  const names = new Map<string, string>();
  const types = new Map<string, string>();
  const add = (child: string, provider: string, type: RelationshipType) => {
    const byType = groups.get(child) ?? new Map<RelationshipType, ProviderGroup>();
    groups.set(child, byType);
    const group = byType.get(type) ?? { type, redundant: FAILURE_TYPES[type]?.redundant ?? false, providers: [] };
    byType.set(type, group);
    if (!group.providers.includes(provider)) group.providers.push(provider);
  };
  for (const r of rows) {
    const type = r.type as RelationshipType;
    names.set(r.source_id, r.source_name);
    names.set(r.target_id, r.target_name);
    types.set(r.source_id, r.source_type);
    types.set(r.target_id, r.target_type);
    const rule = ruleOf(type);
    if (rule.impacted === 'source') add(r.source_id, r.target_id, type);
    else if (rule.impacted === 'target') add(r.target_id, r.source_id, type);
    else if (rule.impacted === 'both') {
      const providers: readonly string[] = rule.providers ?? [];
      if (providers.includes(r.target_type)) add(r.source_id, r.target_id, type);
      if (providers.includes(r.source_type)) add(r.target_id, r.source_id, type);
    }
  }
  const needs = new Map<string, ProviderGroup[]>();
  for (const [child, byType] of groups) needs.set(child, [...byType.values()]);
  return { needs, names, types };
}

/**
 * Which down providers cut `ci` off, given the CIs known to be down: the nearest down ancestors through which it is
 * cut off, or an empty list when it is not (it is down on its own account, if at all). A provider that is itself cut
 * off counts as down; cycles count as not cut off.
 */
export function cutOffBy(graph: DependencyGraph, ci: string, down: ReadonlySet<string>): string[] {
  const memo = new Map<string, string[] | null>();
  const visit = (id: string): string[] | null => {
    if (memo.has(id)) return memo.get(id) ?? null;
    memo.set(id, null); // in progress: a cycle back here is not a cause
    let causes: string[] | null = null;
    for (const group of graph.needs.get(id) ?? []) {
      // A provider down because its own provider is down names that root cause.
      const failed = group.providers.map((p) => (down.has(p) ? (visit(p) ?? [p]) : visit(p)));
      if (group.redundant) {
        if (failed.every((f) => f !== null)) causes = [...(causes ?? []), ...failed.flat()];
      } else {
        for (const f of failed) if (f !== null) causes = [...(causes ?? []), ...f];
      }
    }
    const found = causes && causes.length > 0 ? [...new Set(causes)] : null;
    memo.set(id, found);
    return found;
  };
  return visit(ci) ?? [];
}
