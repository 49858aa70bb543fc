import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { blockDevices, bootTime, parseCpuInfo } from './host-facts';
import { createServicesCollector, servicesUnavailableReason } from './services.collector';

/** A /sys/block tree in a temporary directory, each file as the kernel writes it (with its trailing newline). */
function fakeSysBlock(devices: Record<string, Record<string, string>>) {
  const root = mkdtempSync(path.join(os.tmpdir(), 'estate-sysblock-'));
  for (const [name, files] of Object.entries(devices)) {
    for (const [file, content] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(root, name, file)), { recursive: true });
      writeFileSync(path.join(root, name, file), `${content}\n`);
    }
  }
  return root;
}

describe('disks from /sys/block', () => {
  const root = fakeSysBlock({
    sda: { size: '3907029168', 'device/model': 'ST2000DM008-2FR1', 'device/serial': 'ZFL1ABCD', 'queue/rotational': '1', removable: '0' },
    nvme0n1: { size: '1000215216', 'device/model': 'Samsung SSD 980 PRO 500GB   ', 'queue/rotational': '0', removable: '0' },
    vda: { size: '41943040', 'queue/rotational': '1', removable: '0' },
    'dm-0': { size: '2097152', 'dm/name': 'vg0-root', 'queue/rotational': '0' },
    md0: { size: '4096', 'queue/rotational': '0' },
    sdb: { size: '0', 'device/model': 'Card Reader', removable: '1' },
    loop0: { size: '131072' },
    zram0: { size: '8388608' },
    sr0: { size: '2097152', removable: '1' },
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('lists real disks with size in bytes, model, serial and whether they spin; skips loop, zram, optical and empty devices', async () => {
    expect(await blockDevices(root)).toEqual({
      '/dev/dm-0': { sizeBytes: 2097152 * 512, type: 'device-mapper', rotational: false },
      '/dev/md0': { sizeBytes: 4096 * 512, type: 'raid', rotational: false },
      '/dev/nvme0n1': { sizeBytes: 1000215216 * 512, model: 'Samsung SSD 980 PRO 500GB', rotational: false },
      '/dev/sda': { sizeBytes: 3907029168 * 512, model: 'ST2000DM008-2FR1', serial: 'ZFL1ABCD', rotational: true },
      '/dev/vda': { sizeBytes: 41943040 * 512, rotational: true },
    });
  });

  it('answers nothing where there is no /sys/block', async () => {
    expect(await blockDevices(path.join(root, 'missing'))).toEqual({});
  });
});

describe('CPU vendor and model from /proc/cpuinfo', () => {
  it('names x86 vendors and keeps the model name whole', () => {
    const amd = 'processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 25\nmodel name\t: AMD EPYC 7B13 64-Core Processor\n';
    expect(parseCpuInfo(amd)).toEqual({ vendor: 'AMD', model: 'AMD EPYC 7B13 64-Core Processor' });
    const intel = 'processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) Gold  6248 CPU @ 2.50GHz\n';
    expect(parseCpuInfo(intel)).toEqual({ vendor: 'Intel', model: 'Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz' });
  });

  it('names Arm implementers and says nothing it cannot read', () => {
    expect(parseCpuInfo('processor\t: 0\nBogoMIPS\t: 50.00\nCPU implementer\t: 0x41\nCPU part\t: 0xd0c\n')).toEqual({ vendor: 'Arm' });
    expect(parseCpuInfo('')).toEqual({});
  });
});

describe('boot time', () => {
  const reader = (files: Record<string, string>) => async (file: string) => files[file];

  it('reads btime from /proc/stat, else derives it from /proc/uptime', async () => {
    expect(await bootTime(reader({ '/proc/stat': 'cpu  1 2 3 4\nbtime 1764806400\nprocesses 10\n' }))).toBe(1_764_806_400_000);
    expect(await bootTime(reader({ '/proc/uptime': '3600.42 7000.00\n' }), 1_764_810_000_000)).toBe(1_764_806_400_000);
    expect(await bootTime(reader({}))).toBeUndefined();
  });
});

describe('services, or why there are none', () => {
  it('names process 1 when systemd is not the init system, and runs no systemctl then', async () => {
    const has = async () => false;
    expect(await servicesUnavailableReason(has, async () => 'tini\n')).toBe(
      'systemd is not the init system here (process 1 is tini), so there are no services to list',
    );
    let ran = false;
    const collector = createServicesCollector(
      () => servicesUnavailableReason(has, async () => 'tini\n'),
      async () => {
        ran = true;
        return '';
      },
    );
    expect(await collector.collect(0)).toEqual({ services: {}, servicesUnavailable: expect.stringContaining('process 1 is tini') });
    expect(ran).toBe(false);
  });

  it('lists units under systemd, and says so when systemctl fails', async () => {
    const units = 'ssh.service loaded active running OpenBSD Secure Shell server\ncron.service loaded active running Cron\n';
    const files = 'ssh.service enabled enabled\ncron.service disabled enabled\n';
    const ok = createServicesCollector(
      async () => undefined,
      async (_file, args) => (args[0] === 'list-units' ? units : files),
    );
    expect(await ok.collect(0)).toEqual({
      services: { ssh: { state: 'running', enabled: true }, cron: { state: 'running', enabled: false } },
    });
    const failing = createServicesCollector(
      async () => undefined,
      async () => null,
    );
    expect(await failing.collect(0)).toEqual({ services: {}, servicesUnavailable: 'systemctl could not list the services' });
    expect(await servicesUnavailableReason(async (file) => file === '/run/systemd/system')).toBeUndefined();
  });
});
