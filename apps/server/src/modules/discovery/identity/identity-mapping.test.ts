import type { Ci, CiHistoryEntry, CiInterface, ObservedFact } from '@estate/contract';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../../test/harness';
import { createIdentityService, type IdentityService, type Observation } from '../index';

/* How an observation meets the CI it matched: mapped onto its type, facts kept, types corrected or contradicted. */

const ctx = { actor: { type: 'system' as const, id: null, label: 'discovery' }, requestId: null, sourceIp: null };

/** An agent on a Linux server. */
function agentSaw(n: number, overrides: Partial<Observation> = {}): Observation {
  return {
    source: 'agent',
    observer: `agent srv-${n}`,
    type: 'physical_server',
    name: `srv-${n}`,
    identity: { machineId: `feed${n}`, macs: [`52:54:00:00:0${n}:01`], hostname: `srv-${n}`, ips: [`10.9.${n}.10`] },
    fields: { attributes: { hostname: `srv-${n}`, ipAddresses: [`10.9.${n}.10`], cpuCores: 4 } },
    interfaces: [{ name: 'eno1', kind: 'physical', mac: `52:54:00:00:0${n}:01`, addresses: [`10.9.${n}.10/24`], speedMbps: 1000 }],
    ...overrides,
  };
}

/** What an SNMP scan of the same address reports: net-snmp on the server, so only a guess at a type. */
function snmpSaw(n: number, overrides: Partial<Observation> = {}): Observation {
  return {
    source: 'scan',
    observer: 'scan LAN',
    type: 'switch',
    typeCertain: false,
    name: `srv-${n}.example.org`,
    identity: {
      macs: [`52:54:00:00:0${n}:01`],
      hostname: `srv-${n}.example.org`,
      ips: [`10.9.${n}.10`],
      scanTarget: `scan-1 10.9.${n}.10`,
    },
    fields: {
      attributes: {
        hostname: `srv-${n}.example.org`,
        managementIp: `10.9.${n}.10`,
        ports: 2,
        firmware: 'Linux srv 6.1.0-13-amd64 #1 SMP x86_64',
        sysLocation: 'Rack 4',
        sysContact: 'ops@example.org',
        ipAddresses: [`10.9.${n}.10`, '172.17.0.1'],
        macAddresses: [`52:54:00:00:0${n}:01`],
      },
    },
    interfaces: [
      { name: 'eno1', mac: `52:54:00:00:0${n}:01`, speedMbps: 1000, adminUp: true, operUp: true, addresses: [`10.9.${n}.10`] },
      { name: 'docker0', kind: 'other', adminUp: true, operUp: false },
    ],
    ...overrides,
  };
}

