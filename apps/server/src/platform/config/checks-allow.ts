import type { DestinationClass } from '@estate/checks';
import { ConfigError } from './config-error';

/** What `ESTATE_CHECKS_ALLOW` may name, and the destination class each lifts from the checks' outbound policy. */
const LIFTABLE: Readonly<Record<string, DestinationClass>> = { 'link-local': 'linkLocal', 'cloud-metadata': 'cloudMetadata' };

/**
 * The destination classes an administrator lets checks reach beyond private and loopback ranges: `link-local`
 * (169.254.0.0/16, fe80::/10 — devices that only have such an address; the metadata addresses inside it stay refused)
 * and `cloud-metadata` (169.254.169.254 and its kin — watching a cloud's metadata service). Empty unless set; anything
 * else is a startup error naming what is allowed.
 */
export function checksAllowOf(settings: { checksAllow: string | undefined }): DestinationClass[] {
  const names = (settings.checksAllow ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  return names.map((name) => {
    const lifted = LIFTABLE[name];
    if (!lifted) {
      throw new ConfigError(
        `ESTATE_CHECKS_ALLOW names "${name}"; it may name ${Object.keys(LIFTABLE).join(' and ')} (comma-separated). Private and loopback ranges are always allowed.`,
      );
    }
    return lifted;
  });
}
