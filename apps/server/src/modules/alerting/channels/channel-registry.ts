/*
 * Every built-in notification channel, by type. The alerting module's storage and routes look channels up here;
 * nothing else needs to know which channels exist.
 */
import { alertmanagerWebhookChannel } from './alertmanager-webhook.channel';
import { secretFieldNames } from './channel-settings';
import type { AnyChannelType } from './channel-type';
import { discordChannel } from './discord.channel';
import { emailChannel } from './email.channel';
import { googleChatChannel } from './google-chat.channel';
import { gotifyChannel } from './gotify.channel';
import { matrixChannel } from './matrix.channel';
import { mattermostChannel } from './mattermost.channel';
import { ntfyChannel } from './ntfy.channel';
import { opsgenieChannel } from './opsgenie.channel';
import { pagerDutyChannel } from './pagerduty.channel';
import { pushoverChannel } from './pushover.channel';
import { slackChannel } from './slack.channel';
import { teamsChannel } from './teams.channel';
import { telegramChannel } from './telegram.channel';
import { webhookChannel } from './webhook.channel';

/** The built-in channel types, in the order a form lists them. */
export const BUILT_IN_CHANNELS: readonly AnyChannelType[] = [
  emailChannel,
  webhookChannel,
  alertmanagerWebhookChannel,
  slackChannel,
  teamsChannel,
  discordChannel,
  mattermostChannel,
  googleChatChannel,
  telegramChannel,
  ntfyChannel,
  pushoverChannel,
  gotifyChannel,
  matrixChannel,
  pagerDutyChannel,
  opsgenieChannel,
];

const BY_TYPE = new Map(BUILT_IN_CHANNELS.map((c) => [c.type, c]));

/** The channel type called `type`, or undefined. */
export function channelType(type: string): AnyChannelType | undefined {
  return BY_TYPE.get(type);
}

/** The settings of `type` that storage must seal (secret fields); empty for an unknown type. */
export function channelSecrets(type: string): string[] {
  const channel = BY_TYPE.get(type);
  return channel ? secretFieldNames(channel.fields) : [];
}
