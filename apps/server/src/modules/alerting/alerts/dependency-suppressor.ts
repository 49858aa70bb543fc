/*
 * Dependency suppression from the inventory graph. An alert about a CI (its `ci_id` label) is held back when a CI it
 * needs is down — a check of that provider fails — or when the provider is itself cut off further up; the alert is
 * still recorded, marked as caused by the provider. Providers that back each other up (two uplinks, a cluster's
 * members) cut the CI off only when all of them are down.
 *
 * Races: a child often fails a few seconds before its parent's own check notices. Before the child is paged, its
 * direct providers whose checks have not run since the child went down are re-checked now, and the child is held
 * for at most one interval of that provider's check. When a provider recovers, the checks of the CIs it was cutting
 * off are re-checked at once, so their state (and their alerts) follow without waiting for their next slot.
 */

import { cutOffBy, type DependencyGraph, impactedServices } from '../../inventory';
import type { CurrentCheckState } from '../../monitoring';
import type { Alert } from '../alert-model';
import type { AlertSuppressor, SuppressionCause } from '../routing';

export interface DependencySources {
  graph: () => Promise<DependencyGraph>;
  checks: () => Promise<readonly CurrentCheckState[]>;
  /** Runs these checks now (fire and forget); absent: providers are only waited for. */
  recheck?: (checkIds: readonly string[]) => void;
}

/** How long the graph read is trusted (relationships change rarely). */
const GRAPH_EVERY_MS = 30_000;

interface CiChecks {
  down: boolean;
  /** The newest run of any of its checks; null when none ran. */
  lastRunAt: number | null;
  /** The longest interval of its checks (the most a re-check can take to come back). */
  intervalMs: number;
  checkIds: string[];
}

export class DependencySuppressor implements AlertSuppressor {
  private graph: DependencyGraph = { needs: new Map(), names: new Map() };
  private graphAt = Number.NEGATIVE_INFINITY;
  private cis = new Map<string, CiChecks>();
  private down = new Set<string>();
  /** Check ids asked to run again, and when: one request per check per 30 s. */
  private readonly asked = new Map<string, number>();
  private now = 0;

  constructor(private readonly sources: DependencySources) {}

  /** Reads check states (every cycle) and the graph (every 30 s); re-checks dependants of providers that recovered. */
  async refresh(now: number): Promise<void> {
    this.now = now;
    if (now - this.graphAt >= GRAPH_EVERY_MS || now < this.graphAt) {
      this.graph = await this.sources.graph();
      this.graphAt = now;
    }
    const cis = new Map<string, CiChecks>();
    for (const check of await this.sources.checks()) {
      for (const ci of check.cis) {
        const entry = cis.get(ci.id) ?? { down: false, lastRunAt: null, intervalMs: 0, checkIds: [] };
        entry.down ||= check.state === 'down';
        if (check.lastRunAt !== null) entry.lastRunAt = Math.max(entry.lastRunAt ?? 0, check.lastRunAt);
        entry.intervalMs = Math.max(entry.intervalMs, check.intervalMs);
        entry.checkIds.push(check.checkId);
        cis.set(ci.id, entry);
      }
    }
    const down = new Set([...cis].filter(([, c]) => c.down).map(([id]) => id));
    const recovered = [...this.down].filter((id) => !down.has(id));
    this.cis = cis;
    this.down = down;
    if (recovered.length > 0) this.recheckDependantsOf(new Set(recovered));
  }

  suppressedBy(alert: Alert): SuppressionCause | null {
    const ci = alert.labels.ci_id;
    if (!ci || !this.graph.needs.has(ci)) return null;
    const causes = cutOffBy(this.graph, ci, this.down);
    if (causes.length > 0) {
      const names = causes.map((id) => this.graph.names.get(id) ?? id);
      return {
        kind: 'external',
        source: 'dependency',
        reason: `${names.join(', ')} ${names.length === 1 ? 'is' : 'are'} down`,
        ref: causes[0] as string,
      };
    }
    // Providers must have run since the child's condition began (a check-state alert's activeAt is the check's since).
    const waiting = this.unconfirmed(ci, alert.activeAt);
    if (waiting.length === 0) return null;
    this.ask(waiting.flatMap((id) => this.cis.get(id)?.checkIds ?? []));
    const names = waiting.map((id) => this.graph.names.get(id) ?? id);
    return {
      kind: 'external',
      source: 'dependency',
      reason: `waiting for ${names.join(', ')} to be checked again`,
      ref: waiting[0] as string,
    };
  }

  /** The business services that need the CIs these alerts are about (for messages). */
  impacted(labelSets: Iterable<Readonly<Record<string, string>>>): string[] {
    const cis = [...labelSets].map((l) => l.ci_id).filter((id): id is string => typeof id === 'string');
    return cis.length === 0 ? [] : impactedServices(this.graph, cis);
  }

  /** Direct providers not known down whose checks have not run since `since`, while one of their intervals lasts. */
  private unconfirmed(ci: string, since: number): string[] {
    const out: string[] = [];
    for (const group of this.graph.needs.get(ci) ?? []) {
      for (const provider of group.providers) {
        const checks = this.cis.get(provider);
        if (!checks || checks.down) continue;
        const ranSince = checks.lastRunAt !== null && checks.lastRunAt >= since;
        if (!ranSince && this.now < since + checks.intervalMs) out.push(provider);
      }
    }
    return out;
  }

  private recheckDependantsOf(recovered: ReadonlySet<string>): void {
    const ids: string[] = [];
    for (const [child, groups] of this.graph.needs) {
      if (!groups.some((g) => g.providers.some((p) => recovered.has(p)))) continue;
      const checks = this.cis.get(child);
      if (checks?.down) ids.push(...checks.checkIds);
    }
    this.ask(ids);
  }

  private ask(checkIds: readonly string[]): void {
    if (!this.sources.recheck) return;
    const fresh = checkIds.filter((id) => {
      const at = this.asked.get(id);
      return at === undefined || this.now - at >= 30_000 || this.now < at;
    });
    if (fresh.length === 0) return;
    for (const id of fresh) this.asked.set(id, this.now);
    this.sources.recheck(fresh);
  }
}
