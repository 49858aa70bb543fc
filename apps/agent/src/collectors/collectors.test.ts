import { existsSync } from 'node:fs';
import os from 'node:os';
import { HostSnapshot, MetricsReport, mergePatchBetween } from '@estate/contract';
import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { parsePerCpuSeconds } from './cpu.collector';
import { collectInventory, defaultInventoryCollectors, snapshotHash } from './inventory';
import { collectMetrics, defaultMetricCollectors } from './metrics';
import { decodeProcAddress, parseProcNet } from './ports.collector';

const hasDpkg = existsSync('/usr/bin/dpkg-query');
const hasSystemd = existsSync('/run/systemd/system');

describe('inventory collectors, run for real on this machine', () => {
  it('describe this host in a snapshot the contract accepts, and a second collection changes nothing', async () => {
    const collectors = defaultInventoryCollectors();
    const first = await collectInventory(collectors);
    expect(first.failures).toEqual([]);
    const snapshot = first.snapshot;
    expect([...Value.Errors(HostSnapshot, snapshot)].slice(0, 5)).toEqual([]);
    expect(snapshot.hostname).toBe(os.hostname());
    expect(snapshot.memoryBytes).toBeGreaterThan(0);
    expect(snapshot.cpu.cores).toBeGreaterThan(0);
    expect(snapshot.os.kernel).toBe(os.release());
    if (existsSync('/etc/machine-id')) expect(snapshot.machineId).toMatch(/^[0-9a-f]{32}$/);
    expect(Object.keys(snapshot.filesystems)).toContain('/');
    if (hasDpkg) {
      expect(snapshot.packages.bash?.version).toMatch(/^\d/);
      expect(Object.keys(snapshot.packages).length).toBeGreaterThan(50);
    }
    if (hasSystemd) expect(Object.keys(snapshot.services).length).toBeGreaterThan(0);
    else expect(snapshot.servicesUnavailable).toMatch(/^systemd is not the init system here/);
    if (existsSync('/sys/block'))
      expect(Object.keys(snapshot.disks).every((d) => d.startsWith('/dev/') && !/loop|zram/.test(d))).toBe(true);
    if (existsSync('/proc/stat')) expect(snapshot.bootTime).toBeLessThan(Date.now());
    // Every interface says what it is; loopback never appears, nor software interfaces without an address.
    for (const nic of Object.values(snapshot.interfaces)) {
      expect(nic.kind).toMatch(/^(physical|virtual|bridge|vlan|bond|tunnel|wireless|other)$/);
      if (nic.kind === 'virtual') expect(nic.addresses.some((a) => !a.startsWith('fe80:'))).toBe(true);
      expect(nic.virtual === true).toBe(nic.kind !== 'physical' && nic.kind !== 'wireless');
    }
    if (existsSync('/.dockerenv')) expect(snapshot.system.virtualization).toBe('docker');

    // Other processes on a shared machine open and close ephemeral listeners between two collections; everything
    // else about the host must come out the same, so the delta of an unchanged host is empty.
    const second = await collectInventory(collectors);
    const stable = (s: typeof snapshot) => ({ ...s, ports: {} });
    expect(mergePatchBetween(stable(snapshot), stable(second.snapshot))).toBeUndefined();
    expect(snapshotHash(stable(second.snapshot))).toBe(snapshotHash(stable(snapshot)));
  });
});

describe('listening ports', () => {
  it('decodes /proc/net addresses of both families', () => {
    expect(decodeProcAddress('0100007F')).toBe('127.0.0.1');
    expect(decodeProcAddress('00000000')).toBe('0.0.0.0');
    expect(decodeProcAddress('00000000000000000000000000000000')).toBe('::');
    expect(decodeProcAddress('00000000000000000000000001000000')).toBe('::1');
    expect(decodeProcAddress('0000000000000000FFFF00000100007F')).toBe('::ffff:127.0.0.1');
  });

  it('finds a socket this test listens on', async () => {
    const net = await import('node:net');
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const { readFileSync } = await import('node:fs');
      const sockets = parseProcNet(readFileSync('/proc/net/tcp', 'utf8'), 'tcp');
      expect(sockets).toContainEqual(expect.objectContaining({ protocol: 'tcp', address: '127.0.0.1', port }));
      const { snapshot } = await collectInventory(defaultInventoryCollectors().filter((c) => c.name === 'ports'));
      expect(snapshot.ports[`tcp/${port}`]).toMatchObject({ address: '127.0.0.1', process: expect.stringMatching(/node|vitest/) });
    } finally {
      server.close();
    }
  });
});

describe('metrics collectors', () => {
  it('read CPU, memory, filesystems, disk and network counters from /proc into a valid report', async () => {
    const collectors = defaultMetricCollectors();
    await collectMetrics(collectors, Date.now() - 1000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const { series, failures } = await collectMetrics(collectors);
    expect(failures).toEqual([]);
    expect([...Value.Errors(MetricsReport, { series })].slice(0, 5)).toEqual([]);
    const byName = (name: string) => series.filter((s) => s.name === name);
    const usage = byName('cpu.usage')[0]?.points[0]?.[1];
    expect(usage).toBeGreaterThanOrEqual(0);
    expect(usage).toBeLessThanOrEqual(100);
    expect(byName('mem.used_bytes')[0]?.points[0]?.[1]).toBeGreaterThan(0);
    expect(byName('load.1')).toHaveLength(1);
    // node_cpu_seconds_total: every core in node_exporter's eight modes, counters in seconds.
    const cores = new Set(byName('cpu.seconds').map((s) => s.labels?.cpu));
    expect(byName('cpu.seconds')).toHaveLength(cores.size * 8);
    expect(byName('cpu.seconds').find((s) => s.labels?.cpu === '0' && s.labels.mode === 'idle')?.points[0]?.[1]).toBeGreaterThan(0);
    expect(byName('fs.used_bytes').map((s) => s.labels?.mount)).toContain('/');
    expect(byName('net.rx_bytes').map((s) => s.labels?.iface)).not.toContain('lo');
  });
});

describe('per-core CPU seconds', () => {
  it('reads each cpuN line of /proc/stat into seconds per mode at USER_HZ, leaving out the all-cores line', () => {
    const stat = [
      'cpu  300 10 200 5000 40 0 6 0 0 0',
      'cpu0 150 5 100 2500 20 0 3 0 0 0',
      'cpu1 150 5 100 2500 20 0 3 7 0 0',
      'intr 12345',
    ].join('\n');
    const out = parsePerCpuSeconds(stat);
    expect(out).toHaveLength(16);
    expect(out.slice(0, 8)).toEqual([
      { cpu: '0', mode: 'user', seconds: 1.5 },
      { cpu: '0', mode: 'nice', seconds: 0.05 },
      { cpu: '0', mode: 'system', seconds: 1 },
      { cpu: '0', mode: 'idle', seconds: 25 },
      { cpu: '0', mode: 'iowait', seconds: 0.2 },
      { cpu: '0', mode: 'irq', seconds: 0 },
      { cpu: '0', mode: 'softirq', seconds: 0.03 },
      { cpu: '0', mode: 'steal', seconds: 0 },
    ]);
    expect(out.find((c) => c.cpu === '1' && c.mode === 'steal')?.seconds).toBe(0.07);
  });
});
