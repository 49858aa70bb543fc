import { CONTAINER_MANAGER_IDS, type HostSnapshot } from '@estate/contract';
import { isPlaceholderIdentifier } from '../../platform/identifiers/placeholder';
import { normaliseIp, normaliseMac } from '../../platform/net/addresses';
import type { Observation, ObservedInterface } from '../discovery';
import type { CiTypeId, ObservedFields } from '../inventory';

/** What an agent's snapshot says about its host: an observation for identity reconciliation, from an agent. */
export type HostObservation = Observation & { source: 'agent'; software: NonNullable<Observation['software']> };

const PHYSICAL = /^(|none|physical|bare[- ]?metal|no|false)$/i;
/** A container's runtime attribute, from the manager the agent detected. */
const RUNTIMES: Record<string, string> = { docker: 'docker', podman: 'podman' };
/** Interface kinds whose MACs identify the host. Older agents send no kind, only `virtual`. */
const IDENTIFYING_KINDS = new Set(['physical', 'wireless']);
const ARCHITECTURES: Record<string, string> = {
  x86_64: 'x86_64',
  x64: 'x86_64',
  amd64: 'x86_64',
  aarch64: 'arm64',
  arm64: 'arm64',
  arm: 'armv7',
  armv7l: 'armv7',
  armv7: 'armv7',
  ppc64: 'ppc64le',
  ppc64le: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
};
const GB = 1024 ** 3;
const MINUTE = 60_000;

/** Orders `tcp/22` before `tcp/443` before `udp/53`: by protocol, then by port number. */
function byPort(a: string, b: string): number {
  const [pa = '', na = ''] = a.split('/');
  const [pb = '', nb = ''] = b.split('/');
  return pa.localeCompare(pb) || Number(na) - Number(nb) || a.localeCompare(b);
}

/** A text value fit for a CI attribute: trimmed, non-empty, at most `max` characters; otherwise undefined. */
function text(value: string | undefined, max = 200): string | undefined {
  const t = value?.trim();
  return t ? t.slice(0, max) : undefined;
}

/** What a snapshot's virtualisation makes of the host: a physical server, a virtual machine or a container. */
function typeOf(virtualization: string | undefined): CiTypeId {
  if (!virtualization || PHYSICAL.test(virtualization)) return 'physical_server';
  return CONTAINER_MANAGER_IDS.has(virtualization.toLowerCase()) ? 'container' : 'virtual_machine';
}

/** Whether a snapshot interface names the host by its MAC: hardware, not a bridge, veth, tunnel or VLAN. */
function identifies(nic: HostSnapshot['interfaces'][string]): boolean {
  return nic.kind !== undefined ? IDENTIFYING_KINDS.has(nic.kind) : nic.virtual !== true;
}

function gb(bytes: number): number {
  return Math.round((bytes / GB) * 100) / 100;
}

/** The host's serial: the system serial, else the SMBIOS UUID, when either is a real value. */
function serialOf(system: HostSnapshot['system']): string | undefined {
  for (const candidate of [system.serial, system.uuid]) {
    const t = text(candidate);
    if (t && !isPlaceholderIdentifier(t)) return t;
  }
  return undefined;
}

