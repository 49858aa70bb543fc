import type { DestinationClass } from '@estate/checks';
import ipaddr from 'ipaddr.js';
import { ConfigError } from './config-error';

/** The classes `ESTATE_CHANNELS_ALLOW` may lift for notification channels, by the names configuration uses. */
export const CHANNEL_LIFTABLE_CLASSES: Readonly<Record<string, DestinationClass>> = {
  loopback: 'loopback',
  private: 'private',
  'link-local': 'linkLocal',
  'cloud-metadata': 'cloudMetadata',
};

/** What an administrator lets notification channels reach beyond public addresses: whole classes and CIDR ranges. */
export interface ChannelsAllow {
  classes: DestinationClass[];
  ranges: string[];
}

/**
 * The destinations an administrator lets notification channels (webhooks, chat, email) reach, which by default reach
 * only public addresses: `ESTATE_CHANNELS_ALLOW=private,loopback,fd00::/8` lifts whole classes (loopback, private,
 * link-local, cloud-metadata) and CIDR ranges. Empty unless set; anything else is a startup error naming what is allowed.
 */
export function channelsAllowOf(settings: { channelsAllow: string | undefined }): ChannelsAllow {
  const allow: ChannelsAllow = { classes: [], ranges: [] };
  for (const raw of (settings.channelsAllow ?? '').split(',')) {
    const name = raw.trim().toLowerCase();
    if (name === '') continue;
    const lifted = CHANNEL_LIFTABLE_CLASSES[name];
    if (lifted) {
      allow.classes.push(lifted);
      continue;
    }
    if (name.includes('/') && ipaddr.isValidCIDR(name)) {
      allow.ranges.push(name);
      continue;
    }
    throw new ConfigError(
      `ESTATE_CHANNELS_ALLOW names "${name}"; it may name ${Object.keys(CHANNEL_LIFTABLE_CLASSES).join(', ')} or CIDR ranges such as 10.20.0.0/16 (comma-separated).`,
    );
  }
  return allow;
}
