import { type DestinationClass, LIFTABLE_CLASSES, liftableClassesOf } from '@estate/checks';
import { ConfigError } from './config-error';

/**
 * The destination classes an administrator lets checks reach beyond private and loopback ranges
 * (`ESTATE_CHECKS_ALLOW=link-local,cloud-metadata`; see LIFTABLE_CLASSES). Empty unless set; anything else is a
 * startup error naming what is allowed.
 */
export function checksAllowOf(settings: { checksAllow: string | undefined }): DestinationClass[] {
  const verdict = liftableClassesOf((settings.checksAllow ?? '').split(','));
  if ('unknown' in verdict)
    throw new ConfigError(
      `ESTATE_CHECKS_ALLOW names "${verdict.unknown.trim().toLowerCase()}"; it may name ${Object.keys(LIFTABLE_CLASSES).join(' and ')} (comma-separated). Private and loopback ranges are always allowed.`,
    );
  return verdict.classes;
}
