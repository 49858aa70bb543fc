import type { CheckState, ComponentState, StatusUptimeDay, StatusView, StatusViewMaintenance } from '@estate/contract';
import { readJson } from '../../platform/db/database';
import { problems } from '../../platform/http/problem';
import { covers, type MaintenanceWindowSpans } from '../alerting';
import type { DependencyGraph } from '../inventory';
import { type CurrentCheckState, dailyUptime, lastDaysFrom, type StateChangeAt } from '../monitoring';
import {
  componentState,
  componentTimeline,
  healthOfCheck,
  overallState,
  type ResolvedComponent,
  resolveComponent,
} from './component-state';
import type { StatusPagesTable } from './status.tables';
import type { ReferenceNames, StatusPageService, StoredComponent } from './status-page.service';

/** What a status view is read from: seams app.ts hands the module (inventory, monitoring, alerting). */
export interface StatusSources {
  /** The inventory's dependency graph. */
  graph(): Promise<DependencyGraph>;
  /** Every enabled check's current state and the CIs it watches. */
  checkStates(): Promise<readonly CurrentCheckState[]>;
  /** Checks' state changes over a span, each list starting with the state before it. */
  stateChanges(checkIds: readonly string[], from: number, to: number): Promise<Map<string, StateChangeAt[]>>;
  /** Alerting's maintenance windows with occurrences overlapping a span (the windows that mute alerts). */
  maintenance(from: number, to: number): Promise<readonly MaintenanceWindowSpans[]>;
}

/** How many days the uptime bars cover. */
export const UPTIME_DAYS = 90;
/** How far ahead upcoming maintenance is shown. */
export const UPCOMING_MS = 7 * 86_400_000;
/** How long a public view is served from memory (the route also lets caches keep it this long). */
export const PUBLIC_CACHE_MS = 5_000;
const PUBLIC_CACHE_ENTRIES = 256;

/**
 * Status views: a page's components with their states, 90 days of uptime bars and the maintenance covering them.
 * A view costs a fixed number of statements whatever the page holds. Public views of the same page within
 * {@link PUBLIC_CACHE_MS} are answered from memory, so signed-out readers cannot make the server recompute it.
 */
export class StatusViewService {
  private readonly cache = new Map<string, { at: number; view: StatusView }>();

  constructor(
    private readonly pages: StatusPageService,
    private readonly sources: StatusSources,
    private readonly now: () => number,
  ) {}

  /** The view of a page by id (signed in: any page). */
  async view(id: string): Promise<StatusView> {
    const row = await this.pages.repo.get(id);
    if (!row) throw problems.notFound('The status page');
    return this.compute(row);
  }

  /** The view of a public page by slug; unknown and private slugs are the same 404. */
  async publicView(slug: string): Promise<StatusView> {
    const now = this.now();
    const cached = this.cache.get(slug);
    if (cached && now - cached.at < PUBLIC_CACHE_MS && now >= cached.at) return cached.view;
    const row = await this.pages.repo.bySlug(slug);
    if (row?.public !== 1) {
      this.cache.delete(slug);
      throw problems.notFound('The status page');
    }
    const view = await this.compute(row);
    if (this.cache.size >= PUBLIC_CACHE_ENTRIES) this.cache.clear();
    this.cache.set(slug, { at: now, view });
    return view;
  }

