import { createHash } from 'node:crypto';
import os from 'node:os';
import { canonicalJson, type HostSnapshot } from '@estate/contract';
import type { InventoryCollector } from './collector';
import { createHostCollector } from './host.collector';
import { createPackagesCollector } from './packages.collector';
import { createPortsCollector } from './ports.collector';
import { createServicesCollector } from './services.collector';

/** The inventory collectors an agent runs, in the order their parts are merged. */
export function defaultInventoryCollectors(): InventoryCollector[] {
  return [createHostCollector(), createPackagesCollector(), createServicesCollector(), createPortsCollector()];
}

/** SHA-256 (hex) of a snapshot's canonical JSON: the `hash` of inventory reports, the same on both sides. */
export function snapshotHash(snapshot: HostSnapshot): string {
  return createHash('sha256').update(canonicalJson(snapshot)).digest('hex');
}

/** Something a collector could not do, for the caller's log. */
export interface CollectorFailure {
  collector: string;
  error: Error;
}

/**
 * Runs every inventory collector and merges their parts into one snapshot that fits the contract (strings and
 * collections clipped to its limits, undefined members left out). A failing collector costs only its own part.
 */
export async function collectInventory(
  collectors: InventoryCollector[],
  at = Date.now(),
): Promise<{ snapshot: HostSnapshot; failures: CollectorFailure[] }> {
  const failures: CollectorFailure[] = [];
  const parts = await Promise.all(
    collectors.map((c) =>
      c.collect(at).catch((error: unknown) => {
        failures.push({ collector: c.name, error: error instanceof Error ? error : new Error(String(error)) });
        return {};
      }),
    ),
  );
  const merged: HostSnapshot = {
    hostname: os.hostname(),
    system: {},
    cpu: { cores: os.cpus().length, architecture: os.machine() },
    memoryBytes: os.totalmem(),
    os: { name: os.type(), kernel: os.release() },
    interfaces: {},
    disks: {},
    filesystems: {},
    packages: {},
    services: {},
    ports: {},
  };
  for (const part of parts) Object.assign(merged, part);
  return { snapshot: fitToContract(merged), failures };
}

/** Maximum lengths of the contract, by key, for strings inside a snapshot; 200 otherwise. */
const MAX_LENGTH: Record<string, number> = {
  hostname: 253,
  fqdn: 253,
  mac: 17,
  architecture: 50,
  fsType: 50,
  type: 50,
  arch: 50,
  state: 50,
  servicesUnavailable: 300,
};
const MAX_ENTRIES: Record<string, number> = {
  packages: 20_000,
  services: 5000,
  ports: 5000,
  interfaces: 1000,
  disks: 1000,
  filesystems: 1000,
};

/** Drops undefined members and clips strings, keys and collections to the contract's limits. */
function fitToContract(snapshot: HostSnapshot): HostSnapshot {
  const clip = (value: unknown, key: string, depth: number): unknown => {
    if (typeof value === 'string') return value.slice(0, MAX_LENGTH[key] ?? 200);
    if (Array.isArray(value)) return value.slice(0, 256).map((v) => (typeof v === 'string' ? v.slice(0, 64) : v));
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    const limit = depth === 1 ? MAX_ENTRIES[key] : undefined;
    for (const [k, v] of limit ? entries.slice(0, limit) : entries) {
      // Collection keys (package names, mount points) may be 300 characters.
      const name = limit ? k.slice(0, 300) : k;
      out[name] = clip(v, limit ? '#entry' : k, depth + 1);
    }
    return out;
  };
  return clip(snapshot, '#root', 0) as HostSnapshot;
}
