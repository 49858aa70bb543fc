/*
 * The alerting engine: evaluates the stored rule groups on their intervals, keeps one row per alert episode (with
 * its timeline), and routes what the rules hand out through the Alertmanager-model dispatcher into notifications.
 * One process at a time runs it (a lease in the database); what it holds in memory — each group's alerts, the
 * dispatcher's groups and notification log — is saved after every cycle that changed it and taken back by the next
 * holder, so a restart or a hand-over neither loses an alert nor sends one twice as new.
 */
import { readJson } from '../../../platform/db/database';
import { newId as newEpisodeId } from '../../../platform/ids';
import type { Labels } from '../alert-model';
import { type Alert, labelsFingerprint } from '../alert-model';
import {
  type AlertSuppressor,
  type DispatcherState,
  type Notification,
  NotificationDispatcher,
  type RoutingConfig,
  type Silence,
  type SuppressionCause,
} from '../routing';
import {
  type AlertNotice,
  type CheckStateSource,
  type GroupState,
  type InstantQuery,
  type OutputSample,
  RuleGroupEvaluator,
  type TrackedAlert,
} from '../rules';
import type { AlertStore, Db } from './alert-store';
import type { AlertsTable } from './alerts.tables';
import { type StoredRuleGroup, storedGroup } from './rule-groups.service';

/** Where routing comes from: the current configuration (with a version to notice changes) and the silences. */
export interface RoutingSource {
  current(): Promise<{ version: number; config: RoutingConfig }>;
  silences(now: number): Promise<readonly Silence[]>;
}

export interface AlertEngineOptions {
  store: AlertStore;
  query: InstantQuery;
  checkStates: CheckStateSource;
  routing: RoutingSource;
  /** Consulted after inhibition and silences (maintenance windows, the dependency graph). */
  suppressors?: readonly AlertSuppressor[];
  /** Runs at the start of each cycle the process holds the lease (refreshing what suppressors read). */
  beforeCycle?: (now: number) => Promise<void>;
  /** Delivers one notification inside the cycle's transaction (channels, escalation); absent: only recorded. */
  notify?: (trx: Db, notification: Notification, config: RoutingConfig) => Promise<void>;
  /** Writes rule output (ALERTS, recording rules) into the metric store. */
  appendSamples?: (timeMs: number, samples: readonly OutputSample[], stale: readonly Labels[]) => Promise<void>;
  now: () => number;
  /** This process, as the lease names it. */
  processName: string;
  externalUrl?: string;
  logger?: { warn(obj: object, msg: string): void };
  /** How long the lease lasts without renewal, ms (default 30 s). */
  leaseMs?: number;
}

interface LoadedGroup {
  stored: StoredRuleGroup;
  evaluator: RuleGroupEvaluator;
  nextAt: number;
  hasCheckRules: boolean;
}

/** An open (or recently resolved) episode as the engine last wrote it. */
interface EpisodeMark {
  id: string;
  state: AlertsTable['state'];
  activeAt: number;
  firedAt: number | null;
  source: string;
  suppressed: string | null;
}

/** The `alerting.*` severity of an alert: its `severity` label, `none` without one. */
export function severityOf(labels: Labels): string {
  return labels.severity || 'none';
}

/** A group's evaluation offset within its interval, stable per group (Prometheus spreads groups by a hash). */
function offsetOf(id: string, intervalMs: number): number {
  return Number.parseInt(labelsFingerprint({ id }).slice(-8), 16) % intervalMs;
}

/** The first evaluation time at or after `now` on the group's grid. */
export function nextSlot(now: number, intervalMs: number, offsetMs: number): number {
  const base = Math.floor((now - offsetMs) / intervalMs) * intervalMs + offsetMs;
  return base >= now ? base : base + intervalMs;
}

const causeText = (cause: SuppressionCause | null) => (cause === null ? null : JSON.stringify(presentCause(cause)));

export class AlertEngine {
  private readonly groups = new Map<string, LoadedGroup>();
  private readonly episodes = new Map<string, EpisodeMark>();
  private dispatcher: NotificationDispatcher | undefined;
  private routingVersion = -1;
  private routingConfig: RoutingConfig | undefined;
  private silenceIds = new Set<string>();
  /** Acknowledged open episodes: fingerprint → the episode's activeAt. */
  private acknowledged = new Map<string, number>();
  /** Alerts sent in from outside, by fingerprint, as last routed. */
  private readonly external = new Map<string, Alert>();
  /** The newest `updated_at` of an external episode this holder has routed. */
  private externalSeen = 0;
  private leader = false;
  private groupsStale = true;
  /** Count and newest change of the rule groups at the last look. */
  private groupsMark = '';
  /** The newest acknowledgement time read. */
  private acksSeen = 0;
  private poked = false;

