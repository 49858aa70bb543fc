/*
 * PagerDuty Events API v2: `trigger` while any alert of the group fires, `resolve` once none does, both with the
 * same dedup_key (a hash of the receiver and group key, as Alertmanager keys its PagerDuty events), so PagerDuty
 * keeps one incident per alert group and a retried trigger does not open a second.
 */
import { createHash } from 'node:crypto';
import { type ChannelType, deliverHttp, jsonOf, truncate, validateSettings } from './channel-type';
import { actionLinks, renderTitleText, TEXT_FIELD, TITLE_FIELD, type TitleTextSettings } from './message-parts';
import type { Notification } from './notification';
import type { OutboundRequest } from './outbound-http';

/** PagerDuty's settings. */
export interface PagerDutySettings extends TitleTextSettings {
  routingKey: string;
  /** critical, error, warning or info; empty: the alerts' `severity` label when it is one of those, else critical. */
  severity?: string;
  /** The event's source (`payload.source`); empty: the group's instance label or "estate". */
  source?: string;
  apiUrl: string;
}

const SEVERITIES = ['critical', 'error', 'warning', 'info'];
/** Events v2 limits: summary 1,024 characters. */
const SUMMARY_MAX = 1_024;

/** The dedup key of a notification's group at one receiver: stable across its trigger and resolve. */
export function pagerDutyDedupKey(notification: Notification): string {
  return createHash('sha256').update(`${notification.receiver}\n${notification.groupKey}`).digest('hex');
}

/** PagerDuty Events API v2. */
export const pagerDutyChannel: ChannelType<PagerDutySettings, OutboundRequest> = {
  type: 'pagerduty',
  title: 'PagerDuty',
  fields: [
    { name: 'routingKey', label: 'Integration (routing) key', kind: 'string', required: true, secret: true },
    { name: 'severity', label: 'Severity', kind: 'enum', options: SEVERITIES, help: 'Empty: from the alerts’ severity label.' },
    { name: 'source', label: 'Source', kind: 'string' },
    {
      name: 'apiUrl',
      label: 'Events API URL',
      kind: 'url',
      default: 'https://events.pagerduty.com/v2/enqueue',
      help: 'EU accounts: https://events.eu.pagerduty.com/v2/enqueue',
    },
    TITLE_FIELD,
    TEXT_FIELD,
  ],
  validate(raw) {
    return validateSettings<PagerDutySettings>('pagerduty', this.fields, raw, (s) =>
      /^[A-Za-z0-9]{32}$/.test(s.routingKey) ? [] : [{ field: 'routingKey', message: 'must be the 32-character integration key' }],
    );
  },
  async render(settings, notification, now) {
    const { title, text, scope } = await renderTitleText(settings, notification, 'plain');
    const base = { routing_key: settings.routingKey, dedup_key: pagerDutyDedupKey(notification) };
    let event: Record<string, unknown>;
    if (scope.status === 'resolved') {
      event = { ...base, event_action: 'resolve' };
    } else {
      const labelled = scope.firing.map((a) => a.severity).find((s) => SEVERITIES.includes(s));
      event = {
        ...base,
        event_action: 'trigger',
        payload: {
          summary: truncate(title, SUMMARY_MAX),
          source: settings.source || scope.commonLabels.instance || 'estate',
          severity: settings.severity || labelled || 'critical',
          timestamp: new Date(now).toISOString(),
          ...(scope.commonLabels.alertname ? { class: scope.commonLabels.alertname } : {}),
          ...(scope.commonLabels.job ? { group: scope.commonLabels.job } : {}),
          custom_details: {
            firing: scope.firing.length,
            resolved: scope.resolved.length,
            ...(scope.impacted.length > 0 ? { impacted: scope.impacted } : {}),
            details: text,
            groupLabels: scope.groupLabels,
          },
        },
        client: 'Estate',
        client_url: scope.links.alerts || scope.links.externalUrl,
        links: actionLinks(scope)
          .filter((l) => l.label === 'View alerts' || l.label === 'Silence')
          .map((l) => ({ href: l.url, text: l.label })),
      };
    }
    return {
      method: 'POST',
      url: settings.apiUrl,
      headers: { 'content-type': 'application/json', 'user-agent': 'Estate' },
      body: JSON.stringify(event),
    };
  },
  deliver(message, _settings, context) {
    // 202 {"status":"success","dedup_key":…}; 400 invalid event; 429 throttled; 5xx retry.
    return deliverHttp(message, context, {
      read: (r) => {
        const key = jsonOf(r.body)?.dedup_key;
        return typeof key === 'string' ? { providerId: key } : {};
      },
    });
  },
};
