/*
 * The engine's view of the suppression part: routing configuration and silences re-read when the part's revision
 * moves (one primary-key read a cycle) and at least every 10 s (silences start and end on their own), and
 * maintenance windows as a suppressor the dispatcher can ask synchronously.
 */
import type { Alert, Labels } from '../alert-model';
import type { AlertSuppressor, RoutingConfig, Silence, SuppressionCause } from '../routing';
import type { ActiveMaintenance, SuppressionService } from '../suppression';
import type { RoutingSource } from './alert-engine';

/** How long silences and windows read are trusted without a revision change. */
const REREAD_EVERY_MS = 10_000;

export function suppressionRouting(service: SuppressionService): RoutingSource {
  let cached: { revision: number; version: number; config: RoutingConfig } | undefined;
  let silences: { revision: number; at: number; list: Silence[] } | undefined;
  return {
    async current() {
      const revision = await service.revision();
      if (!cached || cached.revision !== revision) {
        cached = { revision, version: await service.routingVersion(), config: await service.routingConfig() };
      }
      return { version: cached.version, config: cached.config };
    },
    async silences(now) {
      const revision = await service.revision();
      if (!silences || silences.revision !== revision || now - silences.at >= REREAD_EVERY_MS || now < silences.at) {
        silences = { revision, at: now, list: await service.activeSilences(now) };
      }
      return silences.list;
    },
  };
}

/** The CIs and check an alert is about, from the labels Estate's rules set (ci_id, check_id). */
export function subjectOf(labels: Labels) {
  return { labels, ciIds: labels.ci_id ? [labels.ci_id] : [], checkId: labels.check_id ?? null };
}

/** Maintenance windows as a suppressor: alerts are still recorded; their notifications are held back. */
export function maintenanceSuppressor(service: SuppressionService): AlertSuppressor & { refresh(now: number): Promise<void> } {
  let active: ActiveMaintenance | undefined;
  let readAt = Number.NEGATIVE_INFINITY;
  let revision = -1;
  return {
    async refresh(now) {
      const current = await service.revision();
      if (active && current === revision && now - readAt < REREAD_EVERY_MS && now >= readAt) return;
      active = await service.maintenanceAt(now);
      readAt = now;
      revision = current;
    },
    suppressedBy(alert: Alert): SuppressionCause | null {
      const window = active?.coveringWindows(subjectOf(alert.labels))[0];
      if (!window) return null;
      return { kind: 'external', source: 'maintenance', reason: `in the maintenance window “${window.name}”`, ref: window.id };
    },
  };
}