  constructor(private readonly options: AlertEngineOptions) {}

  /** Rule groups changed (this process saved them): re-read them at the next cycle. */
  groupsChanged(): void {
    this.groupsStale = true;
  }

  /** Check states changed: evaluate groups with check-state rules at the next cycle rather than at their slot. */
  poke(): void {
    this.poked = true;
  }

  /** An alert was acknowledged or un-acknowledged (by this process): re-read acknowledgements next cycle. */
  acknowledgementsChanged(): void {
    this.groupsStale = true;
  }

  /**
   * One cycle at `now`: take or keep the lease, load what changed, evaluate the due groups, route their alerts,
   * deliver due notifications, save. Answers whether this process did the work (holds the lease).
   */
  async cycle(now = this.options.now()): Promise<boolean> {
    const { store } = this.options;
    const leaseMs = this.options.leaseMs ?? 30_000;
    const held = await store.claimLease(this.options.processName, now, now + leaseMs);
    if (!held) {
      if (this.leader) this.forget();
      return false;
    }
    if (!this.leader) await this.takeOver(now);
    if (this.groupsStale || (await this.groupsChangedElsewhere())) await this.loadGroups(now);
    else await this.readNewAcknowledgements();
    await this.options.beforeCycle?.(now);
    await this.syncRouting(now);
    const poked = this.poked;
    this.poked = false;
    const notices: AlertNotice[] = [];
    for (const group of this.groups.values()) {
      if (!group.stored.enabled) continue;
      if (group.nextAt > now && !(poked && group.hasCheckRules)) continue;
      notices.push(...(await this.evaluate(group, now)));
      group.nextAt = nextSlot(now + 1, group.evaluator.intervalMs, offsetOf(group.stored.id, group.evaluator.intervalMs));
    }
    await this.syncExternal(now);
    await this.dispatch(notices, now);
    return true;
  }

  /**
   * Routes alerts sent in from outside that changed since the last cycle (with 2 s of overlap for writers whose
   * clock or commit lagged: routing the same state twice changes nothing), and resolves those whose endsAt passed.
   */
  private async syncExternal(now: number): Promise<void> {
    const { store } = this.options;
    const expired = await store.db
      .selectFrom('alerts')
      .select(['id', 'ends_at'])
      .where('state', '=', 'firing')
      .where('ends_at', 'is not', null)
      .where('ends_at', '<=', now)
      .execute();
    if (expired.length > 0) {
      await store.db.transaction().execute(async (trx) => {
        for (const row of expired) {
          await store.updateEpisode(trx, row.id, { state: 'resolved', resolved_at: Number(row.ends_at), updated_at: now });
          await store.event(trx, row.id, now, 'resolved', { reason: 'not sent again before its end' });
        }
      });
    }
    const rows = await store.db
      .selectFrom('alerts')
      .selectAll()
      .where('updated_at', '>=', this.externalSeen - 2_000)
      .where('source', 'not like', 'rule:%')
      .orderBy('updated_at')
      .execute();
    const dispatcher = this.dispatcher;
    for (const row of rows) {
      this.externalSeen = Math.max(this.externalSeen, Number(row.updated_at));
      const known = this.episodes.get(row.fingerprint);
      if (known && known.activeAt > Number(row.active_at)) continue;
      const alert = alertOfRow(row);
      if (row.acknowledged_at !== null && row.state !== 'resolved') this.acknowledged.set(row.fingerprint, alert.activeAt);
      if (row.state === 'resolved') this.external.delete(row.fingerprint);
      else this.external.set(row.fingerprint, alert);
      this.episodes.set(row.fingerprint, mark(row));
      dispatcher?.receive(alert, now);
    }
  }

  /** Gives the lease up (a clean stop), so another process takes over at once. */
  async stop(): Promise<void> {
    if (this.leader) await this.options.store.releaseLease(this.options.processName);
    this.forget();
  }

  private forget(): void {
    this.leader = false;
    this.groups.clear();
    this.episodes.clear();
    this.dispatcher = undefined;
    this.external.clear();
    this.externalSeen = 0;
    this.routingVersion = -1;
    this.silenceIds = new Set();
    this.groupsStale = true;
  }

