/*
 * Pushover's Messages API: one message to a user or group key, HTML-formatted (values escaped), priority from the
 * alert's severity unless set, and for emergency priority the retry and expiry Pushover requires.
 */
import { type ChannelType, deliverHttp, jsonOf, truncate, truncateLines, validateSettings } from './channel-type';
import { renderTitleText, TEXT_FIELD, TITLE_FIELD, type TitleTextSettings } from './message-parts';
import type { OutboundRequest } from './outbound-http';

/** Pushover's settings. */
export interface PushoverSettings extends TitleTextSettings {
  apiToken: string;
  userKey: string;
  device?: string;
  /** -2 to 2; empty: 1 (high) for critical, 0 otherwise, -1 once resolved. */
  priority?: number;
  sound?: string;
  /** Emergency (2) only: seconds between repeats (≥ 30) and until giving up (≤ 10,800). */
  retry: number;
  expire: number;
  apiUrl: string;
}

/** Pushover's limits: title 250 characters, message 1,024. */
const TITLE_MAX = 250;
const MESSAGE_MAX = 1_024;

/** Pushover. */
export const pushoverChannel: ChannelType<PushoverSettings, OutboundRequest> = {
  type: 'pushover',
  title: 'Pushover',
  fields: [
    { name: 'apiToken', label: 'Application API token', kind: 'string', required: true, secret: true },
    { name: 'userKey', label: 'User or group key', kind: 'string', required: true, secret: true },
    { name: 'device', label: 'Device', kind: 'string' },
    { name: 'priority', label: 'Priority (-2 to 2)', kind: 'integer', min: -2, max: 2, help: 'Empty: from the alerts’ severity.' },
    { name: 'sound', label: 'Sound', kind: 'string' },
    { name: 'retry', label: 'Emergency: repeat every (s)', kind: 'integer', min: 30, max: 10_800, default: 60 },
    { name: 'expire', label: 'Emergency: stop after (s)', kind: 'integer', min: 30, max: 10_800, default: 3_600 },
    { name: 'apiUrl', label: 'API URL', kind: 'url', default: 'https://api.pushover.net/1/messages.json' },
    TITLE_FIELD,
    TEXT_FIELD,
  ],
  validate(raw) {
    const key = /^[A-Za-z0-9]{30}$/;
    return validateSettings<PushoverSettings>('pushover', this.fields, raw, (s) => [
      ...(key.test(s.apiToken) ? [] : [{ field: 'apiToken', message: 'must be the 30 letters and digits Pushover shows' }]),
      ...(key.test(s.userKey) ? [] : [{ field: 'userKey', message: 'must be the 30 letters and digits Pushover shows' }]),
    ]);
  },
  async render(settings, notification) {
    const { title, text, scope } = await renderTitleText(settings, notification, 'html', 'html');
    const priority = settings.priority ?? (scope.status === 'resolved' ? -1 : scope.firing.some((a) => a.severity === 'critical') ? 1 : 0);
    const payload = {
      token: settings.apiToken,
      user: settings.userKey,
      title: truncate(title, TITLE_MAX),
      message: truncateLines(text, MESSAGE_MAX),
      html: 1,
      priority,
      ...(priority === 2 ? { retry: settings.retry, expire: settings.expire } : {}),
      ...(settings.device ? { device: settings.device } : {}),
      ...(settings.sound ? { sound: settings.sound } : {}),
      ...(scope.links.alerts ? { url: scope.links.alerts, url_title: 'View alerts' } : {}),
    };
    return {
      method: 'POST',
      url: settings.apiUrl,
      headers: { 'content-type': 'application/json', 'user-agent': 'Estate' },
      body: JSON.stringify(payload),
    };
  },
  deliver(message, _settings, context) {
    return deliverHttp(message, context, {
      read: (r) => {
        const answer = jsonOf(r.body);
        if (answer && answer.status !== 1) return { failed: JSON.stringify(answer.errors ?? answer) };
        return typeof answer?.request === 'string' ? { providerId: answer.request } : {};
      },
    });
  },
};
