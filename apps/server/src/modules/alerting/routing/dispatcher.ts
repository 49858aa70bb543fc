/*
 * Alertmanager's dispatcher and notification pipeline as a deterministic state machine. Alerts go into aggregation
 * groups (one per route and group-label set); a group flushes `group_wait` after it opens, then every
 * `group_interval`; each flush runs the pipeline (route time intervals, inhibition, silences, external suppressors,
 * then the notification log's dedup) and may yield one notification. Time is only what callers pass in, so the same
 * calls give the same notifications: no timers, no I/O, no Date.now().
 */
import { createHash } from 'node:crypto';
import { type Alert, type Labels, labelsFingerprint } from '../alert-model';
import { groupKeyOf, groupLabelsOf, matchRoutes } from './route-matching';
import type { Route, RoutingConfig } from './routing-config';
import { type AlertSuppressor, Inhibitor, type Silence, type SuppressionCause, silenceMutes } from './suppression';
import { intervalContains } from './time-intervals';

/** An alert in a notification, with its identity. */
export interface NotifiedAlert {
  readonly fingerprint: string;
  readonly alert: Alert;
}

/** One notification to deliver: a group's state for one receiver at one flush. */
export interface Notification {
  readonly receiver: string;
  /** The route's path in the config (`route.routes[0]`). */
  readonly routePath: string;
  readonly groupKey: string;
  readonly groupLabels: Labels;
  /** Firing alerts of the group that no silence, inhibition, suppressor or time interval mutes, by fingerprint. */
  readonly firing: readonly NotifiedAlert[];
  /** Resolved alerts whose firing this receiver was told about for this group. */
  readonly resolved: readonly NotifiedAlert[];
  /** When the flush happened (epoch ms). */
  readonly at: number;
  /** Same for the same notification (receiver, group, alerts, flush time): lets delivery be idempotent. */
  readonly dedupKey: string;
  /** Same for every notification of this receiver and group: an incident key (PagerDuty `dedup_key`). */
  readonly incidentKey: string;
}

/** Why a route delivers nothing at a moment, or null when it is open. */
export type RouteMute = { readonly kind: 'mute_time_interval'; readonly name: string } | { readonly kind: 'inactive' };

/** What would happen to an alert with these labels now: per matching route, its group and what mutes it. */
export interface RouteExplanation {
  readonly routePath: string;
  readonly receiver: string;
  readonly groupKey: string;
  readonly routeMute: RouteMute | null;
  readonly suppressedBy: SuppressionCause | null;
}

/** A snapshot of one aggregation group, for display. */
export interface GroupSnapshot {
  readonly routePath: string;
  readonly receiver: string;
  readonly groupKey: string;
  readonly groupLabels: Labels;
  readonly fingerprints: readonly string[];
  readonly nextFlushAt: number;
}

/**
 * Everything a dispatcher must remember across a restart, as plain JSON-safe data: its groups with their timers and
 * its notification log. Silences are not in it: their owner puts them back with {@link NotificationDispatcher.putSilence}.
 */
export interface DispatcherState {
  readonly version: 1;
  /** The last moment the dispatcher was told about (epoch ms), or null if never. */
  readonly now: number | null;
  readonly groups: readonly {
    readonly routePath: string;
    readonly groupKey: string;
    readonly alerts: readonly Alert[];
    readonly nextFlushAt: number;
    readonly hasFlushed: boolean;
  }[];
  /** Notifications flushed but not yet handed out by advance(); the restored dispatcher hands them out. */
  readonly pending: readonly Notification[];
  readonly notificationLog: readonly {
    readonly receiver: string;
    readonly groupKey: string;
    readonly firing: readonly { readonly fingerprint: string; readonly startsAt: number }[];
    readonly sentAt: number;
  }[];
}

/** Options of a {@link NotificationDispatcher}. */
export interface DispatcherOptions {
  /** Consulted after inhibition and silences, in order; the first cause found wins. */
  readonly suppressors?: readonly AlertSuppressor[];
}

interface Group {
  readonly route: Route;
  readonly groupKey: string;
  readonly groupLabels: Labels;
  readonly alerts: Map<string, Alert>;
  nextFlushAt: number;
  hasFlushed: boolean;
}

