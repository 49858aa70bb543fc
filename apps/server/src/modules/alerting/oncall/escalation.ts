/*
 * Escalation policies: who is told about an alert, when, until someone acknowledges it. A pure function of the alert's
 * times, the policy and who is on call, so the caller (a job that wakes at `nextAt`) decides when to ask and the tests
 * inject every instant.
 *
 * Timing follows GoAlert's and PagerDuty's model: the first step notifies when the alert triggers; each step's delay is
 * how long the policy waits after that step notified before the next step notifies (after the last step, before the
 * policy starts over while repeats remain). A step whose targets resolve to nobody at that instant (a schedule with a
 * gap, an unknown schedule) is skipped, and the next step notifies at once rather than after a wait on nobody.
 */
import type { Alert } from '../alert-model';
import { whoIsOnCall } from './schedule';
import type { PersonId, Schedule } from './schedule-types';

/** Who a step notifies: one person, whoever a schedule has on call at that instant, or a channel (chat room, …). */
export type EscalationTarget =
  | { kind: 'user'; userId: PersonId }
  | { kind: 'schedule'; scheduleId: string }
  | { kind: 'channel'; channelId: string };

/** One step of a policy. */
export interface EscalationStep {
  targets: readonly EscalationTarget[];
  /** Whole minutes, 0 or more: the wait after this step notifies before the next step (or the repeat). */
  delayMinutes: number;
}

/** An escalation policy: steps in order, then the whole list again `repeat` more times. */
export interface EscalationPolicy {
  id: string;
  name: string;
  steps: readonly EscalationStep[];
  /** Whole number, 0 or more: how many times the steps run again after the first pass. */
  repeat: number;
}

/** Who actually receives a notification. */
export type Recipient = { kind: 'user'; userId: PersonId } | { kind: 'channel'; channelId: string };

/** One notification that is due. */
export interface EscalationNotification {
  /** Epoch ms at which it is due. */
  at: number;
  /** 0 for the first pass through the steps, 1 for the first repeat, … */
  pass: number;
  /** Index into the policy's steps. */
  step: number;
  recipient: Recipient;
  /** The target that resolved to this recipient (a schedule target says which schedule put the person there). */
  via: EscalationTarget;
}

/** A step that was passed over because its targets resolved to nobody. */
export interface SkippedStep {
  at: number;
  pass: number;
  step: number;
}

/** Who a schedule has on call at an instant; null for nobody or an unknown schedule. */
export type OnCallLookup = (scheduleId: string, at: number) => PersonId | null;

/** The alert's side of an escalation. Epoch ms. */
export interface EscalationAlert {
  triggeredAt: number;
  /** Null while unacknowledged. Nothing is due at or after it. */
  acknowledgedAt: number | null;
  /** Null while active. Resolution stops escalation as acknowledgement does. */
  resolvedAt?: number | null;
}

/**
 * The escalation view of a shared-model alert: it triggers when it starts firing (or becomes active, if it never
 * fired) and stops when it resolves. Acknowledgement is a person's act on the notification side, so the caller brings it.
 */
export function escalationAlertOf(alert: Alert, acknowledgedAt: number | null): EscalationAlert {
  return { triggeredAt: alert.firedAt ?? alert.activeAt, acknowledgedAt, resolvedAt: alert.resolvedAt };
}

/** The outcome of {@link escalationDue}. */
export interface EscalationProgress {
  /** Due at or before `until`, in order of time then step. */
  notifications: EscalationNotification[];
  skipped: SkippedStep[];
  /** When the policy next acts (notifies or skips) after `until`; null when it is done or stopped. */
  nextAt: number | null;
}

/** A problem with a policy, with a path into it. */
export interface EscalationIssue {
  path: string;
  message: string;
}

const MINUTE_MS = 60_000;
/** Bounds the work one call can do; far beyond any sensible policy. */
const MAX_REPEAT = 100;