  private async compute(row: StatusPagesTable): Promise<StatusView> {
    const now = this.now();
    const stored = readJson<StoredComponent[]>(row.components);
    const [names, graph, checks, windows] = await Promise.all([
      this.pages.namesOf([row]),
      this.sources.graph(),
      this.sources.checkStates(),
      this.sources.maintenance(now, now + UPCOMING_MS),
    ]);
    const stateOf = new Map<string, CheckState>(checks.map((c) => [c.checkId, c.state]));
    const cisOfCheck = new Map<string, string[]>(checks.map((c) => [c.checkId, c.cis.map((ci) => ci.id)]));
    const checksByCi = new Map<string, string[]>();
    for (const [check, cis] of cisOfCheck) for (const ci of cis) checksByCi.set(ci, [...(checksByCi.get(ci) ?? []), check]);
    const resolved = stored.map((c) => resolveComponent(c.kind, c.refId, graph, checksByCi, cisOfCheck));
    const from = lastDaysFrom(now, UPTIME_DAYS);
    const changes = await this.sources.stateChanges([...new Set(resolved.flatMap((r) => [...r.checks]))], from, now);

    const activeWindows = windows.filter((w) => w.occurrences.some((o) => o.start <= now && o.end > now));
    const checkSubject = (id: string) => ({ checkId: id, ciIds: cisOfCheck.get(id) ?? [] });
    const onPage = new Set(resolved.flatMap((r) => [...r.checks]));
    const coveredChecks = new Set([...onPage].filter((id) => activeWindows.some((w) => covers(checkSubject(id), w))));
    const healthOf = (id: string) => healthOfCheck(stateOf.get(id) ?? 'unknown');

    const components = stored.map((c, i) => {
      const component = resolved[i] as ResolvedComponent;
      const subject = c.kind === 'service' ? { ciIds: [c.refId] } : checkSubject(c.refId);
      const state: ComponentState = componentState(component, graph, checksByCi, healthOf, {
        coversComponent: activeWindows.some((w) => covers(subject, w)),
        coveredChecks,
      });
      const days = dailyUptime(componentTimeline(component, graph, checksByCi, changes), from, now);
      return { name: displayName(c, names), group: c.group, state, uptime: days.map(uptimeDay), uptimeRatio: overallRatio(days) };
    });

    return {
      title: row.title,
      description: row.description,
      overall: overallState(components.map((c) => c.state)),
      components,
      maintenance: maintenanceOf(windows, stored, resolved, names, cisOfCheck, now),
      at: now,
    };
  }
}

/** The occurrences of windows touching any component (its CIs or checks), active or starting within 7 days. */
function maintenanceOf(
  windows: readonly MaintenanceWindowSpans[],
  stored: readonly StoredComponent[],
  resolved: readonly ResolvedComponent[],
  names: ReferenceNames,
  cisOfCheck: ReadonlyMap<string, readonly string[]>,
  now: number,
): StatusViewMaintenance[] {
  const out: StatusViewMaintenance[] = [];
  for (const window of windows) {
    const touched = stored.filter((_c, i) => {
      const r = resolved[i] as ResolvedComponent;
      if (covers({ ciIds: [...r.cis] }, window)) return true;
      return [...r.checks].some((id) => covers({ checkId: id, ciIds: cisOfCheck.get(id) ?? [] }, window));
    });
    if (touched.length === 0) continue;
    const componentNames = [...new Set(touched.map((c) => displayName(c, names)))];
    for (const o of window.occurrences) {
      out.push({ title: window.name, start: o.start, end: o.end, active: o.start <= now && o.end > now, components: componentNames });
    }
  }
  return out.sort((a, b) => a.start - b.start || a.title.localeCompare(b.title));
}

function displayName(c: StoredComponent, names: ReferenceNames): string {
  if (c.displayName !== '') return c.displayName;
  return (c.kind === 'service' ? names.cis.get(c.refId) : names.checks.get(c.refId)) ?? 'Unknown component';
}

function uptimeDay(day: { label: string; ratio: number | null; upMs: number; degradedMs: number; downMs: number }): StatusUptimeDay {
  const worst = day.downMs > 0 ? 'outage' : day.degradedMs > 0 ? 'degraded' : day.upMs > 0 ? 'operational' : 'unknown';
  return { day: day.label, ratio: day.ratio, worst };
}

function overallRatio(days: readonly { upMs: number; degradedMs: number; downMs: number }[]): number | null {
  let good = 0;
  let known = 0;
  for (const d of days) {
    good += d.upMs + d.degradedMs;
    known += d.upMs + d.degradedMs + d.downMs;
  }
  return known === 0 ? null : good / known;
}