  /** Becoming the holder: the episodes and the dispatcher as the last holder saved them. */
  private async takeOver(now: number): Promise<void> {
    this.forget();
    this.leader = true;
    // Alerts sent in within the last 15 minutes are routed again (the last holder may not have saved them).
    this.externalSeen = now - 15 * 60_000;
    for (const row of await this.options.store.openEpisodes(now - 15 * 60_000)) {
      if (row.state === 'resolved' && !this.isLatest(row)) continue;
      this.episodes.set(row.fingerprint, mark(row));
      if (row.state === 'firing' && !row.source.startsWith('rule:')) this.external.set(row.fingerprint, alertOfRow(row));
    }
  }

  private isLatest(row: AlertsTable): boolean {
    const known = this.episodes.get(row.fingerprint);
    return !known || known.activeAt < Number(row.active_at);
  }

  /** Rule groups changed by another process: their count or newest change moved (one tiny aggregate a cycle). */
  private async groupsChangedElsewhere(): Promise<boolean> {
    const row = await this.options.store.db
      .selectFrom('alert_rule_groups')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('updated_at').as('newest')])
      .executeTakeFirst();
    const mark = `${Number(row?.n ?? 0)}:${Number(row?.newest ?? 0)}`;
    const changed = mark !== this.groupsMark;
    this.groupsMark = mark;
    return changed;
  }

  /** Acknowledgements made since the last read, in any process (the acknowledged_at index keeps this small). */
  private async readNewAcknowledgements(): Promise<void> {
    const rows = await this.options.store.db
      .selectFrom('alerts')
      .select(['fingerprint', 'active_at', 'acknowledged_at'])
      .where('acknowledged_at', '>=', this.acksSeen - 2_000)
      .where('state', '!=', 'resolved')
      .execute();
    for (const r of rows) {
      this.acknowledged.set(r.fingerprint, Number(r.active_at));
      this.acksSeen = Math.max(this.acksSeen, Number(r.acknowledged_at));
    }
  }

  private async loadGroups(now: number): Promise<void> {
    this.groupsStale = false;
    const { store } = this.options;
    const rows = await store.db.selectFrom('alert_rule_groups').selectAll().execute();
    const seen = new Set<string>();
    for (const row of rows) {
      seen.add(row.id);
      const stored = storedGroup(row);
      const loaded = this.groups.get(row.id);
      if (loaded && loaded.stored.version === stored.version) {
        loaded.stored = stored;
        continue;
      }
      const evaluator = this.evaluatorOf(stored);
      const saved = loaded ? loaded.evaluator.exportState() : await store.loadState<GroupState>(`group:${row.id}`);
      if (saved) evaluator.restore(saved);
      const interval = evaluator.intervalMs;
      this.groups.set(row.id, {
        stored,
        evaluator,
        nextAt: loaded ? loaded.nextAt : nextSlot(now, interval, offsetOf(row.id, interval)),
        hasCheckRules: stored.spec.rules.some((r) => r.kind === 'check-state'),
      });
    }
    for (const id of [...this.groups.keys()]) if (!seen.has(id)) this.groups.delete(id);
    const acked = await store.db
      .selectFrom('alerts')
      .select(['fingerprint', 'active_at', 'acknowledged_at'])
      .where('state', '!=', 'resolved')
      .where('acknowledged_at', 'is not', null)
      .execute();
    this.acknowledged = new Map(acked.map((a) => [a.fingerprint, Number(a.active_at)]));
    this.acksSeen = Math.max(now, ...acked.map((a) => Number(a.acknowledged_at)));
  }

  private evaluatorOf(stored: StoredRuleGroup): RuleGroupEvaluator {
    return new RuleGroupEvaluator(stored.spec, {
      query: this.options.query,
      checkStates: this.options.checkStates,
      append: this.options.appendSamples,
      externalUrl: this.options.externalUrl,
      file: stored.file,
      clock: () => performance.now(),
    });
  }

  /** Evaluates one group at `now`, writes its episodes' changes and its state; answers the alerts due for routing. */
  private async evaluate(group: LoadedGroup, now: number): Promise<AlertNotice[]> {
    const result = await group.evaluator.evaluate(now);
    for (const failure of result.failures) {
      this.options.logger?.warn({ group: group.stored.spec.name, rule: failure.rule + 1, error: failure.error }, 'alert rule failed');
    }
    const state = group.evaluator.exportState();
    const source = `rule:${group.stored.id}`;
    await this.options.store.db.transaction().execute(async (trx) => {
      const present = new Set<string>();
      for (const [i, rule] of state.rules.entries()) {
        const ruleName = group.stored.spec.rules[i]?.name ?? rule.name;
        for (const alert of rule.alerts) {
          const fp = labelsFingerprint(alert.labels);
          present.add(fp);
          await this.writeEpisode(trx, fp, alert, { source, group: group.stored, ruleName }, now);
        }
      }
      // Pending alerts the rules dropped never fired: their episodes go.
      for (const [fp, m] of this.episodes) {
        if (m.source !== source || present.has(fp)) continue;
        if (m.state === 'pending') await this.options.store.deleteEpisode(trx, m.id);
        this.episodes.delete(fp);
      }
      await this.options.store.saveState(trx, `group:${group.stored.id}`, state, now);
    });
    return result.notices;
  }

  private async writeEpisode(
    trx: Db,
    fp: string,
    alert: TrackedAlert,
    origin: { source: string; group: StoredRuleGroup; ruleName: string },
    now: number,
  ): Promise<void> {
    const { store } = this.options;
    const state: AlertsTable['state'] = alert.state === 'inactive' ? 'resolved' : alert.state;
    const known = this.episodes.get(fp);
    if (!known || known.activeAt !== alert.activeAt) {
      if (known && known.state !== 'resolved') {
        // The rule started a new episode while the old one was open (a restart lost its resolution): close it.
        await store.updateEpisode(trx, known.id, { state: 'resolved', resolved_at: now, updated_at: now });
        await store.event(trx, known.id, now, 'resolved', { reason: 'superseded' });
      }
      const row: AlertsTable = {
        id: newEpisodeId(now),
        fingerprint: fp,
        source: origin.source,
        rule_group_id: origin.group.id,
        rule_name: origin.ruleName,
        rule_version: origin.group.version,
        labels: alert.labels,
        annotations: alert.annotations,
        state,
        severity: severityOf(alert.labels),
        value: Number.isFinite(alert.value) ? alert.value : null,
        active_at: alert.activeAt,
        fired_at: alert.firedAt,
        resolved_at: alert.resolvedAt,
        ends_at: null,
        acknowledged_at: null,
        acknowledged_by: null,
        suppressed_by: null,
        notified: 0,
        updated_at: now,
      };
      if (state === 'resolved') return; // resolved before this process ever wrote it: nothing to show
      if (!(await store.insertEpisode(trx, row))) return;
      await store.event(trx, row.id, alert.activeAt, 'pending', { value: row.value, ruleVersion: origin.group.version });
      if (state === 'firing') await store.event(trx, row.id, alert.firedAt ?? now, 'firing', { value: row.value });
      this.episodes.set(fp, mark(row));
      return;
    }
    if (known.state === state) return;
    const set: Partial<AlertsTable> = {
      state,
      fired_at: alert.firedAt,
      resolved_at: alert.resolvedAt,
      annotations: alert.annotations,
      value: Number.isFinite(alert.value) ? alert.value : null,
      updated_at: now,
    };
    await store.updateEpisode(trx, known.id, set);
    await store.event(trx, known.id, now, state, { value: set.value });
    known.state = state;
    known.firedAt = alert.firedAt;
  }

  private async syncRouting(now: number): Promise<void> {
    const { routing } = this.options;
    const current = await routing.current();
    if (!this.dispatcher || current.version !== this.routingVersion) {
      const options = { suppressors: [this.acknowledgedSuppressor(), ...(this.options.suppressors ?? [])] };
      const saved = this.dispatcher?.exportState() ?? (await this.options.store.loadState<DispatcherState>('dispatcher'));
      this.dispatcher = saved
        ? NotificationDispatcher.restore(current.config, saved, options)
        : new NotificationDispatcher(current.config, options);
      this.routingVersion = current.version;
      this.routingConfig = current.config;
      this.silenceIds = new Set();
    }
    const silences = await routing.silences(now);
    const ids = new Set(silences.map((s) => s.id));
    for (const s of silences) this.dispatcher.putSilence(s, now);
    for (const id of this.silenceIds) if (!ids.has(id)) this.dispatcher.deleteSilence(id, now);
    this.silenceIds = ids;
  }

  /** Acknowledged alerts are not notified again while they fire (their recovery still is). */
  private acknowledgedSuppressor(): AlertSuppressor {
    return {
      suppressedBy: (alert, fingerprint) =>
        alert.state === 'firing' && this.acknowledged.get(fingerprint) === alert.activeAt
          ? { kind: 'external', source: 'acknowledged', reason: 'acknowledged' }
          : null,
    };
  }

  /** Routes the alerts due, runs due flushes, delivers, records suppression changes, saves the dispatcher. */
  private async dispatch(notices: readonly AlertNotice[], now: number): Promise<void> {
    const dispatcher = this.dispatcher;
    if (!dispatcher) return;
    for (const notice of notices) dispatcher.receive(notice.alert, now);
    const notifications = dispatcher.advance(now);
    const { store } = this.options;
    const changes: Array<{ mark: EpisodeMark; cause: SuppressionCause | null; text: string | null }> = [];
    const held = this.heldAlerts();
    for (const [fp, m] of this.episodes) {
      if (m.state !== 'firing') continue;
      const alert = held.get(fp);
      if (!alert) continue;
      const cause = dispatcher.suppressedBy(alert, fp, now);
      const text = causeText(cause);
      if (text !== m.suppressed) changes.push({ mark: m, cause, text });
    }
    if (notifications.length === 0 && changes.length === 0 && notices.length === 0) return;
    await store.db.transaction().execute(async (trx) => {
      for (const change of changes) {
        await store.updateEpisode(trx, change.mark.id, {
          suppressed_by: change.cause === null ? null : presentCause(change.cause),
          updated_at: now,
        });
        await store.event(
          trx,
          change.mark.id,
          now,
          change.cause ? 'suppressed' : 'unsuppressed',
          change.cause ? presentCause(change.cause) : {},
        );
      }
      for (const n of notifications) {
        if (this.routingConfig) await this.options.notify?.(trx, n, this.routingConfig);
        for (const a of n.firing) {
          const m = this.episodes.get(a.fingerprint);
          if (!m) continue;
          await store.updateEpisode(trx, m.id, { notified: 1, updated_at: now });
          await store.event(trx, m.id, now, 'notified', { receiver: n.receiver, groupKey: n.groupKey, incidentKey: n.incidentKey });
        }
        for (const a of n.resolved) {
          const m = this.episodes.get(a.fingerprint);
          if (m) await store.event(trx, m.id, now, 'recovery-notified', { receiver: n.receiver, groupKey: n.groupKey });
        }
      }
      await store.saveState(trx, 'dispatcher', dispatcher.exportState(), now);
    });
    for (const change of changes) change.mark.suppressed = change.text;
  }

  /** Every alert the evaluators hold, by fingerprint. */
  private heldAlerts(): Map<string, Alert> {
    const out = new Map<string, Alert>(this.external);
    for (const group of this.groups.values()) {
      for (const rule of group.evaluator.rules()) for (const a of rule.alerts) out.set(labelsFingerprint(a.labels), a);
    }
    return out;
  }
}

