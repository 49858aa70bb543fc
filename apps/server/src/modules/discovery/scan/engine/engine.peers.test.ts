import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScanEngine } from './engine';
import {
  createNamespace,
  freeSubnet,
  type Namespace,
  PEER_LISTENERS,
  peersTier,
  requirePeers,
  run,
  scratchDir,
  selfSignedCertificate,
  snmpdCommand,
  writeSnmpdConfig,
} from './peers.test-support';
import type { HostFinding, ScanRequest } from './scan-types';

const TOOLS = ['ip', 'fping', 'snmpd', 'openssl'] as const;
const SSH_BANNER = 'SSH-2.0-OpenSSH_9.2p1 EstateTest-ns1';
const NS1_TITLE = 'Estate ns1 web console';
const NS2_TITLE = 'Estate ns2 secure portal';
const COMMUNITY = 'estate-ns1-ro';

/**
 * Two network namespaces on veth pairs: ns1 (IPv4 and IPv6) runs an SSH-like greeter on 22, a web page on 80 and
 * snmpd on udp/161; ns2 runs an HTTPS page with a self-signed certificate on 443. A third address on ns1's link has
 * no host behind it.
 */
describe.runIf(peersTier([...TOOLS]))('scan engine against hosts in network namespaces', () => {
  const scratch = scratchDir();
  const spaces: Namespace[] = [];
  let ns1 = '';
  let ns1v6 = '';
  let ns2 = '';
  let nobody = '';
  let ns1Link = '';
  let ns2Name = '';

  beforeAll(async () => {
    requirePeers([...TOOLS]);
    const a = freeSubnet(213);
    let b = freeSubnet(213);
    while (b === a) b = freeSubnet(213);
    const third = a.split('.')[2];
    ns1 = `${a}.2`;
    ns1v6 = `fd00:213:${third}::2`;
    ns2 = `${b}.2`;
    nobody = `${a}.3`;
    const one = createNamespace({
      hostAddress: `${a}.1/24`,
      innerAddress: `${ns1}/24`,
      hostAddress6: `fd00:213:${third}::1/64`,
      innerAddress6: `${ns1v6}/64`,
    });
    spaces.push(one);
    const two = createNamespace({ hostAddress: `${b}.1/24`, innerAddress: `${ns2}/24` });
    spaces.push(two);
    ns1Link = one.innerLink;
    ns2Name = two.name;
    const tls = selfSignedCertificate(scratch.dir, 'ns2.estate.test', ['DNS:ns2.estate.test', `IP:${ns2}`]);
    await one.start(
      process.execPath,
      [
        PEER_LISTENERS,
        JSON.stringify([
          { host: ns1, port: 22, kind: 'ssh', text: SSH_BANNER },
          { host: ns1v6, port: 22, kind: 'ssh', text: SSH_BANNER },
          { host: ns1, port: 80, kind: 'http', text: NS1_TITLE },
        ]),
      ],
      'ready',
    );
    await two.start(
      process.execPath,
      [PEER_LISTENERS, JSON.stringify([{ host: ns2, port: 443, kind: 'tls', text: NS2_TITLE, ...tls }])],
      'ready',
    );
    const conf = writeSnmpdConfig(scratch.dir, {
      listen: `udp:${ns1}:161`,
      sysName: 'ns1-switch',
      sysDescr: 'Estate namespace peer one',
      sysLocation: 'veth lab',
      sysContact: 'ns1@estate.test',
      community: COMMUNITY,
      v3User: 'ns1user',
      v3AuthKey: 'ns1-auth-key',
      v3PrivKey: 'ns1-priv-key',
    });
    const snmpd = snmpdCommand(scratch.dir, conf);
    await one.start(snmpd.command, snmpd.args, /NET-SNMP version/, snmpd.env);
  });

  afterAll(() => {
    for (const space of spaces) space.cleanup();
    scratch.cleanup();
  });

  const request = (overrides: Partial<ScanRequest> = {}): ScanRequest => ({
    addresses: [ns1, ns2, nobody, ns1v6],
    ports: [22, 80, 443, 8080],
    concurrency: 16,
    ratePerSecond: 500,
    timeoutMs: 800,
    reverseDns: false,
    serviceHints: true,
    snmp: [{ id: 'ns-community', name: 'lab', version: 'v2c', community: COMMUNITY }],
    snmpPort: 161,
    tcpLiveness: false,
    ...overrides,
  });

  async function scan(req: ScanRequest): Promise<{ hosts: Map<string, HostFinding>; progress: Array<[number, number]> }> {
    const hosts = new Map<string, HostFinding>();
    const progress: Array<[number, number]> = [];
    await createScanEngine().scan(
      req,
      async (finding) => {
        expect(hosts.has(finding.address)).toBe(false);
        hosts.set(finding.address, finding);
      },
      (done, total) => progress.push([done, total]),
    );
    return { hosts, progress };
  }

  it('finds exactly the live hosts, their open ports, service hints and SNMP facts', async () => {
    const { hosts, progress } = await scan(request());
    expect([...hosts.keys()].sort()).toEqual([ns1, ns2, ns1v6].sort());

    const one = hosts.get(ns1)!;
    expect(one.alive).toBe('icmp');
    expect(one.rttMs).toBeGreaterThan(0);
    expect(one.openPorts).toEqual([22, 80]);
    expect(one.services).toEqual({
      22: { ssh: SSH_BANNER },
      80: { httpTitle: NS1_TITLE, httpServer: 'estate-test-peer/1.0' },
    });
    expect(one.notes).toEqual([]);
    expect(one.snmp).toMatchObject({
      credentialId: 'ns-community',
      sysName: 'ns1-switch',
      sysDescr: 'Estate namespace peer one',
      sysLocation: 'veth lab',
      sysContact: 'ns1@estate.test',
      neighbours: [],
    });
    expect(one.snmp!.interfaces.map((i) => i.name).sort()).toEqual([ns1Link, 'lo'].sort());
    const veth = one.snmp!.interfaces.find((i) => i.name === ns1Link)!;
    expect(veth.operUp).toBe(true);
    expect(veth.mac).toBe(run('/usr/sbin/ip', ['netns', 'exec', spaces[0]!.name, 'cat', `/sys/class/net/${ns1Link}/address`]).trim());
    expect(one.snmp!.addresses.sort()).toEqual([ns1, ns1v6].sort());

    const six = hosts.get(ns1v6)!;
    expect(six).toMatchObject({ alive: 'icmp', openPorts: [22], services: { 22: { ssh: SSH_BANNER } } });
    // snmpd listens on ns1's IPv4 address only: over IPv6 the community gets no answer, a failure with a note.
    expect(six.snmp).toBeUndefined();
    expect(six.snmpFailures).toEqual([{ credentialId: 'ns-community', reason: 'no-answer' }]);
    expect(six.notes).toEqual([
      'SNMP credential "lab" (v2c) on udp/161: no answer (timeout) — no SNMP agent, a filter, or a wrong community, which agents do not answer either.',
    ]);

    const two = hosts.get(ns2)!;
    expect(two.alive).toBe('icmp');
    expect(two.openPorts).toEqual([443]);
    expect(two.services).toEqual({
      443: {
        tlsSubject: 'ns2.estate.test',
        tlsSans: ['ns2.estate.test', ns2],
        httpTitle: NS2_TITLE,
        httpServer: 'estate-test-peer/1.0',
      },
    });
    expect(two.snmp).toBeUndefined();

    expect(hosts.has(nobody)).toBe(false);
    expect(progress[0]).toEqual([0, 4]);
    expect(progress.at(-1)).toEqual([4, 4]);
    expect(progress.map(([done]) => done)).toEqual([0, 1, 2, 3, 4]);
  });

  it('finds a host that ignores ping only with TCP liveness, and then marks it alive by TCP', async () => {
    run('/usr/sbin/ip', ['netns', 'exec', ns2Name, 'sysctl', '-q', '-w', 'net.ipv4.icmp_echo_ignore_all=1']);
    try {
      const base = { addresses: [ns2, nobody], snmp: [], serviceHints: false };
      const without = await scan(request(base));
      expect([...without.hosts.keys()]).toEqual([]);
      const withTcp = await scan(request({ ...base, tcpLiveness: true }));
      expect([...withTcp.hosts.keys()]).toEqual([ns2]);
      expect(withTcp.hosts.get(ns2)).toMatchObject({ alive: 'tcp', openPorts: [443], services: {} });
      expect(withTcp.hosts.get(ns2)!.rttMs).toBeUndefined();
    } finally {
      run('/usr/sbin/ip', ['netns', 'exec', ns2Name, 'sysctl', '-q', '-w', 'net.ipv4.icmp_echo_ignore_all=0']);
    }
  });

  it('stops when aborted and rejects with the abort reason, reporting nothing after it', async () => {
    const controller = new AbortController();
    const found: string[] = [];
    let done = 0;
    // 200 silent addresses with TCP liveness, 3 s timeouts and 4 at a time would take minutes to finish: the scan
    // settling within the test's timeout shows the abort stopped it. It is aborted as soon as ns1 is reported.
    const addresses = Array.from({ length: 200 }, (_, i) => `${ns1.split('.').slice(0, 3).join('.')}.${i + 10}`);
    const pending = createScanEngine().scan(
      request({ addresses: [ns1, ...addresses], tcpLiveness: true, timeoutMs: 3_000, concurrency: 4 }),
      async (finding) => {
        found.push(finding.address);
        controller.abort(new Error('stopped by the test'));
      },
      (finished) => {
        done = finished;
      },
      controller.signal,
    );
    await expect(pending).rejects.toThrow('stopped by the test');
    expect(found).toEqual([ns1]);
    expect(done).toBeLessThan(addresses.length + 1);
  });

  it('fails the scan with the error of onHost', async () => {
    const failing = createScanEngine().scan(request({ addresses: [ns1], snmp: [] }), async () => {
      throw new Error('database is gone');
    });
    await expect(failing).rejects.toThrow('database is gone');
  });
});