describe.each(testEngines())('observations mapped onto the matched CI on $dialect', (engine) => {
  let t: TestEstate;
  let admin: Agent;
  let identity: IdentityService;
  const get = async <T>(path: string): Promise<T> => {
    const res = await admin.request('GET', `/api/v1${path}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const getCi = (id: string) => get<Ci>(`/cis/${id}`);
  const facts = async (id: string) => (await get<{ items: ObservedFact[] }>(`/cis/${id}/observed-facts`)).items;
  const interfaces = async (id: string) => (await get<{ items: CiInterface[] }>(`/cis/${id}/interfaces`)).items;
  const ciCount = async () =>
    Number(
      (
        await t.database.db
          .selectFrom('cis')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const suggestions = async (ciId: string) =>
    t.database.db
      .selectFrom('merge_suggestions')
      .selectAll()
      .where((eb) => eb.or([eb('ci_id', '=', ciId), eb('other_ci_id', '=', ciId)]))
      .execute();

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
  afterAll(() => t?.close());
  afterEach(() => vi.restoreAllMocks());

  it('records what SNMP sees of an agent’s server: fitting fields applied, the rest kept as facts, interfaces from both', async () => {
    const server = await identity.reconcile(agentSaw(1), ctx);
    const before = await ciCount();
    const snmp = await identity.reconcile(snmpSaw(1), ctx);
    expect(snmp).toMatchObject({ ciId: server.ciId, created: false, suggestionIds: [] });
    expect(await ciCount()).toBe(before);

    const ci = await getCi(server.ciId);
    expect(ci.type).toBe('physical_server');
    // The agent's own values stay; the scan's differing ones are facts beside them.
    expect(ci.attributes).toMatchObject({ hostname: 'srv-1', ipAddresses: ['10.9.1.10'], macAddresses: ['52:54:00:00:01:01'] });
    expect(ci.provenance['attributes.macAddresses']?.source).toBe('scan');
    const byKey = Object.fromEntries((await facts(server.ciId)).map((f) => [f.key, f]));
    expect(Object.keys(byKey).sort()).toEqual([
      'firmware',
      'hostname',
      'ipAddresses',
      'managementIp',
      'ports',
      'sysContact',
      'sysLocation',
    ]);
    expect(byKey.managementIp).toMatchObject({ value: '10.9.1.10', source: 'scan', observer: 'scan LAN' });
    expect(byKey.managementIp?.reason).toContain('physical_server has no attribute managementIp');
    expect(byKey.sysLocation?.value).toBe('Rack 4');
    expect(byKey.ipAddresses).toMatchObject({ value: ['10.9.1.10', '172.17.0.1'], reason: expect.stringContaining('the agent reports') });

    const nics = await interfaces(server.ciId);
    expect(nics.map((i) => `${i.source}:${i.name}`)).toEqual(['agent:eno1', 'scan:docker0', 'scan:eno1']);
    expect(nics[2]).toMatchObject({ mac: '52:54:00:00:01:01', speedMbps: 1000, adminUp: true, operUp: true, addresses: ['10.9.1.10'] });
    expect(nics[1]).toMatchObject({ kind: 'other', operUp: false, mac: null, speedMbps: null });

    // The same again changes nothing; a new value replaces the fact, and the audit trail says so.
    const version = ci.version;
    expect((await identity.reconcile(snmpSaw(1), ctx)).changed).toBe(false);
    const moved = snmpSaw(1);
    (moved.fields.attributes as Record<string, unknown>).sysLocation = 'Rack 5';
    await identity.reconcile(moved, ctx);
    expect((await facts(server.ciId)).find((f) => f.key === 'sysLocation')?.value).toBe('Rack 5');
    expect((await getCi(server.ciId)).version).toBe(version);
    const audit = await t.database.db
      .selectFrom('audit_events')
      .select('after')
      .where('action', '=', 'ci.observed-facts')
      .where('target_id', '=', server.ciId)
      .execute();
    expect(audit.map((a) => JSON.stringify(a.after))).toEqual([expect.stringContaining('Rack 4'), expect.stringContaining('Rack 5')]);
  });

  it('finds a switch again when SNMP does not answer and its reverse DNS name differs, by the scan target', async () => {
    const sw = await identity.reconcile(
      snmpSaw(2, {
        typeCertain: true,
        name: 'core-sw',
        identity: { macs: ['00:1a:2b:00:02:01'], hostname: 'core-sw', ips: ['10.9.2.1'], scanTarget: 'scan-1 10.9.2.1' },
      }),
      ctx,
    );
    expect((await getCi(sw.ciId)).type).toBe('switch');
    // The PTR record of the switch's address names the gateway, which is another CI.
    const gateway = await identity.reconcile(
      agentSaw(7, { name: 'gw-vlan2', identity: { machineId: 'gw7', hostname: 'gw-vlan2', ips: ['10.9.7.1'] } }),
      ctx,
    );
    const outage: Observation = {
      source: 'scan',
      observer: 'scan LAN',
      type: 'physical_server',
      typeCertain: false,
      name: 'gw-vlan2.example.org',
      identity: { hostname: 'gw-vlan2.example.org', ips: ['10.9.2.1'], scanTarget: 'scan-1 10.9.2.1' },
      fields: { attributes: { hostname: 'gw-vlan2', ipAddresses: ['10.9.2.1'], listeningPorts: ['tcp/22', 'tcp/443'] } },
    };
    // Another scan has no binding: a name another CI has and an address make nothing sure, so it makes its own CI.
    const elsewhere = await identity.reconcile({ ...outage, identity: { ...outage.identity, scanTarget: 'scan-2 10.9.2.1' } }, ctx);
    expect(elsewhere.created).toBe(true);
    expect([sw.ciId, gateway.ciId]).not.toContain(elsewhere.ciId);

    // The scan that found the switch there finds it again, though now another CI even has the name and the address.
    const before = await ciCount();
    const seen = await identity.reconcile(outage, ctx);
    expect(seen).toMatchObject({ ciId: sw.ciId, created: false });
    expect(await ciCount()).toBe(before);
    expect((await getCi(sw.ciId)).type).toBe('switch');
    const kept = Object.fromEntries((await facts(sw.ciId)).map((f) => [f.key, f.value]));
    expect(kept).toMatchObject({ listeningPorts: ['tcp/22', 'tcp/443'] });
  });

  it('corrects the type a scan guessed when the agent reports the host, keeping what the new type cannot hold', async () => {
    const guessed = await identity.reconcile(snmpSaw(3, { identity: { macs: ['52:54:00:00:03:01'], hostname: 'srv-3' } }), ctx);
    expect((await getCi(guessed.ciId)).type).toBe('switch');
    const agent = await identity.reconcile(agentSaw(3), ctx);
    expect(agent).toMatchObject({ ciId: guessed.ciId, created: false, retypedFrom: 'switch', suggestionIds: [] });
    const ci = await getCi(guessed.ciId);
    expect(ci.type).toBe('physical_server');
    expect(ci.attributes).toMatchObject({ cpuCores: 4, hostname: 'srv-3' });
    expect(ci.attributes).not.toHaveProperty('managementIp');
    expect((await facts(guessed.ciId)).map((f) => f.key)).toEqual(expect.arrayContaining(['firmware', 'managementIp', 'ports']));
    const changes = (await get<{ items: CiHistoryEntry[] }>(`/cis/${guessed.ciId}/history`)).items.flatMap((h) => h.changes);
    expect(changes).toContainEqual({ field: 'type', from: 'switch', to: 'physical_server' });
    // An SNMP guess afterwards no longer moves it.
    await identity.reconcile(snmpSaw(3), ctx);
    expect((await getCi(guessed.ciId)).type).toBe('physical_server');
  });

  it('never folds a thing a sure observer calls a router into an agent’s server: a new CI and a suggestion', async () => {
    const server = await identity.reconcile(agentSaw(4), ctx);
    const router = snmpSaw(4, { type: 'router', typeCertain: true, name: 'edge-4' });
    const seen = await identity.reconcile(router, ctx);
    expect(seen).toMatchObject({ created: true });
    expect(seen.ciId).not.toBe(server.ciId);
    expect((await getCi(seen.ciId)).type).toBe('router');
    const [suggestion] = await suggestions(server.ciId);
    expect(suggestion).toMatchObject({ ci_id: seen.ciId, other_ci_id: server.ciId, status: 'open' });
    expect(suggestion?.reason).toBe('same MAC address but seen as a router (recorded as a physical_server)');

    // Both observers keep finding their own CI, and the pair is suggested once.
    expect((await identity.reconcile(router, ctx)).ciId).toBe(seen.ciId);
    expect((await identity.reconcile(agentSaw(4, { ciId: server.ciId }), ctx)).ciId).toBe(server.ciId);
    expect((await identity.reconcile(agentSaw(4), ctx)).ciId).toBe(server.ciId);
    expect(await suggestions(server.ciId)).toHaveLength(1);

    // A person decides they are one: the router's interfaces and facts move to the kept server.
    const merged = await admin.request('POST', `/api/v1/discovery/merge-suggestions/${suggestion?.id}/merge`, { keepCiId: server.ciId });
    expect(merged.statusCode, merged.body).toBe(200);
    expect((await interfaces(server.ciId)).map((i) => `${i.source}:${i.name}`)).toEqual(['agent:eno1', 'scan:docker0', 'scan:eno1']);
    expect((await facts(server.ciId)).map((f) => f.key)).toContain('sysLocation');
  });

  it('keeps a hand-entered type and notes the type a sure observer of the same kind of thing reports', async () => {
    const manual = (await admin.request('POST', '/api/v1/cis', { type: 'physical_server', name: 'srv-5' })).json() as Ci;
    const vm = await identity.reconcile(agentSaw(5, { type: 'virtual_machine' }), ctx);
    expect(vm).toMatchObject({ ciId: manual.id, created: false });
    expect((await getCi(manual.id)).type).toBe('physical_server');
    expect(await facts(manual.id)).toContainEqual(
      expect.objectContaining({ key: 'type', value: 'virtual_machine', reason: 'recorded as a physical_server' }),
    );
  });

  it('stamps the first software entry after the CI was created, however the clock moves between them', async () => {
    let clock = Date.now() + 60_000;
    vi.spyOn(Date, 'now').mockImplementation(() => clock++);
    const { ciId } = await identity.reconcile(agentSaw(6, { software: [{ name: 'bash', version: '5.2' }] }), ctx);
    vi.restoreAllMocks();
    const entries = (await get<{ items: CiHistoryEntry[] }>(`/cis/${ciId}/history`)).items.reverse();
    expect(entries[0]?.kind).toBe('created');
    const created = entries[0]?.at ?? 0;
    const software = entries.find((e) => e.kind === 'software');
    expect(software?.at).toBeGreaterThanOrEqual(created);
  });
});