/** What a receiver was last told about a group (Alertmanager's notification log entry). */
interface LogEntry {
  /** Firing alerts notified, fingerprint → start of that firing episode. */
  readonly firing: ReadonlyMap<string, number>;
  readonly sentAt: number;
}

function startsAt(alert: Alert): number {
  return alert.firedAt ?? alert.activeAt;
}

function sha256(parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

/**
 * Routes alerts into aggregation groups and turns flushes into notifications. Not safe to share between processes:
 * one instance owns the groups and the notification log. Every method takes `now` (epoch ms); it must not go back.
 */
export class NotificationDispatcher {
  private readonly groups = new Map<string, Group>();
  private readonly log = new Map<string, LogEntry>();
  private readonly silences = new Map<string, Silence>();
  /** Notifications of flushes run but not yet handed out by {@link advance}. */
  private readonly pending: Notification[] = [];
  private readonly inhibitor: Inhibitor;
  private readonly suppressors: readonly AlertSuppressor[];
  private lastNow = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly config: RoutingConfig,
    options: DispatcherOptions = {},
  ) {
    this.inhibitor = new Inhibitor(config.inhibitRules);
    this.suppressors = options.suppressors ?? [];
  }

  /**
   * Takes an alert's latest state. Firing and resolved (`inactive`) alerts join the groups of every route they match;
   * a newer state of the same label set replaces the older one. Pending alerts are not routed.
   */
  receive(alert: Alert, now: number): void {
    this.tick(now);
    if (alert.state === 'pending') return;
    const fingerprint = labelsFingerprint(alert.labels);
    const firing = alert.state === 'firing';
    this.inhibitor.observe(fingerprint, alert.labels, firing);
    for (const route of matchRoutes(this.config.route, alert.labels)) {
      const groupLabels = groupLabelsOf(route, alert.labels);
      const groupKey = groupKeyOf(route, groupLabels);
      let group = this.groups.get(groupKey);
      if (!group) {
        group = { route, groupKey, groupLabels, alerts: new Map(), nextFlushAt: now + route.groupWaitMs, hasFlushed: false };
        this.groups.set(groupKey, group);
      }
      group.alerts.set(fingerprint, alert);
      // An alert that has already waited group_wait since it started need not wait again in a new group.
      if (!group.hasFlushed && firing && startsAt(alert) + route.groupWaitMs <= now) {
        group.nextFlushAt = Math.min(group.nextFlushAt, now);
      }
    }
  }

  /**
   * Adds or replaces a silence (by id) at `now`: flushes due before it run without it. Expiring one early is putting
   * it with `endsAt` set to now.
   */
  putSilence(silence: Silence, now: number): void {
    this.tick(now);
    this.silences.set(silence.id, silence);
  }

  /** Forgets a silence at `now`; a no-op for an unknown id. */
  deleteSilence(id: string, now: number): void {
    this.tick(now);
    this.silences.delete(id);
  }

  /** When the next flush is due (epoch ms), or null when there are no groups. */
  nextFlushAt(): number | null {
    let next: number | null = null;
    for (const group of this.groups.values()) if (next === null || group.nextFlushAt < next) next = group.nextFlushAt;
    return next;
  }

  /**
   * Runs every flush due at or before `now`, earliest first (ties by group key), and returns their notifications
   * together with those of flushes that {@link receive} and the silence methods ran on the way to their `now`.
   * Each notification is returned once; the caller delivers it (its `dedupKey` makes a second delivery detectable).
   */
  advance(now: number): Notification[] {
    this.tick(now);
    return this.pending.splice(0);
  }

  /** Why each route an alert with these labels takes would or would not notify at `now`. */
  explain(labels: Labels, now: number): RouteExplanation[] {
    const fingerprint = labelsFingerprint(labels);
    const alert: Alert = {
      labels,
      annotations: {},
      state: 'firing',
      activeAt: now,
      firedAt: now,
      resolvedAt: null,
      value: Number.NaN,
      source: 'explain',
    };
    return matchRoutes(this.config.route, labels).map((route) => ({
      routePath: route.path,
      receiver: route.receiver,
      groupKey: groupKeyOf(route, groupLabelsOf(route, labels)),
      routeMute: this.routeMute(route, now),
      suppressedBy: this.suppressedBy(alert, fingerprint, now),
    }));
  }

  /** The open aggregation groups, by group key. */
  snapshot(): GroupSnapshot[] {
    return [...this.groups.values()]
      .sort((a, b) => (a.groupKey < b.groupKey ? -1 : 1))
      .map((group) => ({
        routePath: group.route.path,
        receiver: group.route.receiver,
        groupKey: group.groupKey,
        groupLabels: group.groupLabels,
        fingerprints: [...group.alerts.keys()].sort(),
        nextFlushAt: group.nextFlushAt,
      }));
  }

  /** The route-level mute at `now`: a mute interval holding, or active intervals set and none holding. */
  routeMute(route: Route, now: number): RouteMute | null {
    for (const name of route.muteTimeIntervals) {
      const interval = this.config.timeIntervals.get(name);
      if (interval && intervalContains(interval, now)) return { kind: 'mute_time_interval', name };
    }
    if (route.activeTimeIntervals.length === 0) return null;
    const active = route.activeTimeIntervals.some((name) => {
      const interval = this.config.timeIntervals.get(name);
      return interval !== undefined && intervalContains(interval, now);
    });
    return active ? null : { kind: 'inactive' };
  }

  /** The first cause keeping an alert out of notifications at `now`: inhibition, silences, then suppressors. */
  suppressedBy(alert: Alert, fingerprint: string, now: number): SuppressionCause | null {
    const inhibited = this.inhibitor.inhibitedBy(fingerprint, alert.labels);
    if (inhibited) return inhibited;
    const silenceIds: string[] = [];
    for (const silence of this.silences.values()) if (silenceMutes(silence, alert.labels, now)) silenceIds.push(silence.id);
    if (silenceIds.length > 0) return { kind: 'silence', silenceIds: silenceIds.sort() };
    for (const suppressor of this.suppressors) {
      const cause = suppressor.suppressedBy(alert, fingerprint, now);
      if (cause) return cause;
    }
    return null;
  }

  /** The state to persist; {@link NotificationDispatcher.restore} continues from it. */
  exportState(): DispatcherState {
    return {
      version: 1,
      now: Number.isFinite(this.lastNow) ? this.lastNow : null,
      pending: [...this.pending],
      groups: [...this.groups.values()].map((group) => ({
        routePath: group.route.path,
        groupKey: group.groupKey,
        alerts: [...group.alerts.values()],
        nextFlushAt: group.nextFlushAt,
        hasFlushed: group.hasFlushed,
      })),
      notificationLog: [...this.log.entries()].map(([key, entry]) => {
        const [receiver = '', groupKey = ''] = key.split('\u0000');
        const firing = [...entry.firing.entries()].map(([fingerprint, startsAt]) => ({ fingerprint, startsAt }));
        return { receiver, groupKey, firing, sentAt: entry.sentAt };
      }),
    };
  }

  /**
   * A dispatcher continuing from an exported state, possibly under a changed config: a group whose route still
   * exists with the same key keeps its alerts and timers; alerts of any other group are routed afresh as if they
   * arrived at the state's `now`. The notification log carries over, so nothing already sent is sent again as new.
   */
  static restore(config: RoutingConfig, state: DispatcherState, options: DispatcherOptions = {}): NotificationDispatcher {
    const dispatcher = new NotificationDispatcher(config, options);
    dispatcher.pending.push(...state.pending);
    for (const entry of state.notificationLog) {
      const firing = new Map(entry.firing.map((f) => [f.fingerprint, f.startsAt]));
      dispatcher.log.set(`${entry.receiver}\u0000${entry.groupKey}`, { firing, sentAt: entry.sentAt });
    }
    const routes = new Map<string, Route>();
    const walk = (route: Route) => {
      routes.set(route.path, route);
      route.routes.forEach(walk);
    };
    walk(config.route);
    const orphans: Alert[] = [];
    for (const saved of state.groups) {
      const route = routes.get(saved.routePath);
      const first = saved.alerts[0];
      const groupLabels = route && first ? groupLabelsOf(route, first.labels) : null;
      if (!route || !groupLabels || groupKeyOf(route, groupLabels) !== saved.groupKey) {
        orphans.push(...saved.alerts);
        continue;
      }
      const alerts = new Map(saved.alerts.map((alert) => [labelsFingerprint(alert.labels), alert]));
      const { groupKey, nextFlushAt, hasFlushed } = saved;
      dispatcher.groups.set(groupKey, { route, groupKey, groupLabels, alerts, nextFlushAt, hasFlushed });
      for (const [fingerprint, alert] of alerts) {
        dispatcher.inhibitor.observe(fingerprint, alert.labels, alert.state === 'firing');
      }
    }
    const now = state.now ?? 0;
    for (const alert of orphans) dispatcher.receive(alert, now);
    if (state.now !== null) dispatcher.tick(state.now);
    return dispatcher;
  }

  /**
   * Moves time to `now`, running every flush due by then, so that a change made at `now` (an alert, a silence) is
   * never seen by a flush that was due earlier.
   */
  private tick(now: number): void {
    if (now < this.lastNow) throw new RangeError(`time went back: ${now} is before ${this.lastNow}`);
    this.lastNow = now;
    for (;;) {
      let due: Group | null = null;
      for (const group of this.groups.values()) {
        if (group.nextFlushAt > now) continue;
        if (!due || group.nextFlushAt < due.nextFlushAt || (group.nextFlushAt === due.nextFlushAt && group.groupKey < due.groupKey)) {
          due = group;
        }
      }
      if (!due) return;
      const notification = this.flush(due, due.nextFlushAt);
      if (notification) this.pending.push(notification);
    }
  }

  private flush(group: Group, at: number): Notification | null {
    const { route } = group;
    const snapshot = [...group.alerts.entries()];
    group.hasFlushed = true;
    group.nextFlushAt = at + route.groupIntervalMs;
    // Resolved alerts leave the group once a flush has seen them, whatever it sent, as Alertmanager's do.
    for (const [fingerprint, alert] of snapshot) {
      if (alert.state !== 'firing' && group.alerts.get(fingerprint) === alert) group.alerts.delete(fingerprint);
    }
    if (group.alerts.size === 0) this.groups.delete(group.groupKey);
    if (this.routeMute(route, at)) return null;

    const logKey = `${route.receiver}\u0000${group.groupKey}`;
    const entry = this.log.get(logKey);
    const firing: NotifiedAlert[] = [];
    const resolved: NotifiedAlert[] = [];
    for (const [fingerprint, alert] of snapshot.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (this.suppressedBy(alert, fingerprint, at)) continue;
      if (alert.state === 'firing') firing.push({ fingerprint, alert });
      // A recovery is news only to a receiver told about this firing.
      else if (entry?.firing.get(fingerprint) === startsAt(alert)) resolved.push({ fingerprint, alert });
    }
    if (!this.needsUpdate(entry, firing, resolved, route, at)) return null;

    if (firing.length === 0) this.log.delete(logKey);
    else this.log.set(logKey, { firing: new Map(firing.map((f) => [f.fingerprint, startsAt(f.alert)])), sentAt: at });
    const episodes = (list: readonly NotifiedAlert[]) => list.map((f) => `${f.fingerprint}@${startsAt(f.alert)}`).join(',');
    return {
      receiver: route.receiver,
      routePath: route.path,
      groupKey: group.groupKey,
      groupLabels: group.groupLabels,
      firing,
      resolved,
      at,
      dedupKey: sha256([route.receiver, group.groupKey, episodes(firing), episodes(resolved), String(at)]),
      incidentKey: sha256([route.receiver, group.groupKey]),
    };
  }

  /**
   * Alertmanager's dedup decision: notify when a firing alert is new to the receiver, when an alert it knows about
   * resolved, and otherwise only once `repeat_interval` has passed since the last notification.
   */
  private needsUpdate(
    entry: LogEntry | undefined,
    firing: readonly NotifiedAlert[],
    resolved: readonly NotifiedAlert[],
    route: Route,
    at: number,
  ): boolean {
    if (firing.length === 0 && resolved.length === 0) return false;
    if (!entry) return firing.length > 0;
    if (firing.some((f) => entry.firing.get(f.fingerprint) !== startsAt(f.alert))) return true;
    if (resolved.length > 0) return true;
    return at - entry.sentAt >= route.repeatIntervalMs;
  }
}
