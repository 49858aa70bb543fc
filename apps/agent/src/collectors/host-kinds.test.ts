import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { interfaceState, interfaceStates } from './net-interfaces';
import { detectVirtualization } from './virtualization';

/** A sysfs tree of network interfaces in a temporary directory: files as the kernel writes them. */
function fakeSysfs(
  interfaces: Record<string, { type: number; uevent?: string; flags?: string; operstate?: string; device?: boolean; wireless?: boolean }>,
) {
  const root = mkdtempSync(path.join(os.tmpdir(), 'estate-sysfs-'));
  for (const [name, i] of Object.entries(interfaces)) {
    const dir = path.join(root, name);
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'type'), `${i.type}\n`);
    writeFileSync(path.join(dir, 'uevent'), `${i.uevent ?? ''}INTERFACE=${name}\nIFINDEX=3\n`);
    writeFileSync(path.join(dir, 'flags'), `${i.flags ?? '0x1003'}\n`);
    writeFileSync(path.join(dir, 'operstate'), `${i.operstate ?? 'up'}\n`);
    if (i.device) symlinkSync(root, path.join(dir, 'device'));
    if (i.wireless) mkdirSync(path.join(dir, 'wireless'));
  }
  return root;
}

describe('interface kinds, from sysfs and never from names', () => {
  const root = fakeSysfs({
    lo: { type: 772, operstate: 'unknown', flags: '0x9' },
    eno1: { type: 1, device: true },
    // A veth named like a NIC, inside a container, and a NIC named like a bridge: the name says nothing.
    eth0: { type: 1 },
    br0: { type: 1, device: true, operstate: 'down', flags: '0x1002' },
    docker0: { type: 1, uevent: 'DEVTYPE=bridge\n' },
    'bond0.10': { type: 1, uevent: 'DEVTYPE=vlan\n' },
    bond0: { type: 1, uevent: 'DEVTYPE=bond\n' },
    wg0: { type: 65534 },
    wlp2s0: { type: 1, uevent: 'DEVTYPE=wlan\n', device: true, wireless: true },
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('tells physical, virtual, bridge, VLAN, bond, tunnel, wireless and loopback interfaces apart, with their state', async () => {
    const states = Object.fromEntries(await interfaceStates(root));
    expect(states).toEqual({
      lo: { kind: 'loopback', adminUp: true },
      eno1: { kind: 'physical', adminUp: true, operUp: true },
      eth0: { kind: 'virtual', adminUp: true, operUp: true },
      br0: { kind: 'physical', adminUp: false, operUp: false },
      docker0: { kind: 'bridge', adminUp: true, operUp: true },
      'bond0.10': { kind: 'vlan', adminUp: true, operUp: true },
      bond0: { kind: 'bond', adminUp: true, operUp: true },
      wg0: { kind: 'tunnel', adminUp: true, operUp: true },
      wlp2s0: { kind: 'wireless', adminUp: true, operUp: true },
    });
  });

  it('takes an interface sysfs does not list for software', async () => {
    expect(await interfaceState('gone', root)).toEqual({ kind: 'virtual' });
  });
});

describe('virtualisation, as systemd-detect-virt decides it', () => {
  const reader = (files: Record<string, string>) => async (file: string) => files[file];

  it('finds containers by their managers’ marks before any virtual machine underneath', async () => {
    const kvm = { '/sys/class/dmi/id/sys_vendor': 'QEMU\n', '/sys/class/dmi/id/product_name': 'Standard PC (Q35 + ICH9, 2009)\n' };
    expect(await detectVirtualization(reader({ ...kvm, '/.dockerenv': '' }))).toBe('docker');
    expect(await detectVirtualization(reader({ ...kvm, '/run/.containerenv': 'engine="podman-4.3.1"\n' }))).toBe('podman');
    expect(await detectVirtualization(reader({ '/run/systemd/container': 'systemd-nspawn\n' }))).toBe('systemd-nspawn');
    expect(await detectVirtualization(reader({ '/proc/1/environ': 'PATH=/bin\0container=lxc\0' }))).toBe('lxc');
    expect(await detectVirtualization(reader({ '/proc/1/cgroup': '0::/kubepods/burstable/pod1/abc\n' }))).toBe('container-other');
    expect(await detectVirtualization(reader({ '/proc/1/cgroup': '12:cpu:/docker/4f3c2b\n' }))).toBe('docker');
    expect(await detectVirtualization(reader(kvm))).toBe('qemu');
  });

  it('names hypervisors from DMI, falls back on the CPU flag, and says nothing on bare metal', async () => {
    expect(await detectVirtualization(reader({ '/sys/class/dmi/id/product_name': 'VMware Virtual Platform' }))).toBe('vmware');
    expect(
      await detectVirtualization(
        reader({ '/sys/class/dmi/id/sys_vendor': 'Microsoft Corporation', '/sys/class/dmi/id/product_name': 'Virtual Machine' }),
      ),
    ).toBe('microsoft');
    expect(await detectVirtualization(reader({ '/sys/class/dmi/id/product_name': 'Amazon EC2' }))).toBe('amazon');
    expect(await detectVirtualization(reader({ '/proc/cpuinfo': 'processor\t: 0\nflags\t\t: fpu vme hypervisor lahf_lm\n' }))).toBe(
      'vm-other',
    );
    expect(
      await detectVirtualization(
        reader({
          '/sys/class/dmi/id/sys_vendor': 'Dell Inc.',
          '/sys/class/dmi/id/product_name': 'PowerEdge R640',
          '/proc/cpuinfo': 'flags\t\t: fpu vme sse2\n',
        }),
      ),
    ).toBeUndefined();
  });
});
