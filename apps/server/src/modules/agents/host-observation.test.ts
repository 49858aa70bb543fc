import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleSnapshot } from '../../../test/agent-client';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../test/harness';
import { observeHost } from './host-observation';

describe('observing a host from its snapshot', () => {
  it('names, types and identifies the host, keeping loopback, link-local and virtual interfaces out of its identity', () => {
    const observation = observeHost(sampleSnapshot(), { hostname: 'enrolled-name', ciId: null });
    expect(observation).toMatchObject({ source: 'agent', observer: 'agent web-01', type: 'physical_server', name: 'web-01' });
    expect(observation.identity).toEqual({
      serial: 'SN-AGENT-1',
      machineId: '4c4c4544004e3810804bb4c04f4b3232',
      macs: ['52:54:00:12:34:56'],
      hostname: 'web-01',
      ips: ['10.0.0.21', '172.17.0.1'],
    });
    expect(observation.fields).toMatchObject({ manufacturer: 'Dell Inc.', model: 'PowerEdge R640', serial: 'SN-AGENT-1' });
    expect(observation.fields.attributes).toMatchObject({
      hostname: 'web-01',
      cpuCores: 16,
      memoryGb: 64,
      architecture: 'x86_64',
      os: 'Debian GNU/Linux',
      osVersion: '12',
      kernel: '6.1.0-13-amd64',
      services: ['cron.service', 'nginx.service'],
      servicesUnavailable: null,
      listeningPorts: [
        { port: 'tcp/22', process: 'sshd' },
        { port: 'tcp/443', address: '0.0.0.0', process: 'nginx' },
      ],
      bootedAt: '2023-11-14T22:13:00.000Z',
      disks: [{ device: 'sda', sizeGb: 480, model: 'SAMSUNG MZ7LH480' }],
      filesystems: [{ mount: '/', fsType: 'ext4', sizeGb: 450 }],
    });
    expect(observation.software).toEqual([
      { name: 'nginx', version: '1.22.1-9', arch: 'amd64' },
      { name: 'openssl', version: '3.0.11-1~deb12u1', arch: 'amd64' },
    ]);
    expect(observation.ciId).toBeUndefined();
  });

  it('keeps the CPU vendor, the disks’ media, listening ports in port order with their process, and why services are unknown', () => {
    const observation = observeHost(
      sampleSnapshot({
        cpu: { vendor: 'AMD', model: 'AMD EPYC 7B13 64-Core Processor', cores: 8, architecture: 'x86_64' },
        disks: {
          '/dev/vda': { sizeBytes: 20 * 1024 ** 3, rotational: true },
          '/dev/nvme0n1': { sizeBytes: 512 * 1024 ** 3, rotational: false },
        },
        services: {},
        servicesUnavailable: 'systemd is not the init system here (process 1 is tini), so there are no services to list',
        ports: { 'udp/53': { address: '127.0.0.53' }, 'tcp/8420': { address: '::', process: 'node' }, 'tcp/22': { address: '0.0.0.0' } },
      }),
      { hostname: 'x', ciId: null },
    );
    expect(observation.fields.attributes).toMatchObject({
      cpuVendor: 'AMD',
      cpuModel: 'AMD EPYC 7B13 64-Core Processor',
      architecture: 'x86_64',
      disks: [
        { device: '/dev/nvme0n1', sizeGb: 512, rotational: false },
        { device: '/dev/vda', sizeGb: 20, rotational: true },
      ],
      services: [],
      servicesUnavailable: 'systemd is not the init system here (process 1 is tini), so there are no services to list',
      listeningPorts: [
        { port: 'tcp/22', address: '0.0.0.0' },
        { port: 'tcp/8420', address: '::', process: 'node' },
        { port: 'udp/53', address: '127.0.0.53' },
      ],
    });
  });

  it('writes addresses as discovery does: MACs lower-case with colons, IPv6 compressed, placeholders left out', () => {
    const snapshot = sampleSnapshot({
      interfaces: {
        eth0: { mac: '52-54-00-AB-CD-01', addresses: ['2001:DB8:0:0::5/64', '::ffff:10.0.0.9', '169.254.3.4/16'] },
        eth1: { mac: 'FF:FF:FF:FF:FF:FF', addresses: ['224.0.0.251'] },
        eth2: { mac: '01:00:5e:00:00:01', addresses: [] },
      },
    });
    const observation = observeHost(snapshot, { hostname: 'x', ciId: null });
    expect(observation.identity.macs).toEqual(['52:54:00:ab:cd:01']);
    expect(observation.identity.ips).toEqual(['10.0.0.9', '2001:db8::5']);
    expect(observation.fields.attributes).toMatchObject({
      ipAddresses: ['2001:db8::5', '10.0.0.9'],
      macAddresses: ['52:54:00:ab:cd:01'],
      interfaces: null,
    });
    expect(observation.interfaces).toEqual([
      { name: 'eth0', mac: '52:54:00:ab:cd:01', addresses: ['2001:DB8:0:0::5/64', '::ffff:10.0.0.9', '169.254.3.4/16'] },
      { name: 'eth1', addresses: ['224.0.0.251'] },
      { name: 'eth2', addresses: [] },
    ]);
  });

  it('identifies the host by the MACs of its hardware interfaces as the agent tells them apart, whatever their names', () => {
    const snapshot = sampleSnapshot({
      interfaces: {
        br0: { mac: '52:54:00:00:00:b0', addresses: ['10.0.0.30/24'], kind: 'physical', adminUp: true, operUp: true },
        eth0: { mac: '02:42:ac:11:00:02', addresses: ['172.17.0.2/16'], kind: 'virtual', virtual: true },
        eno2: { mac: '02:00:00:00:00:0b', addresses: [], kind: 'bridge', virtual: true, operUp: false },
      },
    });
    const observation = observeHost(snapshot, { hostname: 'x', ciId: null });
    expect(observation.identity.macs).toEqual(['52:54:00:00:00:b0']);
    expect(observation.interfaces?.map((i) => [i.name, i.kind, i.operUp])).toEqual([
      ['br0', 'physical', true],
      ['eno2', 'bridge', false],
      ['eth0', 'virtual', undefined],
    ]);
  });

  it('makes a container of a host in a container, with its runtime', () => {
    for (const [virtualization, runtime] of [
      ['docker', 'docker'],
      ['podman', 'podman'],
      ['lxc', 'other'],
    ]) {
      const observation = observeHost(sampleSnapshot({ system: { virtualization } }), { hostname: 'x', ciId: null });
      expect(observation.type).toBe('container');
      expect(observation.fields.attributes).toMatchObject({ runtime });
    }
    expect(observeHost(sampleSnapshot({ system: { virtualization: 'microsoft' } }), { hostname: 'x', ciId: null }).type).toBe(
      'virtual_machine',
    );
  });

  it('makes a virtual machine of a virtualised host and ignores placeholder serials', () => {
    const snapshot = sampleSnapshot({
      system: { virtualization: 'kvm', serial: 'To Be Filled By O.E.M.', uuid: '00000000-0000-0000-0000-000000000000' },
    });
    const observation = observeHost(snapshot, { hostname: 'x', ciId: '0190c1a2-7b3d-7e4f-8a9b-0c1d2e3f4a5b' });
    expect(observation.type).toBe('virtual_machine');
    expect(observation.identity.serial).toBeUndefined();
    expect(observation.fields.serial).toBeUndefined();
    expect(observation.ciId).toBe('0190c1a2-7b3d-7e4f-8a9b-0c1d2e3f4a5b');
  });
});