/** A suppression cause as the API shows it. */
export function presentCause(cause: SuppressionCause): { kind: string; reason: string; ref?: string } {
  switch (cause.kind) {
    case 'silence':
      return {
        kind: 'silence',
        reason: `silenced by ${cause.silenceIds.length === 1 ? 'a silence' : `${cause.silenceIds.length} silences`}`,
        ref: cause.silenceIds[0],
      };
    case 'inhibition':
      return { kind: 'inhibition', reason: `inhibited by inhibit rule ${cause.ruleIndex + 1}`, ref: cause.sourceFingerprint };
    default:
      return { kind: cause.source, reason: cause.reason, ...(cause.ref ? { ref: cause.ref } : {}) };
  }
}

/** An episode sent in from outside as the dispatcher takes it. */
function alertOfRow(row: AlertsTable): Alert {
  return {
    labels: readJson(row.labels),
    annotations: readJson(row.annotations),
    state: row.state === 'resolved' ? 'inactive' : 'firing',
    activeAt: Number(row.active_at),
    firedAt: row.fired_at === null ? null : Number(row.fired_at),
    resolvedAt: row.resolved_at === null ? null : Number(row.resolved_at),
    value: Number.NaN,
    source: row.source,
  };
}

function mark(row: AlertsTable): EpisodeMark {
  return {
    id: row.id,
    state: row.state,
    activeAt: Number(row.active_at),
    firedAt: row.fired_at === null ? null : Number(row.fired_at),
    source: row.source,
    suppressed: row.suppressed_by === null ? null : JSON.stringify(readJson(row.suppressed_by)),
  };
}