/** Checks a policy: steps with targets, whole non-negative delays and repeat count, and some delay if it repeats. */
export function validateEscalationPolicy(policy: EscalationPolicy): EscalationIssue[] {
  const issues: EscalationIssue[] = [];
  if (policy.steps.length === 0) issues.push({ path: 'steps', message: 'a policy needs at least one step' });
  policy.steps.forEach((step, index) => {
    if (step.targets.length === 0) issues.push({ path: `steps[${index}].targets`, message: 'a step needs at least one target' });
    if (!Number.isInteger(step.delayMinutes) || step.delayMinutes < 0) {
      issues.push({
        path: `steps[${index}].delayMinutes`,
        message: `a delay is a whole number of minutes, 0 or more (got ${step.delayMinutes})`,
      });
    }
  });
  if (!Number.isInteger(policy.repeat) || policy.repeat < 0 || policy.repeat > MAX_REPEAT) {
    issues.push({ path: 'repeat', message: `repeat is a whole number from 0 to ${MAX_REPEAT} (got ${policy.repeat})` });
  } else if (policy.repeat > 0 && policy.steps.every((step) => step.delayMinutes === 0)) {
    issues.push({
      path: 'repeat',
      message: 'a repeating policy needs a delay on some step, or every repeat would notify at the same instant',
    });
  }
  return issues;
}

/** An {@link OnCallLookup} over schedules held in memory. */
export function scheduleLookup(schedules: readonly Schedule[]): OnCallLookup {
  const byId = new Map(schedules.map((schedule) => [schedule.id, schedule]));
  return (scheduleId, at) => {
    const schedule = byId.get(scheduleId);
    return schedule ? (whoIsOnCall(schedule, at)?.person ?? null) : null;
  };
}

function resolve(
  targets: readonly EscalationTarget[],
  at: number,
  onCall: OnCallLookup,
): { recipient: Recipient; via: EscalationTarget }[] {
  const seen = new Set<string>();
  const resolved: { recipient: Recipient; via: EscalationTarget }[] = [];
  const add = (recipient: Recipient, via: EscalationTarget) => {
    const key = recipient.kind === 'user' ? `user:${recipient.userId}` : `channel:${recipient.channelId}`;
    // The same person through two targets of one step is told once.
    if (seen.has(key)) return;
    seen.add(key);
    resolved.push({ recipient, via });
  };
  for (const target of targets) {
    if (target.kind === 'user') add({ kind: 'user', userId: target.userId }, target);
    else if (target.kind === 'channel') add({ kind: 'channel', channelId: target.channelId }, target);
    else {
      const person = onCall(target.scheduleId, at);
      if (person !== null) add({ kind: 'user', userId: person }, target);
    }
  }
  return resolved;
}

/**
 * The notifications an alert's escalation has made due by `until` (epoch ms, inclusive), the steps it skipped, and when
 * it next acts. Idempotent: the same inputs give the same answer, so a caller sends what it has not sent yet. Nothing
 * is due at or after acknowledgement or resolution. Throws on an invalid policy (see {@link validateEscalationPolicy}).
 */
export function escalationDue(alert: EscalationAlert, policy: EscalationPolicy, onCall: OnCallLookup, until: number): EscalationProgress {
  const issues = validateEscalationPolicy(policy);
  if (issues.length > 0)
    throw new Error(`invalid escalation policy ${policy.id}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  const stopAt = Math.min(alert.acknowledgedAt ?? Number.POSITIVE_INFINITY, alert.resolvedAt ?? Number.POSITIVE_INFINITY);
  const progress: EscalationProgress = { notifications: [], skipped: [], nextAt: null };
  let at = alert.triggeredAt;
  for (let pass = 0; pass <= policy.repeat; pass++) {
    for (const [index, step] of policy.steps.entries()) {
      if (at >= stopAt) return progress;
      if (at > until) {
        progress.nextAt = at;
        return progress;
      }
      const resolved = resolve(step.targets, at, onCall);
      if (resolved.length === 0) {
        progress.skipped.push({ at, pass, step: index });
        continue;
      }
      for (const { recipient, via } of resolved) progress.notifications.push({ at, pass, step: index, recipient, via });
      at += step.delayMinutes * MINUTE_MS;
    }
  }
  return progress;
}
