import type { NetworkChecks } from './network-checks';

/**
 * Loads the network check types for collector mode. From the sources this is a plain dynamic import; the bundle
 * (scripts/build-agent.mjs) replaces this file with one that unpacks a separately bundled, compressed copy of
 * network-checks.ts, so an agent that is not a collector never parses the check types and their database and SNMP
 * clients (about 8 MiB of resident memory on every host).
 */
export async function loadNetworkChecks(): Promise<typeof NetworkChecks> {
  return (await import('./network-checks')).NetworkChecks;
}
