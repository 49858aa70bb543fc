/*
 * Slack through an incoming webhook, as Block Kit: a header with the title, a section with the text (mrkdwn, values
 * escaped as Slack asks), a context line, and link buttons. `text` carries the fallback for notifications.
 */
import { type ChannelType, deliverHttp, truncate, validateSettings } from './channel-type';
import { actionLinks, JSON_HEADERS, renderTitleText, TEXT_FIELD, TITLE_FIELD, type TitleTextSettings } from './message-parts';
import type { OutboundRequest } from './outbound-http';
import { escapeSlack } from './templates';

/**
 * Slack's settings: the webhook URL (it is the credential), the optional templates, and a channel and sender name
 * (honoured by legacy webhooks and Mattermost-style Slack-compatible ones; newer Slack webhooks post where they
 * were created).
 */
export interface SlackSettings extends TitleTextSettings {
  url: string;
  channel?: string;
  username?: string;
}

/** Block Kit limits: header text 150 characters, section text 3,000, five buttons per actions block. */
const HEADER_MAX = 150;
const SECTION_MAX = 3_000;

/** Slack incoming webhooks (Block Kit). */
export const slackChannel: ChannelType<SlackSettings, OutboundRequest> = {
  type: 'slack',
  title: 'Slack',
  fields: [
    { name: 'url', label: 'Webhook URL', kind: 'url', required: true, secret: true, help: 'https://hooks.slack.com/services/…' },
    { name: 'channel', label: 'Channel override', kind: 'string', help: 'Only legacy webhooks honour it: #ops or @someone.' },
    { name: 'username', label: 'Sender name override', kind: 'string' },
    TITLE_FIELD,
    TEXT_FIELD,
  ],
  validate(raw) {
    return validateSettings('slack', this.fields, raw);
  },
  async render(settings, notification) {
    const { title, text, scope } = await renderTitleText(settings, notification, 'slack', 'slack');
    const buttons = actionLinks(scope).map((link) => ({
      type: 'button',
      text: { type: 'plain_text', text: link.label },
      url: link.url,
      ...(link.label === 'Acknowledge' ? { style: 'primary' } : {}),
    }));
    const blocks: unknown[] = [
      { type: 'header', text: { type: 'plain_text', text: truncate(title, HEADER_MAX) } },
      { type: 'section', text: { type: 'mrkdwn', text: truncate(text || ' ', SECTION_MAX) } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `Receiver *${escapeSlack(scope.receiver)}* · Estate` }] },
    ];
    if (buttons.length > 0) blocks.push({ type: 'actions', elements: buttons.slice(0, 5) });
    return {
      method: 'POST',
      url: settings.url,
      headers: { ...JSON_HEADERS },
      body: JSON.stringify({
        ...(settings.channel ? { channel: settings.channel } : {}),
        ...(settings.username ? { username: settings.username } : {}),
        text: title,
        blocks,
      }),
    };
  },
  deliver(message, _settings, context) {
    // Slack answers 200 "ok"; errors come as 4xx with a word (invalid_payload, no_service, channel_is_archived).
    return deliverHttp(message, context, {
      read: (r): { failed: string } | { providerId?: string } => {
        const said = r.body.trim();
        return said === 'ok' || said === '' ? {} : { failed: said };
      },
    });
  },
};
