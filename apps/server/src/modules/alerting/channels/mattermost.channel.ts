/*
 * Mattermost through an incoming webhook: a message attachment (Mattermost's Slack-compatible format) with the
 * status colour, the title linking to the alerts and the text in Markdown.
 */
import { type ChannelType, deliverHttp, validateSettings } from './channel-type';
import { JSON_HEADERS, renderTitleText, statusColour, TEXT_FIELD, TITLE_FIELD, type TitleTextSettings } from './message-parts';
import type { OutboundRequest } from './outbound-http';

/** Mattermost's settings: the webhook URL (its key is the credential), optional channel and sender overrides. */
export interface MattermostSettings extends TitleTextSettings {
  url: string;
  channel?: string;
  username?: string;
}

/** Mattermost incoming webhooks. */
export const mattermostChannel: ChannelType<MattermostSettings, OutboundRequest> = {
  type: 'mattermost',
  title: 'Mattermost',
  fields: [
    { name: 'url', label: 'Webhook URL', kind: 'url', required: true, secret: true, help: 'https://mattermost.example.com/hooks/…' },
    { name: 'channel', label: 'Channel (overrides the webhook’s)', kind: 'string' },
    { name: 'username', label: 'Sender name', kind: 'string' },
    TITLE_FIELD,
    TEXT_FIELD,
  ],
  validate(raw) {
    return validateSettings('mattermost', this.fields, raw);
  },
  async render(settings, notification) {
    const { title, text, scope } = await renderTitleText(settings, notification, 'markdown');
    const attachment = {
      fallback: title,
      color: statusColour(scope),
      title,
      ...(scope.links.alerts ? { title_link: scope.links.alerts } : {}),
      text,
      footer: `Estate · ${scope.receiver}`,
    };
    const payload = {
      ...(settings.channel ? { channel: settings.channel } : {}),
      ...(settings.username ? { username: settings.username } : {}),
      attachments: [attachment],
    };
    return { method: 'POST', url: settings.url, headers: { ...JSON_HEADERS }, body: JSON.stringify(payload) };
  },
  deliver(message, _settings, context) {
    return deliverHttp(message, context);
  },
};
