/*
 * The life of a rule's alerts, after Prometheus' alert-generator specification: a label set the rule returns is
 * pending until it has been active for `for`, then firing; when the rule stops returning it, a pending alert is
 * dropped and a firing one (after `keep_firing_for`) becomes inactive — resolved — and is kept, and re-sent, for 15
 * minutes. A resolved alert whose label set returns starts a new episode. Both kinds of alerting rule (PromQL and
 * check state) drive one tracker each.
 */
import { type Alert, type Labels, labelsFingerprint } from '../alert-model';

/** How long a resolved alert is kept and re-sent (Prometheus' resolvedRetention). */
export const RESOLVED_RETENTION_MS = 15 * 60_000;

/** One label set the rule returned at an evaluation, with its labels, annotations and value already worked out. */
export interface ActiveCandidate {
  labels: Labels;
  annotations: Labels;
  value: number;
  /** When the condition began, if the source knows (a check's `since`); otherwise the evaluation time. */
  since?: number;
}

/** An alert as a rule holds it: the shared model plus its sending bookkeeping. */
export interface TrackedAlert extends Alert {
  /** When `keep_firing_for` began holding the alert up (the rule stopped returning it); null otherwise. */
  keepFiringSince: number | null;
  /** The evaluation time it was last handed out for sending; null before the first. */
  lastSentAt: number | null;
  /** Until when the last send promised it is firing (eval time + 4 × max(resend delay, interval)). */
  validUntil: number | null;
}

/** An alert due for sending to Alertmanager (or Estate's routing), with the times its payload carries. */
export interface AlertNotice {
  alert: Alert;
  /** When it started firing (FiredAt), as the specification sets `startsAt`. */
  startsAt: number;
  /** ResolvedAt for a resolved alert; otherwise the evaluation time + 4 × max(resend delay, group interval). */
  endsAt: number;
}

/** The alerts of one rule, advanced one evaluation at a time; the caller's clock is the evaluation time. */
export class AlertTracker {
  private readonly active = new Map<string, TrackedAlert>();

  constructor(
    private readonly timing: { forMs: number; keepFiringForMs: number },
    private readonly source: string,
  ) {}

  /**
   * Advances every alert to evaluation time `ts`, given the label sets the rule returned (unique by labels: the
   * caller has refused duplicates).
   */
  update(ts: number, candidates: readonly ActiveCandidate[]): void {
    const returned = new Set<string>();
    for (const c of candidates) {
      const fp = labelsFingerprint(c.labels);
      returned.add(fp);
      const existing = this.active.get(fp);
      if (existing && existing.state !== 'inactive') {
        existing.value = c.value;
        existing.annotations = c.annotations;
        existing.keepFiringSince = null;
        continue;
      }
      this.active.set(fp, {
        labels: c.labels,
        annotations: c.annotations,
        state: 'pending',
        activeAt: Math.min(c.since ?? ts, ts),
        firedAt: null,
        resolvedAt: null,
        value: c.value,
        source: this.source,
        keepFiringSince: null,
        lastSentAt: null,
        validUntil: null,
      });
    }
    for (const [fp, a] of this.active) {
      if (!returned.has(fp)) {
        if (a.state === 'pending') {
          this.active.delete(fp);
          continue;
        }
        if (a.state === 'firing') {
          a.keepFiringSince ??= ts;
          if (ts - a.keepFiringSince < this.timing.keepFiringForMs) continue;
          a.state = 'inactive';
          a.resolvedAt = ts;
          a.keepFiringSince = null;
        }
        if (a.resolvedAt !== null && ts - a.resolvedAt >= RESOLVED_RETENTION_MS) this.active.delete(fp);
        continue;
      }
      if (a.state === 'pending' && ts - a.activeAt >= this.timing.forMs) {
        a.state = 'firing';
        a.firedAt = ts;
      }
    }
  }

  /** Takes back alerts a previous {@link alerts} returned (after a restart); any held now are dropped first. */
  restore(alerts: readonly TrackedAlert[]): void {
    this.active.clear();
    for (const a of alerts) this.active.set(labelsFingerprint(a.labels), { ...a, source: this.source });
  }

  /** Drops every alert (a rule over its limit starts again from nothing, as Prometheus does). */
  clear(): void {
    this.active.clear();
  }

  /** Every alert held: pending, firing, and resolved ones still within the retention. */
  alerts(): TrackedAlert[] {
    return [...this.active.values()];
  }

  /** Pending and firing alerts only, as the API and the ALERTS series show them. */
  activeAlerts(): TrackedAlert[] {
    return this.alerts().filter((a) => a.state !== 'inactive');
  }

  /**
   * The alerts due for sending after the evaluation at `ts`, marked as sent: a firing alert when it starts firing
   * and then whenever `resendDelayMs` has passed since its last send (so every first multiple of the interval at or
   * past the delay); a resolved one when it resolves and then likewise until the retention ends. Never pending ones.
   * The specification's "first multiple at or past the delay" is followed: Prometheus itself waits for strictly
   * more than the delay, so with a 1-minute delay and interval it re-sends every other evaluation, and this every one.
   */
  due(ts: number, resendDelayMs: number, intervalMs: number): AlertNotice[] {
    const out: AlertNotice[] = [];
    for (const a of this.active.values()) {
      if (a.state === 'pending') continue;
      const resolvedSinceSent = a.resolvedAt !== null && (a.lastSentAt === null || a.resolvedAt > a.lastSentAt);
      if (!resolvedSinceSent && a.lastSentAt !== null && ts - a.lastSentAt < resendDelayMs) continue;
      a.lastSentAt = ts;
      a.validUntil = ts + 4 * Math.max(resendDelayMs, intervalMs);
      const { keepFiringSince: _k, lastSentAt: _l, validUntil: _v, ...alert } = a;
      out.push({ alert: { ...alert }, startsAt: a.firedAt ?? a.activeAt, endsAt: a.resolvedAt ?? a.validUntil });
    }
    return out;
  }
}
