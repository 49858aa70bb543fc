/**
 * The machine a scan runs on, as it knows itself: what a scan of a loopback address, or of one of the machine's own
 * addresses, has found. Loopback addresses identify nothing (every machine has them), so such a finding is
 * identified by the machine's own name, machine id, MACs and addresses instead — the identifiers an agent on the
 * same machine reports, so both land on one CI.
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { normaliseIp, normaliseMac, parseIp } from '../../../platform/net/addresses';

/** What the scanning machine knows of its own identity. */
export interface LocalHost {
  /** The host name (`os.hostname()`), as written. */
  hostname: string;
  /** /etc/machine-id (or the D-Bus copy), lower-case; absent when the machine has none. */
  machineId?: string;
  /** MACs of its interfaces other than loopback and container plumbing, normalised. */
  macs: string[];
  /** Addresses of those interfaces that name this host (no loopback, no link-local), normalised. */
  ips: string[];
  /** Every address of every interface, normalised where it can be: what "one of this machine's addresses" means. */
  ownAddresses: string[];
}

/**
 * Interfaces whose MACs and addresses are not the machine's own identity: loopback and container plumbing (veth
 * pairs, docker and other bridges). The agent skips the same ones, so the server and an agent describe one machine
 * with the same identifiers.
 */
const VIRTUAL_INTERFACE = /^(lo|veth|docker|br-|virbr|cni|flannel|cali|vxlan\.calico|kube-)/;

async function readMachineId(): Promise<string | undefined> {
  for (const file of ['/etc/machine-id', '/var/lib/dbus/machine-id']) {
    const id = (await readFile(file, 'utf8').catch(() => '')).trim();
    if (/^[0-9a-f]{32}$/i.test(id)) return id.toLowerCase();
  }
  return undefined;
}

/** The text form of an address for comparison: canonical for a host address, parsed-and-printed for loopback. */
function canonical(address: string): string | undefined {
  return normaliseIp(address) ?? parseIp(address.replace(/%.*$/, ''))?.toString();
}

/** Reads this machine's identity from the operating system. Never rejects; what cannot be read is left out. */
export async function readLocalHost(): Promise<LocalHost> {
  const macs = new Set<string>();
  const ips = new Set<string>();
  const own = new Set<string>();
  for (const [name, addresses] of Object.entries(os.networkInterfaces())) {
    const virtual = VIRTUAL_INTERFACE.test(name);
    for (const a of addresses ?? []) {
      const text = canonical(a.address);
      if (text) own.add(text);
      if (virtual || a.internal) continue;
      const mac = normaliseMac(a.mac);
      if (mac) macs.add(mac);
      const ip = normaliseIp(a.address);
      if (ip) ips.add(ip);
    }
  }
  const machineId = await readMachineId();
  return {
    hostname: os.hostname(),
    ...(machineId ? { machineId } : {}),
    macs: [...macs].sort(),
    ips: [...ips].sort(),
    ownAddresses: [...own].sort(),
  };
}

/** Whether `address` reaches the machine `local` itself: a loopback address, or one of its own addresses. */
export function isLocalAddress(address: string, local: Pick<LocalHost, 'ownAddresses'>): boolean {
  const parsed = parseIp(address.trim());
  if (!parsed) return false;
  if (parsed.range() === 'loopback') return true;
  const text = canonical(address.trim());
  return text !== undefined && local.ownAddresses.includes(text);
}
