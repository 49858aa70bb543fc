import type { RunSummary } from '@estate/contract';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../../test/harness';
import { SecretBox } from '../../../platform/crypto/secret-box';
import { JobWorker } from '../../../platform/jobs';
import { registerDiscoveryJobs } from '../discovery.jobs';
import { ptrName, startDnsServer } from './engine/dns-server.test-support';
import { createScanEngine } from './engine/engine';
import {
  createNamespace,
  freeSubnet,
  type Namespace,
  type Peer,
  peersTier,
  requirePeers,
  scratchDir,
  snmpdCommand,
  writeSnmpdConfig,
} from './engine/peers.test-support';
import type { ScanTables } from './scan.repository';

const TOOLS = ['ip', 'fping', 'snmpd'] as const;
const COMMUNITY = 'estate-host-ro-3e91';
const HOST_NAME = 'lab-host-3e91';
/** What reverse DNS calls the host: another name than the one it gives itself. */
const DNS_NAME = 'srv-3e91.estate.test';
const quiet = { warn: () => undefined, error: () => undefined };

/** A run's counts agree with each other. */
function expectCountsAddUp(summary: RunSummary): void {
  expect(summary.new + summary.changed + summary.unchanged, JSON.stringify(summary)).toBe(summary.hosts);
  expect(summary.cisCreated, JSON.stringify(summary)).toBeLessThanOrEqual(summary.new);
}

/**
 * A Linux host answering SNMP, scanned again and again as a user would: Debian's snmpd in a network namespace,
 * describing itself as net-snmp does by default (its sysObjectID says Linux, its sysDescr is `uname -a`, its
 * sysServices a host's), with a reverse DNS name other than its sysName from a DNS server the engine asks. The
 * scans run through the scan-run job with the real engine on a real database. The host is one server CI however
 * often it is scanned; a wrong community, a v3 user the agent does not know and an SNMP outage each show in the run's
 * summary, by reason and credential name, and in the host's notes.
 */
