/*
 * What a status page says of each component, derived from check states: a check's own state, or a business
 * service's from the checks of the CIs it needs, transitively through the inventory's dependency graph (the graph
 * inventory reads for alerting; its provider groups say which needs are redundant). Pure over data the caller read.
 */
import type { CheckState, ComponentState } from '@estate/contract';
import type { DependencyGraph } from '../inventory';

/** A component's health before maintenance is considered. */
export type Health = 'operational' | 'degraded' | 'outage' | 'unknown';

const FROM_CHECK: Record<CheckState, Health> = { up: 'operational', degraded: 'degraded', down: 'outage', unknown: 'unknown' };
const TO_CHECK: Record<Health, CheckState> = { operational: 'up', degraded: 'degraded', outage: 'down', unknown: 'unknown' };
const RANK: Record<Health, number> = { unknown: -1, operational: 0, degraded: 1, outage: 2 };

/** A check's state as a component's health. */
export const healthOfCheck = (state: CheckState): Health => FROM_CHECK[state];
/** A health as a check state, so monitoring's uptime arithmetic can read a component's timeline. */
export const checkStateOf = (health: Health): CheckState => TO_CHECK[health];

/** The worst of known healths; unknown only when none is known. */
export function worstKnown(healths: Iterable<Health>): Health {
  let worst: Health = 'unknown';
  for (const h of healths) if (RANK[h] > RANK[worst]) worst = h;
  return worst;
}

/** A component resolved against the inventory and checks: the CIs and checks its state is made of. */
export interface ResolvedComponent {
  kind: 'service' | 'check';
  refId: string;
  /** The service CI and every CI it needs, transitively; for a check, the CIs it watches. */
  cis: ReadonlySet<string>;
  /** The checks its state is derived from. */
  checks: ReadonlySet<string>;
}

/** The checks watching each CI. */
export type ChecksByCi = ReadonlyMap<string, readonly string[]>;

/** Resolves a component: for a service, walks the graph's provider groups from it (cycles end the walk). */
export function resolveComponent(
  kind: 'service' | 'check',
  refId: string,
  graph: DependencyGraph,
  checksByCi: ChecksByCi,
  cisOfCheck: ReadonlyMap<string, readonly string[]>,
): ResolvedComponent {
  if (kind === 'check') return { kind, refId, cis: new Set(cisOfCheck.get(refId) ?? []), checks: new Set([refId]) };
  const cis = new Set<string>([refId]);
  const queue = [refId];
  while (queue.length > 0) {
    const id = queue.pop() as string;
    for (const group of graph.needs.get(id) ?? []) {
      for (const provider of group.providers) {
        if (cis.has(provider)) continue;
        cis.add(provider);
        queue.push(provider);
      }
    }
  }
  const checks = new Set<string>();
  for (const ci of cis) for (const check of checksByCi.get(ci) ?? []) checks.add(check);
  return { kind, refId, cis, checks };
}

/**
 * A component's health given each check's health (`healthOf`; undefined: the check is left out, as a check under
 * maintenance is). A check component is its check's health. A service is the worst of its own checks and of what
 * it needs: any provider of a plain group (runs on, depends on) passes its health on; a redundant group (members of
 * a cluster, uplinks) is an outage only when every known member is out, and degraded when some are.
 */
export function componentHealth(
  component: ResolvedComponent,
  graph: DependencyGraph,
  checksByCi: ChecksByCi,
  healthOf: (checkId: string) => Health | undefined,
): Health {
  if (component.kind === 'check') return healthOf(component.refId) ?? 'unknown';
  const memo = new Map<string, Health>();
  const visit = (ci: string): Health => {
    const known = memo.get(ci);
    if (known !== undefined) return known;
    memo.set(ci, 'unknown'); // in progress: a cycle back here adds nothing
    const parts: Health[] = [];
    for (const check of checksByCi.get(ci) ?? []) {
      const h = healthOf(check);
      if (h !== undefined) parts.push(h);
    }
    for (const group of graph.needs.get(ci) ?? []) {
      const providers = group.providers.map(visit);
      if (!group.redundant) {
        parts.push(worstKnown(providers));
        continue;
      }
      const known = providers.filter((h) => h !== 'unknown');
      if (known.length === 0) continue;
      if (known.every((h) => h === 'outage')) parts.push('outage');
      else if (known.some((h) => h !== 'operational')) parts.push('degraded');
      else parts.push('operational');
    }
    const health = worstKnown(parts);
    memo.set(ci, health);
    return health;
  };
  return visit(component.refId);
}

/**
 * A component's state now. Under maintenance when a window holding now covers the component itself, or when the
 * checks windows cover are all that keep it from operational; otherwise its health with covered checks left out
 * when that is better (a covered database down and an uncovered web server slow: degraded, not outage).
 */
export function componentState(
  component: ResolvedComponent,
  graph: DependencyGraph,
  checksByCi: ChecksByCi,
  healthOf: (checkId: string) => Health,
  maintenance: { coversComponent: boolean; coveredChecks: ReadonlySet<string> },
): ComponentState {
  if (maintenance.coversComponent) return 'maintenance';
  const health = componentHealth(component, graph, checksByCi, healthOf);
  if (health === 'operational' || health === 'unknown') return health;
  const covered = [...component.checks].some((id) => maintenance.coveredChecks.has(id));
  if (!covered) return health;
  const without = componentHealth(component, graph, checksByCi, (id) => (maintenance.coveredChecks.has(id) ? undefined : healthOf(id)));
  if (without === 'operational' || without === 'unknown') return 'maintenance';
  return RANK[without] < RANK[health] ? without : health;
}

const OVERALL_RANK: Record<ComponentState, number> = { unknown: -1, operational: 0, maintenance: 1, degraded: 2, outage: 3 };

/** The page's banner: the worst component state (outage, degraded, maintenance, operational); unknown only when all are. */
export function overallState(states: Iterable<ComponentState>): ComponentState {
  let worst: ComponentState = 'unknown';
  for (const s of states) if (OVERALL_RANK[s] > OVERALL_RANK[worst]) worst = s;
  return worst;
}

/**
 * A component's health over time, as state changes monitoring's uptime arithmetic reads: the checks' changes
 * (each list in time order, starting with the state before the span) merged, the component's health computed
 * after each moment, repeats dropped. Checks with no change yet count as left out.
 */
export function componentTimeline(
  component: ResolvedComponent,
  graph: DependencyGraph,
  checksByCi: ChecksByCi,
  changes: ReadonlyMap<string, ReadonlyArray<{ at: number; state: CheckState }>>,
): { at: number; state: CheckState }[] {
  const events: { at: number; check: string; state: CheckState }[] = [];
  for (const check of component.checks) for (const c of changes.get(check) ?? []) events.push({ at: c.at, check, state: c.state });
  events.sort((a, b) => a.at - b.at);
  const current = new Map<string, Health>();
  const out: { at: number; state: CheckState }[] = [];
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as (typeof events)[number];
    current.set(e.check, healthOfCheck(e.state));
    // Changes at the same moment are one step.
    if (events[i + 1]?.at === e.at) continue;
    const state = checkStateOf(componentHealth(component, graph, checksByCi, (id) => current.get(id)));
    if (out[out.length - 1]?.state !== state) out.push({ at: e.at, state });
  }
  return out;
}
