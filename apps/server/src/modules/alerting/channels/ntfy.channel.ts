/*
 * ntfy: a JSON publish to the server's root (topic in the body), with title, Markdown message, priority from the
 * alert's severity, tags, a click URL and view actions; access token or user and password when the topic is protected.
 */
import { type ChannelType, deliverHttp, jsonOf, truncate, validateSettings } from './channel-type';
import { actionLinks, renderTitleText, TEXT_FIELD, TITLE_FIELD, type TitleTextSettings } from './message-parts';
import type { OutboundRequest } from './outbound-http';

/** ntfy's settings. */
export interface NtfySettings extends TitleTextSettings {
  serverUrl: string;
  topic: string;
  accessToken?: string;
  username?: string;
  password?: string;
  /** 1 (min) to 5 (max); empty: from severity (critical 5, warning 4, else 3; resolved 2). */
  priority?: number;
}

/** Messages past 4,096 bytes become attachments; stay below. */
const MESSAGE_MAX = 3_500;

/** ntfy (ntfy.sh or self-hosted). */
export const ntfyChannel: ChannelType<NtfySettings, OutboundRequest> = {
  type: 'ntfy',
  title: 'ntfy',
  fields: [
    { name: 'serverUrl', label: 'Server URL', kind: 'url', default: 'https://ntfy.sh' },
    { name: 'topic', label: 'Topic', kind: 'string', required: true },
    { name: 'accessToken', label: 'Access token', kind: 'string', secret: true },
    { name: 'username', label: 'User name', kind: 'string' },
    { name: 'password', label: 'Password', kind: 'string', secret: true },
    { name: 'priority', label: 'Priority (1–5)', kind: 'integer', min: 1, max: 5, help: 'Empty: from the alerts’ severity.' },
    TITLE_FIELD,
    TEXT_FIELD,
  ],
  validate(raw) {
    return validateSettings<NtfySettings>('ntfy', this.fields, raw, (s) => [
      ...(/^[-_A-Za-z0-9]{1,64}$/.test(s.topic) ? [] : [{ field: 'topic', message: 'must be 1–64 letters, digits, - or _' }]),
      ...(s.accessToken && (s.username || s.password)
        ? [{ field: 'accessToken', message: 'use either an access token or a user name and password' }]
        : []),
      ...(Boolean(s.username) !== Boolean(s.password)
        ? [{ field: s.username ? 'password' : 'username', message: 'is required with the other' }]
        : []),
    ]);
  },
  async render(settings, notification) {
    const { title, text, scope } = await renderTitleText(settings, notification, 'markdown');
    const severities = scope.firing.map((a) => a.severity);
    const priority =
      settings.priority ?? (scope.status === 'resolved' ? 2 : severities.includes('critical') ? 5 : severities.includes('warning') ? 4 : 3);
    const payload = {
      topic: settings.topic,
      title,
      message: truncate(text, MESSAGE_MAX),
      markdown: true,
      priority,
      tags: [scope.status === 'firing' ? 'rotating_light' : 'white_check_mark', `estate-${scope.status}`],
      ...(scope.links.alerts ? { click: scope.links.alerts } : {}),
      actions: actionLinks(scope)
        .slice(0, 3)
        .map((link) => ({ action: 'view', label: link.label, url: link.url, clear: link.label !== 'View alerts' })),
    };
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'Estate' };
    if (settings.accessToken) headers.authorization = `Bearer ${settings.accessToken}`;
    else if (settings.username)
      headers.authorization = `Basic ${Buffer.from(`${settings.username}:${settings.password}`).toString('base64')}`;
    return { method: 'POST', url: `${settings.serverUrl.replace(/\/+$/, '')}/`, headers, body: JSON.stringify(payload) };
  },
  deliver(message, _settings, context) {
    return deliverHttp(message, context, {
      read: (r) => {
        const id = jsonOf(r.body)?.id;
        return typeof id === 'string' ? { providerId: id } : {};
      },
    });
  },
};
