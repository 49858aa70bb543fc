/*
 * Google Chat through a space's incoming webhook: a text message in Chat's formatting (*bold*, <url|label>), in a
 * thread per alert group (threadKey from the group key), so a group's updates stay together.
 */
import { createHash } from 'node:crypto';
import { type ChannelType, deliverHttp, jsonOf, truncate, validateSettings } from './channel-type';
import { renderTitleText, TEXT_FIELD, TITLE_FIELD, type TitleTextSettings } from './message-parts';
import type { OutboundRequest } from './outbound-http';

/** Google Chat's settings: the webhook URL (its key and token are the credential) and the optional templates. */
export interface GoogleChatSettings extends TitleTextSettings {
  url: string;
}

/** Chat's message text limit is 32,000 bytes; well under it in characters. */
const TEXT_MAX = 16_000;

/** Google Chat webhooks. */
export const googleChatChannel: ChannelType<GoogleChatSettings, OutboundRequest> = {
  type: 'googlechat',
  title: 'Google Chat',
  fields: [
    {
      name: 'url',
      label: 'Webhook URL',
      kind: 'url',
      required: true,
      secret: true,
      help: 'https://chat.googleapis.com/v1/spaces/…/messages?key=…&token=…',
    },
    TITLE_FIELD,
    TEXT_FIELD,
  ],
  validate(raw) {
    return validateSettings('googlechat', this.fields, raw);
  },
  async render(settings, notification) {
    const { title, text } = await renderTitleText(settings, notification, 'slack');
    const url = new URL(settings.url);
    url.searchParams.set('messageReplyOption', 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD');
    const threadKey = createHash('sha256').update(`${notification.receiver}\n${notification.groupKey}`).digest('hex').slice(0, 32);
    const payload = { text: truncate(`*${title}*\n${text}`, TEXT_MAX), thread: { threadKey } };
    return {
      method: 'POST',
      url: url.href,
      headers: { 'content-type': 'application/json; charset=UTF-8', 'user-agent': 'Estate' },
      body: JSON.stringify(payload),
    };
  },
  deliver(message, _settings, context) {
    return deliverHttp(message, context, {
      read: (r) => {
        const name = jsonOf(r.body)?.name;
        return typeof name === 'string' ? { providerId: name } : {};
      },
    });
  },
};
