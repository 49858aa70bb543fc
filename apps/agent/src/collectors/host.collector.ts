import { readFile } from 'node:fs/promises';
import os from 'node:os';
import type { HostSnapshot } from '@estate/contract';
import { type InventoryCollector, realMounts } from './collector';
import { blockDevices, bootTime, parseCpuInfo } from './host-facts';
import { interfaceStates, isWorkloadPlumbing } from './net-interfaces';
import { detectVirtualization } from './virtualization';

type Si = typeof import('systeminformation');

/** The machine id from /etc/machine-id (or the D-Bus copy), or undefined when the host has none. */
export async function readMachineId(): Promise<string | undefined> {
  for (const file of ['/etc/machine-id', '/var/lib/dbus/machine-id']) {
    const id = (await readFile(file, 'utf8').catch(() => '')).trim();
    if (/^[0-9a-f]{32}$/i.test(id)) return id.toLowerCase();
  }
  return undefined;
}

const text = (value: string | undefined | null): string | undefined => {
  const trimmed = value?.trim();
  // systeminformation fills unknown DMI fields with placeholders.
  return trimmed && !/^(-|unknown|default string|to be filled by o\.e\.m\.|not specified|none)$/i.test(trimmed) ? trimmed : undefined;
};

/**
 * Hardware, CPU, memory, OS, filesystems and network interfaces through `systeminformation` (loaded on first use, so
 * an agent that only sends metrics never pays for it), the CPU's vendor and model from /proc/cpuinfo, the disks from
 * /sys/block, each interface's kind and state from sysfs, the virtualisation as systemd-detect-virt would name it,
 * the machine id and the boot time.
 */
export function createHostCollector(): InventoryCollector {
  let si: Si | undefined;
  return {
    name: 'host',
    async collect() {
      si ??= (await import('systeminformation')) as Si;
      const [system, cpu, mem, osInfo, disks, fsSizes, nics, machineId, booted, states, virtualization, cpuinfo] = await Promise.all([
        si.system(),
        si.cpu(),
        si.mem(),
        si.osInfo(),
        blockDevices(),
        si.fsSize().catch(() => []),
        si.networkInterfaces().catch(() => []),
        readMachineId(),
        bootTime(),
        interfaceStates(),
        detectVirtualization(),
        readFile('/proc/cpuinfo', 'utf8').catch(() => ''),
      ]);
      const cpuFacts = parseCpuInfo(cpuinfo);
      // systeminformation splits "AMD EPYC 7B13" into a manufacturer and a brand; /proc/cpuinfo keeps it whole.
      const cpuVendor = cpuFacts.vendor ?? text(cpu.manufacturer);
      const brand = text(cpu.brand);
      const cpuModel = cpuFacts.model ?? (brand && cpuVendor && !brand.startsWith(cpuVendor) ? `${cpuVendor} ${brand}` : brand);
      const hostname = os.hostname();
      const snapshot: Partial<HostSnapshot> = {
        hostname,
        system: {
          manufacturer: text(system.manufacturer),
          model: text(system.model),
          serial: text(system.serial),
          uuid: text(system.uuid)?.toLowerCase(),
          virtualization,
        },
        cpu: { vendor: cpuVendor, model: cpuModel, cores: cpu.cores, architecture: os.machine() },
        memoryBytes: mem.total,
        os: {
          name: text(osInfo.distro) ?? os.type(),
          version: text(osInfo.release),
          kernel: text(osInfo.kernel) ?? os.release(),
          codename: text(osInfo.codename),
        },
        interfaces: {},
        disks,
        filesystems: {},
      };
      const fqdn = text(osInfo.fqdn);
      if (fqdn && fqdn !== hostname) snapshot.fqdn = fqdn;
      if (machineId) snapshot.machineId = machineId;
      if (booted) snapshot.bootTime = booted;

      // systeminformation reports one address per family; node:os lists them all.
      const addresses = os.networkInterfaces();
      for (const nic of nics) {
        const state = states.get(nic.iface) ?? { kind: nic.internal ? 'loopback' : nic.virtual ? 'virtual' : 'physical' };
        const own = (addresses[nic.iface] ?? []).map((a) => a.address.replace(/%.*$/, ''));
        if (isWorkloadPlumbing(state.kind, own)) continue;
        const mac = text(nic.mac)?.toLowerCase();
        (snapshot.interfaces as HostSnapshot['interfaces'])[nic.iface] = {
          ...(mac && mac !== '00:00:00:00:00:00' ? { mac } : {}),
          addresses: own,
          ...(nic.speed && nic.speed > 0 ? { speedMbps: nic.speed } : {}),
          kind: state.kind,
          ...(state.kind === 'physical' || state.kind === 'wireless' ? {} : { virtual: true }),
          ...(state.adminUp === undefined ? {} : { adminUp: state.adminUp }),
          ...(state.operUp === undefined ? {} : { operUp: state.operUp }),
        };
      }
      const mounts = new Map(realMounts(await readFile('/proc/mounts', 'utf8').catch(() => '')).map((m) => [m.mount, m]));
      for (const fs of fsSizes) {
        const mount = mounts.get(fs.mount);
        if (!mount) continue;
        (snapshot.filesystems as HostSnapshot['filesystems'])[fs.mount] = { device: text(fs.fs), fsType: mount.fsType, sizeBytes: fs.size };
      }
      return snapshot;
    },
  };
}
