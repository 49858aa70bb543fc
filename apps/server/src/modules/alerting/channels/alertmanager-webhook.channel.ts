/*
 * Alertmanager's webhook format (version 4) out, byte for byte in shape, so receivers written for Alertmanager
 * (prometheus-msteams, n8n flows, home-grown scripts) keep working when pointed at Estate.
 */
import type { Alert } from '../alert-model';
import { type ChannelType, deliverHttp, validateSettings } from './channel-type';
import { alertFingerprint, allAlerts, commonPairs, type Notification, notificationStatus } from './notification';
import type { OutboundRequest } from './outbound-http';

/** The webhook's settings: URL, optional credentials, and the most alerts one message carries (0: all). */
export interface AlertmanagerWebhookSettings {
  url: string;
  bearerToken?: string;
  username?: string;
  password?: string;
  maxAlerts: number;
}

/** One alert as Alertmanager's webhook sends it. */
export interface AlertmanagerWebhookAlert {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  fingerprint: string;
}

/** The version 4 message. */
export interface AlertmanagerWebhookMessage {
  version: '4';
  groupKey: string;
  truncatedAlerts: number;
  status: 'firing' | 'resolved';
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  alerts: AlertmanagerWebhookAlert[];
}

/** Go's zero time, which Alertmanager prints as the end of an alert that has not ended. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

/** A time as Go's JSON encoding of time.Time writes it in UTC (RFC 3339, fractional seconds without trailing zeros). */
export function goTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.?0*Z$/, 'Z');
}

function webhookAlert(alert: Alert, notification: Notification): AlertmanagerWebhookAlert {
  const resolved = alert.resolvedAt !== null;
  const fingerprint = alertFingerprint(alert);
  return {
    status: resolved ? 'resolved' : 'firing',
    labels: { ...alert.labels },
    annotations: { ...alert.annotations },
    startsAt: goTime(alert.firedAt ?? alert.activeAt),
    endsAt: resolved ? goTime(alert.resolvedAt!) : ZERO_TIME,
    generatorURL: notification.links.alertUrls?.[fingerprint] ?? '',
    fingerprint,
  };
}

/** The version 4 message for `notification`, keeping at most `maxAlerts` alerts (0: all) and counting the rest. */
export function alertmanagerMessage(notification: Notification, maxAlerts = 0): AlertmanagerWebhookMessage {
  const alerts = allAlerts(notification);
  const kept = maxAlerts > 0 ? alerts.slice(0, maxAlerts) : alerts;
  return {
    receiver: notification.receiver,
    status: notificationStatus(notification),
    alerts: kept.map((a) => webhookAlert(a, notification)),
    groupLabels: { ...notification.groupLabels },
    commonLabels: commonPairs(alerts.map((a) => a.labels)),
    commonAnnotations: commonPairs(alerts.map((a) => a.annotations)),
    externalURL: notification.links.externalUrl,
    version: '4',
    groupKey: notification.groupKey,
    truncatedAlerts: (notification.truncatedAlerts ?? 0) + (alerts.length - kept.length),
  };
}

/** Alertmanager-compatible webhooks. */
export const alertmanagerWebhookChannel: ChannelType<AlertmanagerWebhookSettings, OutboundRequest> = {
  type: 'alertmanager-webhook',
  title: 'Alertmanager webhook',
  fields: [
    { name: 'url', label: 'URL', kind: 'url', required: true, secret: true },
    { name: 'bearerToken', label: 'Bearer token', kind: 'string', secret: true },
    { name: 'username', label: 'Basic auth user name', kind: 'string' },
    { name: 'password', label: 'Basic auth password', kind: 'string', secret: true },
    { name: 'maxAlerts', label: 'Most alerts per message (0: all)', kind: 'integer', min: 0, max: 10_000, default: 0 },
  ],
  validate(raw) {
    return validateSettings<AlertmanagerWebhookSettings>('alertmanager-webhook', this.fields, raw, (s) =>
      s.bearerToken && s.username ? [{ field: 'bearerToken', message: 'use either a bearer token or basic auth' }] : [],
    );
  },
  async render(settings, notification) {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'Estate' };
    if (settings.bearerToken) headers.authorization = `Bearer ${settings.bearerToken}`;
    else if (settings.username)
      headers.authorization = `Basic ${Buffer.from(`${settings.username}:${settings.password ?? ''}`).toString('base64')}`;
    return { method: 'POST', url: settings.url, headers, body: JSON.stringify(alertmanagerMessage(notification, settings.maxAlerts)) };
  },
  deliver(message, _settings, context) {
    return deliverHttp(message, context);
  },
};
