import type { Ci, CiHistoryEntry, ObservedFact } from '@estate/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../../test/harness';
import { createIdentityService, type IdentityService, type Observation } from '../index';

const agentCtx = { actor: { type: 'agent' as const, id: null, label: 'agent db-01' }, requestId: null, sourceIp: null };
const scanCtx = { actor: { type: 'system' as const, id: null, label: 'scan LAN' }, requestId: null, sourceIp: null };

/** What an agent on db-01 would report. */
function agentSaw(overrides: Partial<Observation> = {}): Observation {
  return {
    source: 'agent',
    observer: 'agent db-01',
    type: 'physical_server',
    name: 'db-01',
    identity: { serial: 'SN-100', machineId: 'aa11', macs: ['52:54:00:00:00:01'], hostname: 'db-01.example.org', ips: ['10.0.0.10'] },
    fields: { serial: 'SN-100', manufacturer: 'Dell Inc.', attributes: { hostname: 'db-01', cpuCores: 8, ipAddresses: ['10.0.0.10'] } },
    software: [
      { name: 'openssl', version: '3.0.11', arch: 'amd64' },
      { name: 'bash', version: '5.2.15', arch: 'amd64' },
    ],
    ...overrides,
  };
}

describe.each(testEngines())('identity reconciliation on $dialect', (engine) => {
  let t: TestEstate;
  let admin: Agent;
  let identity: IdentityService;
  const ciCount = async () =>
    (
      await t.database.db
        .selectFrom('cis')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n;
  const getCi = async (id: string): Promise<Ci> => (await admin.request('GET', `/api/v1/cis/${id}`)).json();
  const history = async (id: string): Promise<CiHistoryEntry[]> => (await admin.request('GET', `/api/v1/cis/${id}/history`)).json().items;
  const facts = async (id: string): Promise<ObservedFact[]> =>
    (await admin.request('GET', `/api/v1/cis/${id}/observed-facts`)).json().items;

  beforeAll(async () => {
    t = await createTestEstate(engine);
    admin = await t.setupAdmin();
    identity = createIdentityService({
      db: t.database.db,
      dialect: t.database.dialect,
      audit: t.estate.audit,
      inventory: t.estate.inventory.service,
    });
  });
  afterAll(() => t.close());

  it('creates one CI for a new machine, with provenance, identifiers and software, and nothing new when seen again', async () => {
    const first = await identity.reconcile(agentSaw(), agentCtx);
    expect(first).toMatchObject({ created: true, changed: true, conflicts: [], suggestionIds: [] });
    const ci = await getCi(first.ciId);
    expect(ci).toMatchObject({ type: 'physical_server', name: 'db-01', serial: 'SN-100', manufacturer: 'Dell Inc.' });
    expect(ci.provenance.serial?.source).toBe('agent');
    expect(ci.firstSeen).toBeGreaterThan(0);
    const software = await t.database.db.selectFrom('ci_software').selectAll().where('ci_id', '=', ci.id).orderBy('name').execute();
    expect(software.map((s) => `${s.name}=${s.version}`)).toEqual(['bash=5.2.15', 'openssl=3.0.11']);

    const again = await identity.reconcile(agentSaw(), agentCtx);
    expect(again).toMatchObject({ ciId: first.ciId, created: false, changed: false });
    expect((await getCi(first.ciId)).version).toBe(ci.version);
  });

  it('records a package upgrade in the CI history as the agent saw it', async () => {
    const { ciId } = await identity.reconcile(agentSaw(), agentCtx);
    const upgraded = agentSaw({
      software: [
        { name: 'openssl', version: '3.0.13', arch: 'amd64' },
        { name: 'curl', version: '7.88.1' },
      ],
    });
    expect((await identity.reconcile(upgraded, agentCtx)).changed).toBe(true);
    const entry = (await history(ciId)).find((h) => h.kind === 'software');
    expect(entry).toMatchObject({
      source: 'agent',
      actorLabel: 'agent db-01',
      changes: [
        { field: 'software:bash:amd64', from: '5.2.15', to: null },
        { field: 'software:curl', from: null, to: '7.88.1' },
        { field: 'software:openssl:amd64', from: '3.0.11', to: '3.0.13' },
      ],
    });
  });

  it('finds the same machine from a scan by host name and IP, and from SNMP by MAC, without duplicates', async () => {
    const { ciId } = await identity.reconcile(agentSaw(), agentCtx);
    const before = await ciCount();
    const scan = await identity.reconcile(
      {
        source: 'scan',
        observer: 'scan LAN',
        type: 'physical_server',
        name: '10.0.0.10',
        identity: { hostname: 'DB-01', ips: ['10.0.0.10'] },
        fields: { attributes: { listeningPorts: ['tcp/22', 'tcp/5432'] } },
      },
      scanCtx,
    );
    expect(scan).toMatchObject({ ciId, created: false, changed: true });
    const snmp = await identity.reconcile(
      {
        source: 'scan',
        observer: 'scan LAN',
        type: 'switch',
        typeCertain: false,
        name: 'x',
        identity: { macs: ['52-54-00-00-00-01'] },
        fields: {},
      },
      scanCtx,
    );
    expect(snmp.ciId).toBe(ciId);
    expect(await ciCount()).toBe(before);
    expect((await getCi(ciId)).attributes.listeningPorts).toEqual(['tcp/22', 'tcp/5432']);
  });

  it('joins a CI entered by hand (matched by its serial) and keeps the hand-entered values, recording conflicts', async () => {
    const manual = (
      await admin.request('POST', '/api/v1/cis', { type: 'physical_server', name: 'app-07', serial: 'sn-700', manufacturer: 'HPE' })
    ).json();
    const result = await identity.reconcile(
      agentSaw({
        name: 'app07-renamed',
        identity: { serial: 'SN-700', machineId: 'bb77', hostname: 'app07' },
        fields: { manufacturer: 'Hewlett Packard Enterprise', attributes: { cpuCores: 32 } },
        software: undefined,
      }),
      agentCtx,
    );
    expect(result).toMatchObject({ ciId: manual.id, created: false });
    expect(result.conflicts).toEqual([{ field: 'manufacturer', manual: 'HPE', observed: 'Hewlett Packard Enterprise' }]);
    const ci = await getCi(manual.id);
    expect(ci).toMatchObject({ name: 'app-07', manufacturer: 'HPE', attributes: { cpuCores: 32 } });
    expect((await history(manual.id)).some((h) => h.kind === 'conflict')).toBe(true);
  });

  it('never merges a machine whose serial contradicts the match: a new CI and a merge suggestion instead', async () => {
    const { ciId: original } = await identity.reconcile(
      agentSaw({ name: 'web-01', identity: { serial: 'SN-W1', macs: ['52:54:00:00:00:51'] }, software: undefined, fields: {} }),
      agentCtx,
    );
    const clash = await identity.reconcile(
      agentSaw({ name: 'web-01', identity: { serial: 'SN-W2', macs: ['52:54:00:00:00:51'] }, software: undefined, fields: {} }),
      agentCtx,
    );
    expect(clash.created).toBe(true);
    expect(clash.ciId).not.toBe(original);
    expect((await getCi(clash.ciId)).name).toBe('web-01 (2)');
    expect(clash.suggestionIds).toHaveLength(1);
    const suggestion = await t.database.db
      .selectFrom('merge_suggestions')
      .selectAll()
      .where('id', '=', clash.suggestionIds[0] as string)
      .executeTakeFirstOrThrow();
    expect(suggestion).toMatchObject({ ci_id: clash.ciId, other_ci_id: original, status: 'open' });
    expect(suggestion.reason).toContain('different serial number');

    // Seen again: the same CI, and the suggestion is not made twice.
    const again = await identity.reconcile(
      agentSaw({ name: 'web-01', identity: { serial: 'SN-W2', macs: ['52:54:00:00:00:51'] }, software: undefined, fields: {} }),
      agentCtx,
    );
    expect(again).toMatchObject({ ciId: clash.ciId, created: false, suggestionIds: [] });
    const audit = await admin.request('GET', '/api/v1/audit-events?action=discovery.merge-suggested');
    expect(audit.json().items.length).toBeGreaterThanOrEqual(1);
  });

  it('suggests a merge when strong identifiers point at two different CIs', async () => {
    const a = await identity.reconcile(
      agentSaw({ name: 'twin-a', identity: { serial: 'SN-T1' }, software: undefined, fields: {} }),
      agentCtx,
    );
    const b = await identity.reconcile(
      agentSaw({ name: 'twin-b', identity: { machineId: 'cc99' }, software: undefined, fields: {} }),
      agentCtx,
    );
    const both = await identity.reconcile(
      agentSaw({ name: 'twin', identity: { serial: 'SN-T1', machineId: 'cc99' }, software: undefined, fields: {} }),
      agentCtx,
    );
    expect(both.ciId).toBe(a.ciId);
    expect(both.suggestionIds).toHaveLength(1);
    const suggestion = await t.database.db
      .selectFrom('merge_suggestions')
      .selectAll()
      .where('id', '=', both.suggestionIds[0] as string)
      .executeTakeFirstOrThrow();
    expect(suggestion).toMatchObject({ ci_id: a.ciId, other_ci_id: b.ciId });
  });

  it('keeps a value the type refuses as an observed fact, and writes nothing when a reference is invalid', async () => {
    const kept = await identity.reconcile(
      agentSaw({ name: 'odd-01', identity: { serial: 'SN-ODD' }, fields: { attributes: { cpuCores: 'many', memoryGb: 4 } } }),
      agentCtx,
    );
    expect(kept.facts).toEqual([{ key: 'cpuCores', reason: expect.stringContaining('cpuCores must be integer') }]);
    expect((await getCi(kept.ciId)).attributes).toEqual({ memoryGb: 4 });
    expect(await facts(kept.ciId)).toEqual([expect.objectContaining({ key: 'cpuCores', value: 'many', source: 'agent' })]);

    const before = await ciCount();
    await expect(
      identity.reconcile(agentSaw({ name: 'bad-01', identity: { serial: 'SN-BAD' }, fields: { locationId: kept.ciId } }), agentCtx),
    ).rejects.toMatchObject({ status: 400 });
    expect(await ciCount()).toBe(before);
    const ids = await t.database.db.selectFrom('ci_identifiers').select('ci_id').where('value', '=', 'SN-BAD').execute();
    expect(ids).toEqual([]);
  });

  it('keeps one CI when two observers report a new machine at the same moment', async () => {
    const obs = agentSaw({ name: 'race-01', identity: { serial: 'SN-RACE', hostname: 'race-01' }, software: undefined, fields: {} });
    const results = await Promise.all([identity.reconcile(obs, agentCtx), identity.reconcile({ ...obs, source: 'scan' }, scanCtx)]);
    expect(results[0].ciId).toBe(results[1].ciId);
    expect(results.filter((r) => r.created)).toHaveLength(1);
  });
});
