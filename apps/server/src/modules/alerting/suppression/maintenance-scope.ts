/*
 * What a maintenance window covers, and the answer other parts ask for: is this alert (its labels, the CIs and the
 * check it is about) inside a window holding now? Pure over data the caller loaded.
 */
import type { Labels } from '../alert-model';
import { type Matcher, matchersMatch } from '../routing';
import type { MaintenanceSchedule, Occurrence } from './maintenance-schedule';

/** A window's scope. Any one entry covering a subject is enough; matchers must all accept its labels. */
export interface MaintenanceScopeSpec {
  readonly ciIds: readonly string[];
  readonly checkIds: readonly string[];
  readonly tags: readonly string[];
  readonly matchers: readonly Matcher[];
}

/** A window holding at a moment, with the CIs its tags named then. */
export interface ActiveMaintenanceWindow {
  readonly id: string;
  readonly name: string;
  readonly timeZone: string;
  readonly schedule: MaintenanceSchedule;
  readonly scope: MaintenanceScopeSpec;
  /** The occurrence holding. */
  readonly occurrence: Occurrence;
  /** The CIs carrying one of the scope's tags when the windows were read. */
  readonly taggedCiIds: ReadonlySet<string>;
}

/** A window with its occurrences over a span of time (a status page's "now and the next 7 days"). */
export interface MaintenanceWindowSpans extends Omit<ActiveMaintenanceWindow, 'occurrence'> {
  /** The occurrences overlapping the span, in start order; never empty. */
  readonly occurrences: readonly Occurrence[];
}

/** What an alert is about, as far as maintenance cares; every part is optional. */
export interface MaintenanceSubject {
  readonly labels?: Labels;
  /** The CIs the alert is about. */
  readonly ciIds?: readonly string[];
  /** The check that raised it. */
  readonly checkId?: string | null;
  /** Tags of its CIs, when the caller has them (CIs named in ciIds are matched by tag without them). */
  readonly tags?: readonly string[];
}

/** Whether a window covers a subject: one of its CIs (directly or by tag), its check, a tag, or its labels. */
export function covers(subject: MaintenanceSubject, window: Pick<ActiveMaintenanceWindow, 'scope' | 'taggedCiIds'>): boolean {
  const { scope } = window;
  const ciIds = subject.ciIds ?? [];
  if (ciIds.some((id) => scope.ciIds.includes(id) || window.taggedCiIds.has(id))) return true;
  if (subject.checkId && scope.checkIds.includes(subject.checkId)) return true;
  if ((subject.tags ?? []).some((tag) => scope.tags.includes(tag))) return true;
  return scope.matchers.length > 0 && subject.labels !== undefined && matchersMatch(scope.matchers, subject.labels);
}

/** The windows holding at one moment, and the question asked of them. */
export interface ActiveMaintenance {
  readonly at: number;
  readonly windows: readonly ActiveMaintenanceWindow[];
  /** {@link covers}, for callers holding only this object. */
  covers(subject: MaintenanceSubject, window: ActiveMaintenanceWindow): boolean;
  /** The windows covering a subject; empty when none does. */
  coveringWindows(subject: MaintenanceSubject): ActiveMaintenanceWindow[];
}

/** Wraps windows read at `at` as an {@link ActiveMaintenance}. */
export function activeMaintenance(at: number, windows: readonly ActiveMaintenanceWindow[]): ActiveMaintenance {
  return {
    at,
    windows,
    covers,
    coveringWindows: (subject) => windows.filter((window) => covers(subject, window)),
  };
}
