/*
 * Gotify: a message to the server's /message with an application token, Markdown text and a click URL in the
 * extras Gotify's clients read.
 */
import { type ChannelType, deliverHttp, jsonOf, validateSettings } from './channel-type';
import { renderTitleText, TEXT_FIELD, TITLE_FIELD, type TitleTextSettings } from './message-parts';
import type { OutboundRequest } from './outbound-http';

/** Gotify's settings. */
export interface GotifySettings extends TitleTextSettings {
  serverUrl: string;
  appToken: string;
  /** 0–10; empty: 8 for critical, 5 otherwise, 2 once resolved. */
  priority?: number;
}

/** Gotify. */
export const gotifyChannel: ChannelType<GotifySettings, OutboundRequest> = {
  type: 'gotify',
  title: 'Gotify',
  fields: [
    { name: 'serverUrl', label: 'Server URL', kind: 'url', required: true },
    { name: 'appToken', label: 'Application token', kind: 'string', required: true, secret: true },
    { name: 'priority', label: 'Priority (0–10)', kind: 'integer', min: 0, max: 10 },
    TITLE_FIELD,
    TEXT_FIELD,
  ],
  validate(raw) {
    return validateSettings('gotify', this.fields, raw);
  },
  async render(settings, notification) {
    const { title, text, scope } = await renderTitleText(settings, notification, 'markdown');
    const priority = settings.priority ?? (scope.status === 'resolved' ? 2 : scope.firing.some((a) => a.severity === 'critical') ? 8 : 5);
    const payload = {
      title,
      message: text,
      priority,
      extras: {
        'client::display': { contentType: 'text/markdown' },
        ...(scope.links.alerts ? { 'client::notification': { click: { url: scope.links.alerts } } } : {}),
      },
    };
    return {
      method: 'POST',
      url: `${settings.serverUrl.replace(/\/+$/, '')}/message`,
      headers: { 'content-type': 'application/json', 'user-agent': 'Estate', 'x-gotify-key': settings.appToken },
      body: JSON.stringify(payload),
    };
  },
  deliver(message, _settings, context) {
    return deliverHttp(message, context, {
      read: (r) => {
        const id = jsonOf(r.body)?.id;
        return typeof id === 'number' ? { providerId: String(id) } : {};
      },
    });
  },
};
