/*
 * Opsgenie's Alert API: create an alert with an alias while the group fires, close it by that alias once it
 * resolves. The alias is the group's key hash, so Opsgenie deduplicates repeated creates into one alert.
 */
import { createHash } from 'node:crypto';
import { type ChannelType, deliverHttp, jsonOf, truncate, validateSettings } from './channel-type';
import { renderTitleText, TEXT_FIELD, TITLE_FIELD, type TitleTextSettings } from './message-parts';
import type { Notification } from './notification';
import type { OutboundRequest } from './outbound-http';

/** Opsgenie's settings. */
export interface OpsgenieSettings extends TitleTextSettings {
  apiKey: string;
  apiUrl: string;
  /** P1–P5; empty: P1 for critical, P3 for warning, else P3. */
  priority?: string;
  tags: string[];
  /** Team names to route to (`responders`). */
  teams: string[];
}

/** Alert API limits: message 130 characters, alias 512, description 15,000. */
const MESSAGE_MAX = 130;
const DESCRIPTION_MAX = 15_000;

/** The alias of a notification's group at one receiver. */
export function opsgenieAlias(notification: Notification): string {
  return createHash('sha256').update(`${notification.receiver}\n${notification.groupKey}`).digest('hex');
}

/** Opsgenie (Alert API v2). */
export const opsgenieChannel: ChannelType<OpsgenieSettings, OutboundRequest> = {
  type: 'opsgenie',
  title: 'Opsgenie',
  fields: [
    { name: 'apiKey', label: 'API key (API integration)', kind: 'string', required: true, secret: true },
    { name: 'apiUrl', label: 'API URL', kind: 'url', default: 'https://api.opsgenie.com', help: 'EU: https://api.eu.opsgenie.com' },
    { name: 'priority', label: 'Priority', kind: 'enum', options: ['P1', 'P2', 'P3', 'P4', 'P5'] },
    { name: 'tags', label: 'Tags', kind: 'list', default: [] },
    { name: 'teams', label: 'Responder teams', kind: 'list', default: [] },
    TITLE_FIELD,
    TEXT_FIELD,
  ],
  validate(raw) {
    return validateSettings('opsgenie', this.fields, raw);
  },
  async render(settings, notification) {
    const { title, text, scope } = await renderTitleText(settings, notification, 'plain');
    const alias = opsgenieAlias(notification);
    const base = settings.apiUrl.replace(/\/+$/, '');
    const headers = { 'content-type': 'application/json', 'user-agent': 'Estate', authorization: `GenieKey ${settings.apiKey}` };
    if (scope.status === 'resolved') {
      return {
        method: 'POST',
        url: `${base}/v2/alerts/${encodeURIComponent(alias)}/close?identifierType=alias`,
        headers,
        body: JSON.stringify({ source: 'Estate', note: truncate(text, DESCRIPTION_MAX) }),
      };
    }
    const critical = scope.firing.some((a) => a.severity === 'critical');
    const body = {
      message: truncate(title, MESSAGE_MAX),
      alias,
      description: truncate(text, DESCRIPTION_MAX),
      ...(settings.teams.length > 0 ? { responders: settings.teams.map((name) => ({ name, type: 'team' })) } : {}),
      tags: [...settings.tags, ...(scope.commonLabels.severity ? [scope.commonLabels.severity] : [])],
      details: { ...scope.commonLabels, ...(scope.impacted.length > 0 ? { impacted: scope.impacted.join(', ') } : {}) },
      ...(scope.commonLabels.instance ? { entity: scope.commonLabels.instance } : {}),
      source: 'Estate',
      priority: settings.priority || (critical ? 'P1' : 'P3'),
    };
    return { method: 'POST', url: `${base}/v2/alerts`, headers, body: JSON.stringify(body) };
  },
  deliver(message, _settings, context) {
    // 202 {"result":"Request will be processed","requestId":…}: processing is asynchronous.
    return deliverHttp(message, context, {
      read: (r) => {
        const id = jsonOf(r.body)?.requestId;
        return typeof id === 'string' ? { providerId: id } : {};
      },
    });
  },
};
