import type { RunSummary } from '@estate/contract';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../../test/harness';
import { SecretBox } from '../../../platform/crypto/secret-box';
import { publishedEvents } from '../../../platform/events/outbox.fixtures';
import { JobWorker } from '../../../platform/jobs';
import { createScanRunService, type DiscoveryJobDeps, registerDiscoveryJobs } from '../discovery.jobs';
import { createIdentityService } from '../identity/identity.service';
import type { LocalHost } from './local-host';
import { host, ScriptedScanEngine } from './scan.fixtures';
import type { ScanTables } from './scan.repository';
import { ScanScheduler } from './scan-run.scheduler';
import { createScanServices } from './scan-services';

const SCANS = '/api/v1/discovery/scans';
const COMMUNITY = 'lab-community-4411';
const quiet = { warn: () => undefined, error: () => undefined };

const sw1 = (rtt = 0.3) =>
  host('192.0.2.1', {
    rttMs: rtt,
    openPorts: [22, 161],
    hostname: 'sw1.example.org',
    snmp: {
      credentialId: 'x',
      sysName: 'sw1.example.org',
      sysDescr: 'Cisco IOS Software, C2960 Software (C2960-LANBASEK9-M), Version 15.0(2)SE11',
      sysUpTimeSeconds: rtt * 1000,
      interfaces: [
        { index: 1, name: 'Gi0/1', mac: '00:1A:2B:00:00:01', speedMbps: 1000, operUp: true },
        { index: 2, name: 'Gi0/2', mac: '00:1a:2b:00:00:02', speedMbps: 1000, operUp: rtt > 0.2 },
      ],
      addresses: ['192.0.2.1', '10.99.0.1'],
      neighbours: [{ localPort: 'Gi0/1', chassisId: '00:1a:2b:00:00:aa', portId: 'Gi0/24', sysName: 'sw2' }],
    },
  });
const sw2 = () =>
  host('192.0.2.2', {
    openPorts: [22],
    snmp: {
      credentialId: 'x',
      sysName: 'sw2',
      sysDescr: 'Generic managed switch',
      interfaces: [{ index: 24, name: 'port24', mac: '00-1A-2B-00-00-AA' }],
      addresses: ['192.0.2.2'],
      neighbours: [{ localPort: 'port24', sysName: 'sw1.example.org', managementAddress: '192.0.2.1' }],
    },
  });
const web1 = (ports = [22, 80]) =>
  host('192.0.2.3', { hostname: 'web1.example.org', openPorts: ports, services: { 22: { ssh: 'SSH-2.0-OpenSSH_9.2' } } });
const bare = (address: string) => host(address, { openPorts: [22], alive: 'tcp' });

/** The machine the scans of these tests run on. */
const SCANNER: LocalHost = {
  hostname: 'scanner-01.example.org',
  machineId: '5ca4e0015ca4e0015ca4e0015ca4e001',
  macs: ['52:54:00:5c:a4:01'],
  ips: ['198.51.100.77'],
  ownAddresses: ['127.0.0.1', '198.51.100.77', '::1'],
};

/** A run's counts agree with each other: every host is new, changed or unchanged, and no CI was made for an old one. */
function expectCountsAddUp(summary: RunSummary): void {
  expect(summary.new + summary.changed + summary.unchanged, JSON.stringify(summary)).toBe(summary.hosts);
  expect(summary.cisCreated, JSON.stringify(summary)).toBeLessThanOrEqual(summary.new);
}

