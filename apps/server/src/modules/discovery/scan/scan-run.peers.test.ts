import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../../test/harness';
import { JobWorker } from '../../../platform/jobs';
import {
  connectNamespaces,
  createNamespace,
  freeSubnet,
  lldpcli,
  lldpdCommand,
  type Namespace,
  PEER_LISTENERS,
  peersTier,
  requirePeers,
  run,
  scratchDir,
  snmpdCommand,
  writeSnmpdConfig,
} from './engine/peers.test-support';
import type { ScanTables } from './scan.repository';

const TOOLS = ['ip', 'fping', 'snmpd', 'lldpd', 'lldpcli'] as const;
const COMMUNITY = 'estate-lldp-ro-51c7';
const SWITCH_NAME = 'lab-sw-51c7';
const SWITCH_DESCR = 'Estate lab switch 51c7, firmware 4.2.1';
const SERVER_NAME = 'lab-srv-51c7';
const SSH_BANNER = 'SSH-2.0-OpenSSH_9.2p1 EstateTest-srv';
const quiet = { warn: () => undefined, error: () => undefined };

/** The MACs of a namespace's interfaces other than loopback, lower-case. */
function macsIn(space: Namespace): Map<string, string> {
  const links = JSON.parse(run('/usr/sbin/ip', ['-j', '-n', space.name, 'link', 'show'])) as Array<{ ifname: string; address: string }>;
  return new Map(links.filter((l) => l.ifname !== 'lo').map((l) => [l.ifname, l.address.toLowerCase()]));
}

/**
 * A user's scan, end to end, against a real network: a switch (namespace one: snmpd with lldpd as its AgentX
 * subagent) cabled to a server (namespace two: lldpd announcing its management address, an SSH greeter), each also
 * on a veth pair to this machine. The scan is created and started over HTTP and run by the scan-run job with the real
 * engine, on a real database; the LLDP neighbour the switch reports becomes a `connected_to` relationship.
 */