for (const engine of testEngines()) {
  describe(`observed host attributes fit the CI types on ${engine.dialect}`, () => {
    let t: TestEstate;
    let admin: Agent;
    beforeAll(async () => {
      t = await createTestEstate(engine);
      admin = await t.setupAdmin();
    });
    afterAll(() => t?.close());

    it('creates CIs from observations of ordinary and of awkward snapshots', async () => {
      const long = 'x'.repeat(300);
      const awkward = sampleSnapshot({
        hostname: 'odd',
        system: { virtualization: 'vmware', manufacturer: ' ', model: '' },
        cpu: { cores: 0, architecture: 'mips64' },
        memoryBytes: 0,
        os: { name: '' },
        interfaces: { [long]: { mac: 'not-a-mac', addresses: ['', 'fe80::1%eth0', '2001:db8::1/64', 'garbage'], speedMbps: 1e15 } },
        disks: { [long]: { sizeBytes: 0, model: '' } },
        filesystems: { [`/${long}`]: { sizeBytes: 1, fsType: '' } },
        services: { [long]: { state: 'running' } },
        ports: { [long]: { process: long, address: long } },
        servicesUnavailable: long,
      });
      for (const snapshot of [sampleSnapshot(), awkward]) {
        const observation = observeHost(snapshot, { hostname: 'fallback', ciId: null });
        // Null clears an attribute on reconciliation; a new CI simply leaves it out.
        const attributes = Object.fromEntries(Object.entries(observation.fields.attributes ?? {}).filter(([, v]) => v !== null));
        const res = await admin.request('POST', '/api/v1/cis', {
          type: observation.type,
          name: observation.name,
          ...(observation.fields.serial ? { serial: observation.fields.serial } : {}),
          attributes,
        });
        expect(res.statusCode, res.body).toBe(201);
      }
    });
  });
}