describe.each(testEngines())('scan runs on $dialect', (engine) => {
  let t: TestEstate;
  let admin: Agent;
  let scanEngine: ScriptedScanEngine;
  let worker: JobWorker;
  let deps: DiscoveryJobDeps;
  let credentialId: string;
  const db = () => t.database.db as Kysely<ScanTables>;
  const count = async (table: 'cis' | 'relationships', where?: [string, string]) => {
    let q = db()
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number | string>().as('n'));
    if (where) q = q.where(where[0] as never, '=', where[1] as never);
    return Number((await q.executeTakeFirstOrThrow()).n);
  };
  const createScan = async (name: string, extra: Record<string, unknown> = {}) => {
    const res = await admin.request('POST', SCANS, { name, targets: ['192.0.2.0/29'], credentialIds: [credentialId], ...extra });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  const startRun = async (scanId: string) => {
    const res = await admin.request('POST', `${SCANS}/${scanId}/runs`);
    expect(res.statusCode, res.body).toBe(202);
    return res.json().id as string;
  };
  const getRun = async (id: string) => (await admin.request('GET', `/api/v1/discovery/runs/${id}`)).json();
  const finished = (runId: string) => publishedEvents(t.database.db, 'discovery.run.finished', (e) => e.runId === runId);
  const hosts = async (runId: string, change?: string) =>
    (await admin.request('GET', `/api/v1/discovery/runs/${runId}/hosts${change ? `?change=${change}` : ''}`)).json().items;

  beforeAll(async () => {
    t = await createTestEstate(engine);
    admin = await t.setupAdmin();
    const cred = await admin.request('POST', '/api/v1/discovery/snmp-credentials', {
      name: 'lab',
      snmpVersion: 'v2c',
      community: COMMUNITY,
    });
    credentialId = cred.json().id;
    deps = {
      db: t.database.db,
      dialect: t.database.dialect,
      audit: t.estate.audit,
      secretBox: SecretBox.fromKeyFile(t.config.secretKeyFile),
      engine: new ScriptedScanEngine(),
      inventory: t.estate.inventory.service,
      progressIntervalMs: 0,
      localHost: async () => SCANNER,
    };
  });
  beforeEach(() => {
    scanEngine = new ScriptedScanEngine();
    deps = { ...deps, engine: scanEngine };
    worker = new JobWorker(t.database, { logger: quiet, backoff: { baseMs: 0, capMs: 0 }, concurrency: 1 });
    registerDiscoveryJobs(worker, deps);
  });
  afterAll(() => t?.close());

  it('runs a scan: unseals credentials for the engine, records hosts, creates de-duplicated CIs and LLDP links, and diffs the next run', async () => {
    const scanId = await createScan('Lab');
    scanEngine.script([sw1(), sw2(), web1(), bare('192.0.2.4'), bare('192.0.2.6')]);
    const first = await startRun(scanId);
    expect(await worker.drain()).toBe(1);

    expect(scanEngine.requests[0]).toMatchObject({
      addresses: ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4', '192.0.2.5', '192.0.2.6'],
      snmp: [{ id: credentialId, version: 'v2c', community: COMMUNITY }],
      ports: [22, 80, 443, 3389, 445, 161, 3306, 5432, 8080, 8443],
      snmpPort: 161,
    });
    const run1 = await getRun(first);
    expect(run1).toMatchObject({
      status: 'succeeded',
      total: 6,
      done: 6,
      summary: { hosts: 5, new: 5, changed: 0, unchanged: 0, missing: 0, cisCreated: 5, relationships: 1 },
    });
    expect(run1.finishedAt).toBeGreaterThanOrEqual(run1.startedAt);
    expectCountsAddUp(run1.summary);
    const seen = await hosts(first);
    expect(seen.map((h: { address: string }) => h.address)).toEqual(['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4', '192.0.2.6']);
    expect(seen.every((h: { change: string; ci: unknown }) => h.change === 'new' && h.ci !== null)).toBe(true);
    expect(JSON.stringify(seen)).not.toContain(COMMUNITY);

    const device = seen[0].ci;
    expect(device).toMatchObject({ name: 'sw1.example.org', type: 'switch' });
    const ci = (await admin.request('GET', `/api/v1/cis/${device.id}`)).json();
    expect(ci.attributes).toMatchObject({
      hostname: 'sw1.example.org',
      managementIp: '192.0.2.1',
      ports: 2,
      macAddresses: ['00:1a:2b:00:00:01', '00:1a:2b:00:00:02'],
      firmware: expect.stringContaining('C2960'),
    });
    expect(ci.provenance['attributes.managementIp']?.source).toBe('scan');
    const server = (await admin.request('GET', `/api/v1/cis/${seen[2].ci.id}`)).json();
    expect(server).toMatchObject({ type: 'physical_server', name: 'web1.example.org' });
    expect(server.attributes).toMatchObject({
      hostname: 'web1',
      fqdn: 'web1.example.org',
      ipAddresses: ['192.0.2.3'],
      listeningPorts: ['tcp/22', 'tcp/80'],
    });
    expect(await count('relationships', ['type', 'connected_to'])).toBe(1);
    const cisAfterFirst = await count('cis');

    // The network changes: web1 opens 443, .4 is gone, .5 appears; the switches only differ in round-trip time.
    scanEngine.script([sw1(0.1), sw2(), web1([22, 80, 443]), bare('192.0.2.5'), bare('192.0.2.6')]);
    const second = await startRun(scanId);
    await worker.drain();
    expect(await getRun(second)).toMatchObject({
      status: 'succeeded',
      summary: { hosts: 5, new: 1, changed: 1, unchanged: 3, missing: 1, cisCreated: 1, relationships: 1 },
    });
    expect(await count('cis')).toBe(cisAfterFirst + 1);
    expect(await count('cis', ['type', 'switch'])).toBe(2);
    expect(await count('relationships', ['type', 'connected_to'])).toBe(1);
    const changed = await hosts(second, 'changed');
    expect(changed).toEqual([
      expect.objectContaining({ address: '192.0.2.3', data: expect.objectContaining({ changedFields: ['openPorts'] }) }),
    ]);
    const missing = await hosts(second, 'missing');
    expect(missing).toEqual([expect.objectContaining({ address: '192.0.2.4', ci: seen[3].ci })]);
    expect((await hosts(second, 'new')).map((h: { address: string }) => h.address)).toEqual(['192.0.2.5']);
    const web = (await admin.request('GET', `/api/v1/cis/${seen[2].ci.id}`)).json();
    expect(web.attributes.listeningPorts).toEqual(['tcp/22', 'tcp/80', 'tcp/443']);

    // The scan shows its last run; its audit trail has starts and finishes by the scan itself.
    expect((await admin.request('GET', `${SCANS}/${scanId}`)).json().lastRun).toMatchObject({ id: second, status: 'succeeded' });
    const finishes = await t.database.db
      .selectFrom('audit_events')
      .select(['actor_label', 'outcome'])
      .where('action', '=', 'discovery_run.finish')
      .execute();
    expect(finishes).toEqual([
      { actor_label: 'scan Lab', outcome: 'success' },
      { actor_label: 'scan Lab', outcome: 'success' },
    ]);
    // Each finish is published once, with the counts of the comparison.
    const counts = (n: number[]) => ({ new: n[0], changed: n[1], missing: n[2], unchanged: n[3] });
    expect(await finished(first)).toEqual([{ runId: first, scanId, status: 'succeeded', counts: counts([5, 0, 0, 0]), error: null }]);
    expect(await finished(second)).toEqual([{ runId: second, scanId, status: 'succeeded', counts: counts([1, 1, 1, 3]), error: null }]);
  });

  it('joins a host an agent reports without overwriting what the agent knows better', async () => {
    const identity = createIdentityService(deps);
    const agentCtx = { actor: { type: 'system' as const, id: null, label: 'agent app-01' }, requestId: null, sourceIp: null };
    const agentSaw = await identity.reconcile(
      {
        source: 'agent',
        observer: 'agent app-01',
        type: 'virtual_machine',
        name: 'app-01',
        identity: { machineId: 'f00dfeed', hostname: 'app-01', ips: ['192.0.2.5', '10.1.1.5'] },
        fields: { attributes: { hostname: 'app-01', ipAddresses: ['192.0.2.5', '10.1.1.5'], listeningPorts: ['tcp/22', 'udp/53'] } },
      },
      agentCtx,
    );
    const scanId = await createScan('Agent hosts');
    scanEngine.script([host('192.0.2.5', { hostname: 'app-01.example.org', openPorts: [22] })]);
    const runId = await startRun(scanId);
    await worker.drain();
    const [found] = await hosts(runId);
    expect(found.ci).toMatchObject({ id: agentSaw.ciId, type: 'virtual_machine' });
    const ci = (await admin.request('GET', `/api/v1/cis/${agentSaw.ciId}`)).json();
    expect(ci.attributes).toMatchObject({ ipAddresses: ['192.0.2.5', '10.1.1.5'], listeningPorts: ['tcp/22', 'udp/53'] });
  });

  it('finds a switch again when SNMP does not answer and reverse DNS names it otherwise: one CI, the rest as facts', async () => {
    const scanId = await createScan('Outage');
    scanEngine.script([sw1()]);
    const first = await startRun(scanId);
    await worker.drain();
    const [withSnmp] = await hosts(first);
    expect(withSnmp.ci).toMatchObject({ type: 'switch' });
    const ci = (await admin.request('GET', `/api/v1/cis/${withSnmp.ci.id}`)).json();
    expect(ci.provenance['attributes.managementIp']?.source).toBe('scan');
    const facts = async () =>
      Object.fromEntries(
        (await admin.request('GET', `/api/v1/cis/${withSnmp.ci.id}/observed-facts`))
          .json()
          .items.map((f: { key: string; value: unknown }) => [f.key, f.value]),
      );
    expect(await facts()).toMatchObject({ ipAddresses: ['192.0.2.1', '10.99.0.1'] });
    const nics = (await admin.request('GET', `/api/v1/cis/${withSnmp.ci.id}/interfaces`)).json().items;
    expect(nics.map((i: { name: string; operUp: boolean }) => [i.name, i.operUp])).toEqual([
      ['Gi0/1', true],
      ['Gi0/2', true],
    ]);

    // The community is wrong now (no SNMP answer), and the address's PTR record names the gateway, not the switch.
    scanEngine.script([host('192.0.2.1', { hostname: 'gw.example.org', openPorts: [22, 443], notes: ['SNMP: no answer'] })]);
    const second = await startRun(scanId);
    await worker.drain();
    expect(await getRun(second)).toMatchObject({ status: 'succeeded', summary: { cisCreated: 0 } });
    const [without] = await hosts(second);
    expect(without.ci).toEqual(withSnmp.ci);
    expect(without.data.notes.join(' ')).toContain('listeningPorts (a switch has no attribute listeningPorts)');
    expect(await facts()).toMatchObject({ listeningPorts: ['tcp/22', 'tcp/443'] });
    expect((await admin.request('GET', `/api/v1/cis/${withSnmp.ci.id}`)).json().type).toBe('switch');
  });

  it('records what SNMP says of a server its agent reports on: the agent’s CI, fields that fit, facts, interfaces', async () => {
    const identity = createIdentityService(deps);
    const agentCtx = { actor: { type: 'system' as const, id: null, label: 'agent nas-01' }, requestId: null, sourceIp: null };
    const server = await identity.reconcile(
      {
        source: 'agent',
        observer: 'agent nas-01',
        type: 'physical_server',
        name: 'nas-01',
        identity: { machineId: 'ab12cd34', macs: ['3c:fd:fe:00:00:61'], hostname: 'nas-01', ips: ['198.51.100.6'] },
        fields: { attributes: { hostname: 'nas-01', ipAddresses: ['198.51.100.6'], cpuCores: 8 } },
      },
      agentCtx,
    );
    const scanId = await createScan('Servers', { targets: ['198.51.100.6/32'] });
    scanEngine.script([
      host('198.51.100.6', {
        hostname: 'nas-01.example.org',
        snmp: {
          credentialId: 'x',
          sysName: 'nas-01',
          sysDescr: 'Linux nas-01 6.1.0-13-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.55-1 x86_64',
          sysLocation: 'Basement, rack 2',
          sysContact: 'it@example.org',
          interfaces: [
            { index: 1, name: 'lo', kind: 'loopback', adminUp: true, operUp: true },
            { index: 2, name: 'eno1', kind: 'physical', mac: '3c:fd:fe:00:00:61', speedMbps: 1000, adminUp: true, operUp: true },
            { index: 3, name: 'docker0', kind: 'physical', mac: '02:42:ac:11:00:01', adminUp: true, operUp: false },
          ],
          addresses: ['198.51.100.6', '172.17.0.1'],
          neighbours: [],
        },
      }),
    ]);
    const runId = await startRun(scanId);
    await worker.drain();
    expect(await getRun(runId)).toMatchObject({ status: 'succeeded', summary: { cisCreated: 0 } });
    const [found] = await hosts(runId);
    expect(found.ci).toMatchObject({ id: server.ciId, type: 'physical_server' });
    expect(found.data.notes.join(' ')).toContain('managementIp (a physical_server has no attribute managementIp)');
    const facts = (await admin.request('GET', `/api/v1/cis/${server.ciId}/observed-facts`)).json().items;
    expect(Object.fromEntries(facts.map((f: { key: string; value: unknown }) => [f.key, f.value]))).toMatchObject({
      managementIp: '198.51.100.6',
      sysLocation: 'Basement, rack 2',
      sysContact: 'it@example.org',
      ports: 3,
    });
    const nics = (await admin.request('GET', `/api/v1/cis/${server.ciId}/interfaces`)).json().items;
    expect(nics.map((i: { name: string }) => i.name)).toEqual(['docker0', 'eno1', 'lo']);
    const suggestions = await db().selectFrom('merge_suggestions').select('id').where('ci_id', '=', server.ciId).execute();
    expect(suggestions).toEqual([]);
  });

  it('reports progress while a run is going', async () => {
    const scanId = await createScan('Progress');
    let release: () => void = () => undefined;
    scanEngine.gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    scanEngine.script([web1()]);
    const runId = await startRun(scanId);
    const draining = worker.drain();
    let shown = await getRun(runId);
    for (let i = 0; i < 200 && shown.done < 6; i++) {
      await new Promise((r) => setTimeout(r, 10));
      shown = await getRun(runId);
    }
    expect(shown).toMatchObject({ status: 'running', done: 6, total: 6, summary: null });
    expect((await admin.request('POST', `${SCANS}/${scanId}/runs`)).statusCode).toBe(409);
    release();
    await draining;
    expect(await getRun(runId)).toMatchObject({ status: 'succeeded', done: 6 });
  });

  it('marks a run failed when its last attempt throws', async () => {
    const scanId = await createScan('Failing');
    scanEngine.failWith = new Error('fping exploded');
    const runId = await startRun(scanId);
    await worker.drain();
    expect(scanEngine.requests).toHaveLength(3);
    const run = await getRun(runId);
    expect(run).toMatchObject({ status: 'failed', error: expect.stringContaining('fping exploded') });
    const job = await db().selectFrom('jobs').select('status').where('dedupe_key', '=', `discovery.run:${runId}`).executeTakeFirstOrThrow();
    expect(job.status).toBe('dead');
    // The attempts that threw finished nothing and published nothing; the failure is published once.
    expect(await finished(runId)).toEqual([
      {
        runId,
        scanId,
        status: 'failed',
        counts: { new: 0, changed: 0, missing: 0, unchanged: 0 },
        error: expect.stringContaining('fping exploded'),
      },
    ]);
    // A failed run frees the scan for the next one.
    scanEngine.failWith = null;
    await startRun(scanId);
    await worker.drain();
  });

  it('never stores or shows a secret the engine quotes in a note or an error', async () => {
    const scanId = await createScan('Quoting');
    scanEngine.script([host('192.0.2.3', { notes: [`SNMP ${COMMUNITY} got no answer`] })]);
    scanEngine.failWith = new Error(`session for community ${COMMUNITY} broke`);
    const runId = await startRun(scanId);
    await worker.drain();
    const run = await getRun(runId);
    expect(run.error).toContain('[redacted]');
    const stored = await db().selectFrom('discovery_hosts').selectAll().where('run_id', '=', runId).execute();
    const jobs = await db().selectFrom('jobs').select('last_error').where('dedupe_key', '=', `discovery.run:${runId}`).execute();
    expect(JSON.stringify([run, stored, jobs])).not.toContain(COMMUNITY);
  });

  it('marks a run failed when the worker running its last attempt died', async () => {
    const scanId = await createScan('Crashed');
    const runId = await startRun(scanId);
    await db().updateTable('discovery_runs').set({ status: 'running', started_at: Date.now() }).where('id', '=', runId).execute();
    await db()
      .updateTable('jobs')
      .set({ status: 'running', attempts: 3, locked_by: 'dead-worker', locked_until: Date.now() - 1 })
      .where('dedupe_key', '=', `discovery.run:${runId}`)
      .execute();
    await worker.runOnce(); // the claim moves the expired, exhausted job to dead
    expect(scanEngine.requests).toHaveLength(0);
    expect(await getRun(runId)).toMatchObject({ status: 'failed', error: expect.stringContaining('lease expired') });
    await getRun(runId); // reading it again (which looks for dead jobs again) publishes nothing more
    expect(await finished(runId)).toEqual([expect.objectContaining({ status: 'failed', error: expect.stringContaining('lease expired') })]);
    // A new run may start.
    await startRun(scanId);
  });

  it('starts a scheduled scan exactly once when several schedulers see it due, and again only when due', async () => {
    const scanId = await createScan('Hourly', { intervalMinutes: 60 });
    const { scans } = createScanServices(deps);
    const a = new ScanScheduler(db(), scans);
    const b = new ScanScheduler(db(), scans);
    const now = Date.now() + 1_000;
    const started = await Promise.all([a.tick(now), b.tick(now), a.tick(now)]);
    expect(started.reduce((x, y) => x + y, 0)).toBe(1);
    const runs = await db().selectFrom('discovery_runs').selectAll().where('scan_id', '=', scanId).execute();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'queued', requested_by: null });
    const scan = (await admin.request('GET', `${SCANS}/${scanId}`)).json();
    expect(scan.nextRunAt).toBeGreaterThan(now + 59 * 60_000);
    expect(await b.tick(now + 1_000)).toBe(0);
    scanEngine.script([]);
    await worker.drain();
    expect(await b.tick(now + 61 * 60_000)).toBe(1);
  });

  it('runs a run directly once and leaves a finished run alone', async () => {
    const scanId = await createScan('Direct');
    scanEngine.script([bare('192.0.2.6')]);
    const runId = await startRun(scanId);
    const runs = createScanRunService(deps);
    await runs.run(runId);
    await runs.run(runId);
    expect(scanEngine.requests).toHaveLength(1);
    expect(await finished(runId)).toHaveLength(1);
    expect((await getRun(runId)).summary).toMatchObject({ hosts: 1, cisCreated: 0, unchanged: 0, new: 1 });
  });
  it('counts a host whose CI was deleted, and is created again, as new, and one that is now another CI as changed', async () => {
    const scanId = await createScan('Recreated', { targets: ['203.0.113.8/29'] });
    const db1 = () => host('203.0.113.9', { hostname: 'db1.example.org', openPorts: [5432] });
    scanEngine.script([db1()]);
    const first = await startRun(scanId);
    await worker.drain();
    const [seen] = await hosts(first);
    const deleteCi = async (id: string) => {
      const etag = (await admin.request('GET', `/api/v1/cis/${id}`)).headers.etag as string;
      expect((await admin.request('DELETE', `/api/v1/cis/${id}`, undefined, { 'if-match': etag })).statusCode).toBe(204);
    };

    // Someone deletes the CI; the next run sees the same host and creates its CI again: new to the inventory.
    await deleteCi(seen.ci.id);
    const second = await startRun(scanId);
    await worker.drain();
    const run2 = await getRun(second);
    expect(run2.summary).toMatchObject({ hosts: 1, new: 1, unchanged: 0, cisCreated: 1 });
    expectCountsAddUp(run2.summary);

    // The CI is deleted again, and meanwhile an agent reported the host: the next run finds the agent's CI.
    const [again] = await hosts(second);
    await deleteCi(again.ci.id);
    const agentSaw = await createIdentityService(deps).reconcile(
      {
        source: 'agent',
        observer: 'agent db1',
        type: 'virtual_machine',
        name: 'db1',
        identity: { machineId: 'db1db1db1db1db1db1db1db1db1db1db', hostname: 'db1', ips: ['203.0.113.9'] },
        fields: { attributes: { ipAddresses: ['203.0.113.9'] } },
      },
      { actor: { type: 'system' as const, id: null, label: 'agent db1' }, requestId: null, sourceIp: null },
    );
    const third = await startRun(scanId);
    await worker.drain();
    const run3 = await getRun(third);
    expect(run3.summary).toMatchObject({ hosts: 1, new: 0, changed: 1, unchanged: 0, cisCreated: 0 });
    expectCountsAddUp(run3.summary);
    const [moved] = await hosts(third, 'changed');
    expect(moved).toMatchObject({ ci: { id: agentSaw.ciId }, data: { changedFields: ['ci'] } });
  });

  it('takes loopback and the scanning machine’s own addresses for the machine itself: its agent’s CI, every run', async () => {
    const identity = createIdentityService(deps);
    const agentSaw = await identity.reconcile(
      {
        source: 'agent',
        observer: 'agent scanner-01',
        type: 'virtual_machine',
        name: 'scanner-01',
        identity: { machineId: SCANNER.machineId, macs: SCANNER.macs, hostname: 'scanner-01', ips: SCANNER.ips },
        fields: { attributes: { hostname: 'scanner-01', ipAddresses: SCANNER.ips, listeningPorts: ['tcp/22', 'tcp/8420'] } },
      },
      { actor: { type: 'system' as const, id: null, label: 'agent scanner-01' }, requestId: null, sourceIp: null },
    );
    const scanId = await createScan('This machine', { targets: ['127.0.0.1', '::1', '198.51.100.77'] });
    scanEngine.script([
      host('127.0.0.1', { hostname: 'localhost', openPorts: [8420] }),
      host('::1', { hostname: 'ip6-localhost', openPorts: [8420] }),
      host('198.51.100.77', { openPorts: [22, 8420] }),
    ]);
    for (let i = 0; i < 3; i++) {
      const runId = await startRun(scanId);
      await worker.drain();
      const run = await getRun(runId);
      expect(run.summary).toMatchObject({ hosts: 3, cisCreated: 0 });
      expectCountsAddUp(run.summary);
      expect((await hosts(runId)).map((h: { ci: { id: string } }) => h.ci.id)).toEqual([agentSaw.ciId, agentSaw.ciId, agentSaw.ciId]);
    }
    // What the agent knows of its own host is not overwritten by what a scan sees of it.
    const ci = (await admin.request('GET', `/api/v1/cis/${agentSaw.ciId}`)).json();
    expect(ci).toMatchObject({ name: 'scanner-01', type: 'virtual_machine' });
    expect(ci.attributes.listeningPorts).toEqual(['tcp/22', 'tcp/8420']);
  });

  it('creates the scanning machine’s CI once, named after it, when no agent reports it', async () => {
    const other: LocalHost = {
      hostname: 'collector-7',
      machineId: '77777777777777777777777777777777',
      macs: ['52:54:00:77:77:77'],
      ips: ['198.51.100.78'],
      ownAddresses: ['127.0.0.1', '198.51.100.78'],
    };
    const runs = createScanRunService({ ...deps, localHost: async () => other });
    const scanId = await createScan('Loopback', { targets: ['127.0.0.1'] });
    scanEngine.script([host('127.0.0.1', { hostname: 'localhost', openPorts: [8420] })]);
    const summaries: RunSummary[] = [];
    const cis: string[] = [];
    for (let i = 0; i < 3; i++) {
      const runId = await startRun(scanId);
      await runs.run(runId);
      summaries.push((await getRun(runId)).summary);
      cis.push((await hosts(runId))[0].ci.id);
    }
    expect(summaries).toEqual([
      expect.objectContaining({ hosts: 1, new: 1, cisCreated: 1 }),
      expect.objectContaining({ hosts: 1, unchanged: 1, cisCreated: 0 }),
      expect.objectContaining({ hosts: 1, unchanged: 1, cisCreated: 0 }),
    ]);
    for (const summary of summaries) expectCountsAddUp(summary);
    expect(new Set(cis).size).toBe(1);
    const ci = (await admin.request('GET', `/api/v1/cis/${cis[0]}`)).json();
    expect(ci).toMatchObject({ name: 'collector-7', type: 'physical_server' });
    expect(ci.attributes).toMatchObject({ hostname: 'collector-7', ipAddresses: ['198.51.100.78'], listeningPorts: ['tcp/8420'] });
    const ids = await db().selectFrom('ci_identifiers').select(['kind', 'value']).where('ci_id', '=', cis[0]!).execute();
    // Besides the scan's own target binding, the scanning machine's identity; loopback never.
    expect(
      ids
        .filter((i) => i.kind !== 'scan_target')
        .map((i) => `${i.kind}:${i.value}`)
        .sort(),
    ).toEqual(['hostname:collector-7', 'ip:198.51.100.78', 'mac:52:54:00:77:77:77', `machine_id:${other.machineId}`].sort());
  });

  it('records an SNMP device as what it is: a net-snmp Linux host as a server, a UPS as a UPS, each with its type’s attributes', async () => {
    const scanId = await createScan('Kinds', { targets: ['203.0.113.32/29'] });
    scanEngine.script([
      host('203.0.113.33', {
        hostname: 'app-33.example.org',
        openPorts: [22, 161],
        snmp: {
          credentialId: 'x',
          sysName: 'app-33',
          sysObjectId: '1.3.6.1.4.1.8072.3.2.10',
          sysDescr: 'Linux app-33 6.1.0-18-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01) x86_64',
          sysServices: 72,
          interfaces: [
            { index: 1, name: 'lo' },
            { index: 2, name: 'ens3', mac: '52:54:00:00:00:33' },
          ],
          addresses: ['203.0.113.33'],
          neighbours: [],
        },
      }),
      host('203.0.113.34', {
        openPorts: [80],
        snmp: {
          credentialId: 'x',
          sysName: 'ups-34',
          sysObjectId: '1.3.6.1.4.1.318.1.3.27',
          sysDescr: 'APC Web/SNMP Management Card (MB:v4.2.1 PF:v7.0.6)',
          interfaces: [{ index: 1, name: 'eth0', mac: '00:c0:b7:00:00:34' }],
          addresses: ['203.0.113.34'],
          neighbours: [],
        },
      }),
    ]);
    const runId = await startRun(scanId);
    await worker.drain();
    const [server, ups] = await hosts(runId);
    expect(server.ci).toMatchObject({ name: 'app-33', type: 'physical_server' });
    expect((await admin.request('GET', `/api/v1/cis/${server.ci.id}`)).json().attributes).toEqual({
      hostname: 'app-33',
      ipAddresses: ['203.0.113.33'],
      macAddresses: ['52:54:00:00:00:33'],
    });
    expect(ups.ci).toMatchObject({ name: 'ups-34', type: 'ups' });
    expect((await admin.request('GET', `/api/v1/cis/${ups.ci.id}`)).json().attributes).toEqual({
      managementIp: '203.0.113.34',
      firmware: 'APC Web/SNMP Management Card (MB:v4.2.1 PF:v7.0.6)',
    });
  });

  it('counts SNMP failures by credential and reason, names the credential, and says when every attempt failed', async () => {
    const v3 = await admin.request('POST', '/api/v1/discovery/snmp-credentials', {
      name: 'ops v3',
      snmpVersion: 'v3',
      user: 'ops',
      securityLevel: 'authPriv',
      authProtocol: 'sha',
      authKey: 'ops-auth-key-91',
      privProtocol: 'aes',
      privKey: 'ops-priv-key-91',
    });
    const v3Id = v3.json().id as string;
    const scanId = await createScan('SNMP failures', { targets: ['203.0.113.16/29'], credentialIds: [credentialId, v3Id] });
    const refused = (address: string) =>
      host(address, {
        snmpFailures: [
          { credentialId, reason: 'no-answer' },
          { credentialId: v3Id, reason: 'authentication' },
        ],
      });
    const silent = (address: string) =>
      host(address, {
        snmpFailures: [
          { credentialId, reason: 'no-answer' },
          { credentialId: v3Id, reason: 'no-answer' },
        ],
      });
    scanEngine.script([refused('203.0.113.17'), silent('203.0.113.18'), silent('203.0.113.19')]);
    const first = await startRun(scanId);
    await worker.drain();
    expect(scanEngine.requests.at(-1)?.snmp.map((c) => c.name)).toEqual(['lab', 'ops v3']);
    const run1 = await getRun(first);
    expect(run1.status).toBe('succeeded');
    expect(run1.summary.snmp).toEqual({
      asked: 3,
      answered: 0,
      allFailed: true,
      failures: [
        { credentialId, credentialName: 'lab', reason: 'no-answer', hosts: 3 },
        { credentialId: v3Id, credentialName: 'ops v3', reason: 'no-answer', hosts: 2 },
        { credentialId: v3Id, credentialName: 'ops v3', reason: 'authentication', hosts: 1 },
      ],
    });
    expect(run1.summary.warnings).toEqual([
      'SNMP: none of the 3 hosts asked answered ("lab" (v2c): no answer from 3 hosts; "ops v3" (v3): no answer from 2 hosts; ' +
        '"ops v3" (v3): refused the credential (unknown v3 user or wrong key) from 1 host). ' +
        'With v2c a wrong community gets no answer, just like a host without an SNMP agent.',
    ]);

    // One host answers with the community now: SNMP worked, but the v3 user is still refused somewhere.
    scanEngine.script([refused('203.0.113.17'), { ...sw2(), address: '203.0.113.18', snmpFailures: [] }]);
    const second = await startRun(scanId);
    await worker.drain();
    const run2 = await getRun(second);
    expect(run2.summary.snmp).toMatchObject({ asked: 2, answered: 1, allFailed: false });
    expect(run2.summary.warnings).toEqual(['SNMP: 1 host refused the credential "ops v3" (v3) (unknown v3 user or wrong key).']);
    expectCountsAddUp(run2.summary);

    // A scan without credentials says nothing about SNMP.
    const plain = await createScan('No SNMP', { targets: ['203.0.113.20'], credentialIds: [] });
    scanEngine.script([host('203.0.113.20')]);
    const third = await startRun(plain);
    await worker.drain();
    const run3 = await getRun(third);
    expect(run3.summary.snmp).toBeUndefined();
    expect(run3.summary.warnings).toBeUndefined();
  });
});
