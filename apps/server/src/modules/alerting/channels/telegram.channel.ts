/*
 * Telegram through the Bot API's sendMessage, in HTML parse mode: every value a template prints is HTML-escaped, so
 * an alert's text can neither break the message nor inject markup; the templates' own tags (<b>, <a>) stay.
 */
import { type ChannelType, deliverHttp, jsonOf, truncateLines, validateSettings } from './channel-type';
import { renderTitleText, TEXT_FIELD, TITLE_FIELD, type TitleTextSettings } from './message-parts';
import type { OutboundRequest } from './outbound-http';

/** Telegram's settings: the bot token, the chat (id or @channel), an optional forum topic and the API's URL. */
export interface TelegramSettings extends TitleTextSettings {
  botToken: string;
  chatId: string;
  messageThreadId?: number;
  disableNotification: boolean;
  apiUrl: string;
}

/** A message's text may be 4,096 characters after entity parsing; escaping adds some, so cut before. */
const TEXT_MAX = 4_000;

/** Telegram bots (sendMessage, HTML). */
export const telegramChannel: ChannelType<TelegramSettings, OutboundRequest> = {
  type: 'telegram',
  title: 'Telegram',
  fields: [
    { name: 'botToken', label: 'Bot token', kind: 'string', required: true, secret: true, help: 'From @BotFather: 123456:ABC…' },
    { name: 'chatId', label: 'Chat ID', kind: 'string', required: true, help: 'A numeric chat id or @channelusername.' },
    { name: 'messageThreadId', label: 'Topic (message thread) ID', kind: 'integer', min: 1 },
    { name: 'disableNotification', label: 'Send silently', kind: 'boolean', default: false },
    {
      name: 'apiUrl',
      label: 'Bot API URL',
      kind: 'url',
      default: 'https://api.telegram.org',
      help: 'Change only for a self-hosted Bot API server.',
    },
    TITLE_FIELD,
    TEXT_FIELD,
  ],
  validate(raw) {
    return validateSettings<TelegramSettings>('telegram', this.fields, raw, (s) => [
      ...(/^\d+:[A-Za-z0-9_-]+$/.test(s.botToken)
        ? []
        : [{ field: 'botToken', message: 'must look like 123456:ABC-DEF… (from @BotFather)' }]),
      ...(/^(-?\d+|@[A-Za-z0-9_]{5,})$/.test(s.chatId)
        ? []
        : [{ field: 'chatId', message: 'must be a numeric chat id or @channelusername' }]),
    ]);
  },
  async render(settings, notification) {
    const { title, text } = await renderTitleText(settings, notification, 'html', 'html');
    // The title is escaped like every output value; its bold tags are the channel's own.
    const html = truncateLines(`<b>${title}</b>\n\n${text}`, TEXT_MAX);
    const payload = {
      chat_id: settings.chatId,
      text: html,
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
      ...(settings.messageThreadId ? { message_thread_id: settings.messageThreadId } : {}),
      ...(settings.disableNotification ? { disable_notification: true } : {}),
    };
    const base = settings.apiUrl.replace(/\/+$/, '');
    return {
      method: 'POST',
      url: `${base}/bot${settings.botToken}/sendMessage`,
      headers: { 'content-type': 'application/json', 'user-agent': 'Estate' },
      body: JSON.stringify(payload),
    };
  },
  deliver(message, _settings, context) {
    return deliverHttp(message, context, {
      read: (r) => {
        const answer = jsonOf(r.body);
        if (answer?.ok === false) return { failed: String(answer.description ?? 'ok: false') };
        const id = (answer?.result as { message_id?: unknown } | undefined)?.message_id;
        return id === undefined ? {} : { providerId: String(id) };
      },
      notBefore: (r, now) => {
        const after = (jsonOf(r.body)?.parameters as { retry_after?: unknown } | undefined)?.retry_after;
        return typeof after === 'number' ? now + after * 1000 : undefined;
      },
    });
  },
};