describe.runIf(peersTier([...TOOLS]))('scan runs against a Linux host answering SNMP', () => {
  const scratch = scratchDir();
  let space: Namespace | undefined;
  let hostIp = '';
  let dns: Awaited<ReturnType<typeof startDnsServer>> | undefined;
  let config = '';

  beforeAll(async () => {
    requirePeers([...TOOLS]);
    const subnet = freeSubnet(215);
    hostIp = `${subnet}.2`;
    space = createNamespace({ hostAddress: `${subnet}.1/24`, innerAddress: `${hostIp}/24` });
    config = writeSnmpdConfig(scratch.dir, {
      listen: `udp:${hostIp}:161`,
      sysName: HOST_NAME,
      sysDescr: `Linux ${HOST_NAME} 6.1.0-18-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01) x86_64`,
      sysLocation: 'veth lab',
      sysContact: 'ops@estate.test',
      sysServices: 72,
      community: COMMUNITY,
      v3User: 'labuser',
      v3AuthKey: 'lab-auth-key-3e91',
      v3PrivKey: 'lab-priv-key-3e91',
    });
    dns = await startDnsServer({ [ptrName(hostIp)]: DNS_NAME });
  });

  afterAll(() => {
    space?.cleanup();
    dns?.server.close();
    scratch.cleanup();
  });

  const startSnmpd = (): Promise<Peer> => {
    const snmpd = snmpdCommand(scratch.dir, config);
    return space!.start(snmpd.command, snmpd.args, /NET-SNMP version/, snmpd.env);
  };

  describe.each(testEngines())('on $dialect', (engine) => {
    let t: TestEstate;
    let admin: Agent;
    let worker: JobWorker;
    const db = () => t.database.db as Kysely<ScanTables>;

    beforeAll(async () => {
      t = await createTestEstate(engine);
      admin = await t.setupAdmin();
      worker = new JobWorker(t.database, { logger: quiet, concurrency: 1 });
      registerDiscoveryJobs(worker, {
        db: t.database.db,
        dialect: t.database.dialect,
        audit: t.estate.audit,
        secretBox: SecretBox.fromKeyFile(t.config.secretKeyFile),
        engine: createScanEngine({ dnsServers: [`127.0.0.1:${dns!.port}`] }),
        inventory: t.estate.inventory.service,
      });
    });
    afterAll(() => t?.close());

    it('keeps one server CI across runs, and counts a wrong community, an unknown v3 user and an outage by credential name', async () => {
      const snmpd = await startSnmpd();
      const credential = async (body: Record<string, unknown>) => {
        const res = await admin.request('POST', '/api/v1/discovery/snmp-credentials', body);
        expect(res.statusCode, res.body).toBe(201);
        return res.json().id as string;
      };
      const lab = await credential({ name: 'lab', snmpVersion: 'v2c', community: COMMUNITY });
      const wrong = await credential({ name: 'old community', snmpVersion: 'v2c', community: 'not-the-community-3e91' });
      const stranger = await credential({
        name: 'stranger v3',
        snmpVersion: 'v3',
        user: 'nobody-3e91',
        securityLevel: 'authPriv',
        authProtocol: 'sha',
        authKey: 'stranger-auth-3e91',
        privProtocol: 'aes',
        privKey: 'stranger-priv-3e91',
      });
      const created = await admin.request('POST', '/api/v1/discovery/scans', {
        name: 'Linux host',
        targets: [hostIp],
        ports: [22],
        credentialIds: [lab],
        options: { reverseDns: true, tcpLiveness: false, timeoutMs: 500, concurrency: 8, ratePerSecond: 500 },
      });
      expect(created.statusCode, created.body).toBe(201);
      const scanId = created.json().id as string;
      const useCredentials = async (credentialIds: string[]) => {
        const etag = (await admin.request('GET', `/api/v1/discovery/scans/${scanId}`)).headers.etag as string;
        const res = await admin.request('PATCH', `/api/v1/discovery/scans/${scanId}`, { credentialIds }, { 'if-match': etag });
        expect(res.statusCode, res.body).toBe(200);
      };
      const startRun = async () => {
        const started = await admin.request('POST', `/api/v1/discovery/scans/${scanId}/runs`);
        expect(started.statusCode, started.body).toBe(202);
        expect(await worker.drain()).toBe(1);
        const run = (await admin.request('GET', `/api/v1/discovery/runs/${started.json().id}`)).json();
        expect(run.status, run.error).toBe('succeeded');
        expectCountsAddUp(run.summary);
        const [found, ...others] = (await admin.request('GET', `/api/v1/discovery/runs/${run.id}/hosts`)).json().items;
        expect(others).toEqual([]);
        return { run, host: found };
      };
      const cis = async () => (await db().selectFrom('cis').select(['id', 'name', 'type']).execute()).map((c) => `${c.name} ${c.type}`);

      // The host as net-snmp describes it: a server, named by its sysName, whatever its PTR record says.
      const first = await startRun();
      expect(first.run.summary).toMatchObject({ hosts: 1, new: 1, cisCreated: 1 });
      expect(first.run.summary.snmp).toEqual({ asked: 1, answered: 1, allFailed: false, failures: [] });
      expect(first.run.summary.warnings).toBeUndefined();
      expect(first.host.data).toMatchObject({
        hostname: DNS_NAME,
        snmp: { sysName: HOST_NAME, sysObjectId: '1.3.6.1.4.1.8072.3.2.10', sysServices: 72 },
      });
      expect(first.host.ci).toMatchObject({ name: HOST_NAME, type: 'physical_server' });
      const server = (await admin.request('GET', `/api/v1/cis/${first.host.ci.id}`)).json();
      expect(server.attributes).toMatchObject({ hostname: HOST_NAME, ipAddresses: [hostIp] });

      // Scanned again and again: the same CI, nothing created.
      for (let i = 0; i < 2; i++) {
        const again = await startRun();
        expect(again.run.summary).toMatchObject({ hosts: 1, unchanged: 1, cisCreated: 0 });
        expect(again.host.ci.id).toBe(first.host.ci.id);
      }
      expect(await cis()).toEqual([`${HOST_NAME} physical_server`]);

      // A wrong community and a v3 user the agent does not know: no SNMP answer, each failure by reason and name.
      await useCredentials([wrong, stranger]);
      const refused = await startRun();
      expect(refused.run.summary.snmp).toEqual({
        asked: 1,
        answered: 0,
        allFailed: true,
        failures: [
          { credentialId: wrong, credentialName: 'old community', reason: 'no-answer', hosts: 1 },
          { credentialId: stranger, credentialName: 'stranger v3', reason: 'authentication', hosts: 1 },
        ],
      });
      expect(refused.run.summary.warnings).toEqual([expect.stringContaining('"old community" (v2c): no answer from 1 host')]);
      expect(refused.host.data.notes).toEqual([
        expect.stringMatching(/^SNMP credential "old community" \(v2c\) on udp\/161: no answer \(timeout\) — .*wrong community/),
        'SNMP credential "stranger v3" (v3 authPriv) on udp/161: the agent does not know the v3 user.',
      ]);
      expect(JSON.stringify(refused)).not.toContain('not-the-community-3e91');

      // snmpd stops: the right community gets no answer either, and the run says so.
      await useCredentials([lab]);
      snmpd.stop();
      const outage = await startRun();
      expect(outage.run.summary.snmp).toEqual({
        asked: 1,
        answered: 0,
        allFailed: true,
        failures: [{ credentialId: lab, credentialName: 'lab', reason: 'no-answer', hosts: 1 }],
      });
      expect(outage.host.data.notes).toEqual([expect.stringContaining('SNMP credential "lab" (v2c) on udp/161: no answer')]);

      // Back: the same CI again.
      const restarted = await startSnmpd();
      const back = await startRun();
      restarted.stop();
      expect(back.run.summary.snmp).toMatchObject({ answered: 1, allFailed: false });
      expect(back.host.ci.id).toBe(first.host.ci.id);
      // Without SNMP answers (wrong community, outage) the scan target's binding finds the same CI: no duplicate
      // under the reverse-DNS name.
      expect(refused.host.ci.id).toBe(first.host.ci.id);
      expect(outage.host.ci.id).toBe(first.host.ci.id);
      expect(await cis()).toEqual([`${HOST_NAME} physical_server`]);
    }, 120_000);
  });
});
