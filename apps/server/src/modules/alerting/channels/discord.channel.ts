/*
 * Discord through a channel webhook: one embed (title, description, colour, timestamp) posted with `wait=true`, so
 * Discord answers with the created message and its id. Mentions are off: alert text must not ping @everyone.
 */
import { type ChannelType, deliverHttp, jsonOf, truncate, validateSettings } from './channel-type';
import { JSON_HEADERS, renderTitleText, statusColourNumber, TEXT_FIELD, TITLE_FIELD, type TitleTextSettings } from './message-parts';
import type { OutboundRequest } from './outbound-http';

/** Discord's settings: the webhook URL (its token is the credential), an optional sender name and templates. */
export interface DiscordSettings extends TitleTextSettings {
  url: string;
  username?: string;
}

/** Embed limits: title 256 characters, description 4,096. */
const TITLE_MAX = 256;
const DESCRIPTION_MAX = 4_096;

/** Discord webhooks. */
export const discordChannel: ChannelType<DiscordSettings, OutboundRequest> = {
  type: 'discord',
  title: 'Discord',
  fields: [
    { name: 'url', label: 'Webhook URL', kind: 'url', required: true, secret: true, help: 'https://discord.com/api/webhooks/…' },
    { name: 'username', label: 'Sender name', kind: 'string' },
    TITLE_FIELD,
    TEXT_FIELD,
  ],
  validate(raw) {
    return validateSettings('discord', this.fields, raw);
  },
  async render(settings, notification, now) {
    const { title, text, scope } = await renderTitleText(settings, notification, 'markdown');
    const url = new URL(settings.url);
    url.searchParams.set('wait', 'true');
    const embed = {
      title: truncate(title, TITLE_MAX),
      description: truncate(text, DESCRIPTION_MAX),
      color: statusColourNumber(scope),
      ...(scope.links.alerts ? { url: scope.links.alerts } : {}),
      timestamp: new Date(now).toISOString(),
      footer: { text: `Estate · ${scope.receiver}` },
    };
    const payload = { ...(settings.username ? { username: settings.username } : {}), embeds: [embed], allowed_mentions: { parse: [] } };
    return { method: 'POST', url: url.href, headers: { ...JSON_HEADERS }, body: JSON.stringify(payload) };
  },
  deliver(message, _settings, context) {
    return deliverHttp(message, context, {
      read: (r) => {
        const id = jsonOf(r.body)?.id;
        return typeof id === 'string' ? { providerId: id } : {};
      },
      // Discord's 429 carries retry_after (seconds, fractional) in the body as well as the Retry-After header.
      notBefore: (r, now) => {
        const after = jsonOf(r.body)?.retry_after;
        return typeof after === 'number' ? now + Math.ceil(after * 1000) : undefined;
      },
    });
  },
};