/** Drops undefined members, so an observation says nothing about what the agent did not see. */
function defined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * Turns an agent's host snapshot into an observation: a container or a virtual machine when the snapshot names a
 * virtualisation (systemd-detect-virt's ids), else a physical server, named after the host; identified by serial
 * (or SMBIOS UUID), machine id, the MACs of physical interfaces (never a bridge's, a veth's or a tunnel's), host name
 * and addresses; with the hardware, OS, storage, running services and listening ports as attributes (each value
 * clipped to what the host types' schemas accept; reconciliation keeps what the CI's type cannot hold as facts), the
 * interfaces, and the installed packages as software.
 */
export function observeHost(snapshot: HostSnapshot, agent: { hostname: string; ciId: string | null }): HostObservation {
  const serial = serialOf(snapshot.system);
  const virtualization = text(snapshot.system.virtualization, 100);
  const type = typeOf(virtualization);
  const hostname = text(snapshot.hostname, 253) ?? agent.hostname;
  // Physical interfaces first, so the first address listed is the host's own rather than a bridge's.
  const interfaces = Object.entries(snapshot.interfaces).sort(
    ([a, x], [b, y]) => Number(identifies(y)) - Number(identifies(x)) || a.localeCompare(b),
  );
  const ips = new Set<string>();
  const macs = new Set<string>();
  const physicalMacs = new Set<string>();
  for (const [, nic] of interfaces) {
    for (const address of nic.addresses) {
      const ip = normaliseIp(address);
      if (ip) ips.add(ip);
    }
    const m = normaliseMac(nic.mac);
    if (m) {
      macs.add(m);
      if (identifies(nic)) physicalMacs.add(m);
    }
  }
  const running = Object.entries(snapshot.services)
    .filter(([, s]) => s.state === 'running' || s.state === 'active')
    .map(([name]) => name.slice(0, 200))
    .sort();
  const architecture = snapshot.cpu.architecture ? (ARCHITECTURES[snapshot.cpu.architecture.toLowerCase()] ?? 'other') : undefined;
  const attributes = defined({
    hostname,
    fqdn: text(snapshot.fqdn, 253),
    ipAddresses: [...ips].slice(0, 256),
    macAddresses: [...macs].slice(0, 256),
    cpuCores: snapshot.cpu.cores >= 1 ? Math.min(snapshot.cpu.cores, 100_000) : undefined,
    cpuVendor: text(snapshot.cpu.vendor),
    cpuModel: text(snapshot.cpu.model),
    memoryGb: Math.min(gb(snapshot.memoryBytes), 1_000_000),
    os: text(snapshot.os.name),
    osVersion: text(snapshot.os.version),
    kernel: text(snapshot.os.kernel),
    architecture,
    machineId: text(snapshot.machineId),
    // btime is derived from the clock and may move by a second; to the minute, it changes only with a reboot.
    bootedAt: snapshot.bootTime === undefined ? undefined : new Date(Math.floor(snapshot.bootTime / MINUTE) * MINUTE).toISOString(),
    virtualization,
    // Interfaces are the CI's own table now; the attribute an older server filled is cleared.
    interfaces: null,
    ...(type === 'container' ? { runtime: RUNTIMES[virtualization?.toLowerCase() ?? ''] ?? 'other' } : {}),
    disks: Object.entries(snapshot.disks)
      .sort(([a], [b]) => a.localeCompare(b))
      .slice(0, 1000)
      .map(([device, disk]) =>
        defined({ device: device.slice(0, 200), sizeGb: gb(disk.sizeBytes), model: text(disk.model), rotational: disk.rotational }),
      ),
    filesystems: Object.entries(snapshot.filesystems)
      .sort(([a], [b]) => a.localeCompare(b))
      .slice(0, 1000)
      .map(([mount, fs]) => defined({ mount, fsType: text(fs.fsType, 50), sizeGb: gb(fs.sizeBytes) })),
    services: running.slice(0, 5000),
    // Null clears a reason an earlier snapshot gave once services can be listed.
    servicesUnavailable: text(snapshot.servicesUnavailable, 300) ?? null,
    listeningPorts: Object.entries(snapshot.ports)
      .sort(([a], [b]) => byPort(a, b))
      .slice(0, 5000)
      .map(([port, p]) => defined({ port: port.slice(0, 100), address: text(p.address, 64), process: text(p.process) })),
  });
  return {
    source: 'agent',
    observer: `agent ${hostname}`,
    type,
    name: hostname,
    identity: defined({
      serial,
      machineId: text(snapshot.machineId),
      macs: physicalMacs.size > 0 ? [...physicalMacs].sort() : undefined,
      hostname: hostname.toLowerCase(),
      ips: ips.size > 0 ? [...ips].sort() : undefined,
    }),
    fields: defined({
      manufacturer: text(snapshot.system.manufacturer),
      model: text(snapshot.system.model),
      serial,
      attributes,
    }) as ObservedFields,
    interfaces: interfaces.slice(0, 1000).map(([name, nic]) => interfaceOf(name, nic)),
    software: Object.entries(snapshot.packages)
      .map(([name, p]) => defined({ name, version: p.version, arch: text(p.arch, 50) }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    ...(agent.ciId ? { ciId: agent.ciId } : {}),
  };
}

/** One snapshot interface as discovery records it: MAC and addresses normalised, the kind where the agent knew it. */
function interfaceOf(name: string, nic: HostSnapshot['interfaces'][string]): ObservedInterface {
  return defined({
    name: name.slice(0, 200),
    kind: nic.kind ?? (nic.virtual ? 'virtual' : undefined),
    mac: normaliseMac(nic.mac) ?? undefined,
    addresses: nic.addresses.filter((a) => a.trim() !== '').slice(0, 256),
    speedMbps: nic.speedMbps === undefined ? undefined : Math.min(nic.speedMbps, 1e12),
    adminUp: nic.adminUp,
    operUp: nic.operUp,
  });
}
