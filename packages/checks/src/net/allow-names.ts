import type { DestinationClass } from './outbound-policy';

/**
 * The destination classes an administrator may let checks reach beyond private and loopback ranges, by the names
 * configuration uses (`ESTATE_CHECKS_ALLOW` on the server, `checksAllow` in a collector's agent.json): `link-local`
 * (169.254.0.0/16, fe80::/10; the metadata addresses inside stay refused) and `cloud-metadata` (169.254.169.254 and its
 * kin).
 */
export const LIFTABLE_CLASSES: Readonly<Record<string, DestinationClass>> = {
  'link-local': 'linkLocal',
  'cloud-metadata': 'cloudMetadata',
};

/** The classes `names` lift (case and spaces ignored), or the first name that is not one. */
export function liftableClassesOf(names: readonly string[]): { classes: DestinationClass[] } | { unknown: string } {
  const classes: DestinationClass[] = [];
  for (const raw of names) {
    const name = raw.trim().toLowerCase();
    if (name === '') continue;
    const lifted = LIFTABLE_CLASSES[name];
    if (!lifted) return { unknown: raw };
    classes.push(lifted);
  }
  return { classes };
}