describe.runIf(peersTier([...TOOLS]))('scan runs against an SNMP switch with an LLDP neighbour', () => {
  const scratch = scratchDir();
  const spaces: Namespace[] = [];
  let switchIp = '';
  let serverIp = '';
  let switchMacs = new Map<string, string>();
  let serverMacs = new Map<string, string>();
  let cable = { aLink: '', bLink: '' };

  beforeAll(async () => {
    requirePeers([...TOOLS]);
    const a = freeSubnet(214);
    let b = freeSubnet(214);
    while (b === a) b = freeSubnet(214);
    switchIp = `${a}.2`;
    serverIp = `${b}.2`;
    const sw = createNamespace({ hostAddress: `${a}.1/24`, innerAddress: `${switchIp}/24` });
    spaces.push(sw);
    const srv = createNamespace({ hostAddress: `${b}.1/24`, innerAddress: `${serverIp}/24` });
    spaces.push(srv);
    cable = connectNamespaces(sw, srv);

    const agentX = `${scratch.dir}/agentx.sock`;
    const conf = writeSnmpdConfig(scratch.dir, {
      listen: `udp:${switchIp}:161`,
      sysName: SWITCH_NAME,
      sysDescr: SWITCH_DESCR,
      sysLocation: 'veth lab, rack 1',
      sysContact: 'noc@estate.test',
      community: COMMUNITY,
      v3User: 'labuser',
      v3AuthKey: 'lab-auth-key-51c7',
      v3PrivKey: 'lab-priv-key-51c7',
      agentXSocket: agentX,
    });
    const snmpd = snmpdCommand(scratch.dir, conf);
    await sw.start(snmpd.command, snmpd.args, /NET-SNMP version/, snmpd.env);
    const switchLldpd = lldpdCommand(scratch.dir, { systemName: SWITCH_NAME, agentXSocket: agentX });
    await sw.start(switchLldpd.command, switchLldpd.args, switchLldpd.readyText);
    const serverLldpd = lldpdCommand(scratch.dir, { systemName: SERVER_NAME, managementAddress: serverIp });
    await srv.start(serverLldpd.command, serverLldpd.args, serverLldpd.readyText);
    await srv.start(
      process.execPath,
      [PEER_LISTENERS, JSON.stringify([{ host: serverIp, port: 22, kind: 'ssh', text: SSH_BANNER }])],
      'ready',
    );

    // lldpd announces on its own schedule; asking the server's to send now, until the switch has heard it.
    await vi.waitFor(
      () => {
        lldpcli(serverLldpd.controlSocket, ['update']);
        expect(lldpcli(switchLldpd.controlSocket, ['-f', 'keyvalue', 'show', 'neighbors'])).toContain(`chassis.name=${SERVER_NAME}`);
      },
      { timeout: 20_000, interval: 250 },
    );
    switchMacs = macsIn(sw);
    serverMacs = macsIn(srv);
  });

  afterAll(() => {
    for (const space of spaces) space.cleanup();
    scratch.cleanup();
  });

  describe.each(testEngines())('on $dialect', (engine) => {
    let t: TestEstate;
    let admin: Agent;
    let worker: JobWorker;
    const db = () => t.database.db as Kysely<ScanTables>;
    const identifiers = async (ciId: string) =>
      (await db().selectFrom('ci_identifiers').select(['kind', 'value']).where('ci_id', '=', ciId).execute())
        .map((i) => `${i.kind}:${i.value}`)
        .sort();

    beforeAll(async () => {
      t = await createTestEstate(engine);
      admin = await t.setupAdmin();
      worker = new JobWorker(t.database, { logger: quiet, concurrency: 1 });
      // The discovery module's own job handlers, as a worker process registers them: the real engine, the real inventory.
      t.estate.discovery.jobs?.(worker);
    });
    afterAll(() => t?.close());

    it('creates the switch and the server with their identifiers, and connects them from the LLDP neighbour', async () => {
      const credential = await admin.request('POST', '/api/v1/discovery/snmp-credentials', {
        name: 'lab',
        snmpVersion: 'v2c',
        community: COMMUNITY,
      });
      expect(credential.statusCode, credential.body).toBe(201);
      const scan = await admin.request('POST', '/api/v1/discovery/scans', {
        name: 'LLDP lab',
        targets: [switchIp, serverIp],
        ports: [22, 80],
        credentialIds: [credential.json().id],
        options: { reverseDns: false, tcpLiveness: false, timeoutMs: 1_000, concurrency: 8, ratePerSecond: 500 },
      });
      expect(scan.statusCode, scan.body).toBe(201);
      const startRun = async () => {
        const started = await admin.request('POST', `/api/v1/discovery/scans/${scan.json().id}/runs`);
        expect(started.statusCode, started.body).toBe(202);
        expect(await worker.drain()).toBe(1);
        return (await admin.request('GET', `/api/v1/discovery/runs/${started.json().id}`)).json();
      };

      const first = await startRun();
      expect(first).toMatchObject({
        status: 'succeeded',
        total: 2,
        done: 2,
        summary: { hosts: 2, new: 2, changed: 0, unchanged: 0, missing: 0, cisCreated: 2, relationships: 1 },
      });
      const found = (await admin.request('GET', `/api/v1/discovery/runs/${first.id}/hosts`)).json().items;
      expect(found.map((h: { address: string }) => h.address).sort()).toEqual([switchIp, serverIp].sort());
      const switchHost = found.find((h: { address: string }) => h.address === switchIp);
      const serverHost = found.find((h: { address: string }) => h.address === serverIp);
      expect(JSON.stringify(found)).not.toContain(COMMUNITY);

      // The switch: named by its sysName, identified by its interfaces' MACs, its name and its addresses.
      expect(switchHost.ci).toMatchObject({ name: SWITCH_NAME, type: 'switch' });
      const switchCi = (await admin.request('GET', `/api/v1/cis/${switchHost.ci.id}`)).json();
      expect(switchCi.attributes).toMatchObject({
        hostname: SWITCH_NAME,
        managementIp: switchIp,
        firmware: SWITCH_DESCR,
        ports: switchMacs.size + 1,
      });
      expect([...switchCi.attributes.macAddresses].sort()).toEqual([...switchMacs.values()].sort());
      const scanId = scan.json().id;
      expect(await identifiers(switchHost.ci.id)).toEqual(
        [
          ...[...switchMacs.values()].map((m) => `mac:${m}`),
          `hostname:${SWITCH_NAME}`,
          `ip:${switchIp}`,
          `scan_target:${scanId} ${switchIp}`,
        ].sort(),
      );
      // Its interfaces are the CI's: kinds from ifType, states, and the management address on its interface.
      const nics = (await admin.request('GET', `/api/v1/cis/${switchHost.ci.id}/interfaces`)).json().items;
      expect(nics.every((i: { source: string }) => i.source === 'scan')).toBe(true);
      expect(nics.flatMap((i: { mac: string | null }) => (i.mac ? [i.mac] : [])).sort()).toEqual([...switchMacs.values()].sort());
      expect(nics.some((i: { kind: string }) => i.kind === 'loopback')).toBe(true);
      expect(nics.find((i: { addresses: string[] }) => i.addresses.some((a) => a.startsWith(`${switchIp}/`)))).toMatchObject({
        kind: 'physical',
        adminUp: true,
      });
      // What the switch's LLDP-MIB said, through snmpd and lldpd's AgentX subagent.
      expect(switchHost.data.snmp.neighbours).toEqual([
        expect.objectContaining({
          localPort: cable.aLink,
          chassisId: expect.toBeOneOf([...serverMacs.values()]),
          portId: serverMacs.get(cable.bLink),
          sysName: SERVER_NAME,
          managementAddress: serverIp,
        }),
      ]);

      // The server answered no SNMP: it is known by its address and open ports.
      expect(serverHost.ci).toMatchObject({ name: serverIp, type: 'physical_server' });
      const serverCi = (await admin.request('GET', `/api/v1/cis/${serverHost.ci.id}`)).json();
      expect(serverCi.attributes).toMatchObject({ ipAddresses: [serverIp], listeningPorts: ['tcp/22'] });
      expect(await identifiers(serverHost.ci.id)).toEqual([`ip:${serverIp}`, `scan_target:${scanId} ${serverIp}`]);
      expect(serverHost.data.services).toEqual({ 22: { ssh: SSH_BANNER } });

      // The LLDP neighbour matched the server by its management address: switch connected_to server, found by a scan.
      const links = await db().selectFrom('relationships').select(['type', 'source_id', 'target_id', 'source']).execute();
      expect(links).toEqual([{ type: 'connected_to', source_id: switchHost.ci.id, target_id: serverHost.ci.id, source: 'scan' }]);

      // The same network scanned again: nothing new, and still one link.
      const second = await startRun();
      expect(second.summary).toMatchObject({ hosts: 2, new: 0, unchanged: 2, cisCreated: 0, relationships: 1 });
      expect(await db().selectFrom('relationships').select('id').execute()).toHaveLength(1);
      expect(await db().selectFrom('cis').select('id').execute()).toHaveLength(2);
    }, 120_000);
  });
});
