/*
 * What a channel is asked to deliver: one notification for one alert group of one receiver, as Alertmanager hands
 * its receivers a group (receiver, group labels, firing and resolved alerts), plus the links Estate adds.
 */
import { type Alert, type Labels, labelsFingerprint } from '../alert-model';

/**
 * Links a message may carry. `acknowledge` and `resolve` are signed, expiring, single-purpose links minted by the
 * caller (the delivery step) for this notification; channels only place them, never mint or inspect them.
 */
export interface NotificationLinks {
  /** Estate's base URL as users reach it (Alertmanager's `externalURL`). */
  externalUrl: string;
  /** A page showing this group's alerts. */
  alerts?: string;
  /** A page to silence this group. */
  silence?: string;
  acknowledge?: string;
  resolve?: string;
  /** Per alert, by its labels' fingerprint: where it came from (Alertmanager's `generatorURL`, e.g. the rule). */
  alertUrls?: Readonly<Record<string, string>>;
}

/** One notification: a plain value, so a durable job can carry it and a retry renders the same message. */
export interface Notification {
  /** Unique per notification and stable across retries: used as the idempotency key providers accept (Matrix txn id). */
  id: string;
  receiver: string;
  /** Identifies the alert group (Alertmanager's group key); dedup keys at paging providers derive from it. */
  groupKey: string;
  groupLabels: Labels;
  firing: readonly Alert[];
  resolved: readonly Alert[];
  links: NotificationLinks;
  /** Names of the configuration items the group impacts (from the inventory graph), most important first. */
  impacted?: readonly string[];
  /** Alerts left out of `firing`/`resolved` by a size limit upstream (Alertmanager's `truncatedAlerts`). */
  truncatedAlerts?: number;
  /** Addresses to write to instead of the channel's own (a person paged by an escalation); only email uses them. */
  recipients?: readonly string[];
  /** Why this message goes out besides the alerts: an escalation step or an on-call handoff, for people. */
  reason?: string;
}

/** `firing` while any alert of the group fires, else `resolved`: the group's status as Alertmanager reports it. */
export function notificationStatus(notification: Notification): 'firing' | 'resolved' {
  return notification.firing.length > 0 ? 'firing' : 'resolved';
}

/** The label (or annotation) pairs every alert of the group shares (Alertmanager's `commonLabels`). */
export function commonPairs(sets: readonly Labels[]): Record<string, string> {
  const [first, ...rest] = sets;
  if (!first) return {};
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(first)) {
    if (rest.every((set) => set[name] === value)) out[name] = value;
  }
  return out;
}

/** Every alert of the notification, firing first. */
export function allAlerts(notification: Notification): Alert[] {
  return [...notification.firing, ...notification.resolved];
}

/** The alert's fingerprint (its labels'), the key of {@link NotificationLinks.alertUrls}. */
export function alertFingerprint(alert: Alert): string {
  return labelsFingerprint(alert.labels);
}

/**
 * The notification a channel's "send test" sends: one firing alert, clearly labelled a test, at `now` (epoch ms).
 * It goes through the same templates and request as a real one, so a passing test means real ones arrive too.
 */
export function testNotification(receiver: string, externalUrl: string, now: number): Notification {
  const alert: Alert = {
    labels: { alertname: 'EstateTestNotification', severity: 'info', instance: 'estate' },
    annotations: {
      summary: 'Test notification from Estate',
      description: `This is a test of the receiver "${receiver}". If you can read it, alerts will reach you here.`,
    },
    state: 'firing',
    activeAt: now,
    firedAt: now,
    resolvedAt: null,
    value: Number.NaN,
    source: 'test',
  };
  return {
    id: `test-${now.toString(36)}`,
    receiver,
    groupKey: `{}:{receiver="${receiver}",test="true"}`,
    groupLabels: { alertname: 'EstateTestNotification' },
    firing: [alert],
    resolved: [],
    links: { externalUrl },
  };
}
