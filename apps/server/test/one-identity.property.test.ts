import type { HostSnapshot } from '@estate/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { observeHost } from '../src/modules/agents/host-observation';
import { createIdentityService, type IdentityService, type Observation } from '../src/modules/discovery';
import { host } from '../src/modules/discovery/scan/scan.fixtures';
import { observationOf } from '../src/modules/discovery/scan/scan-results';
import { sampleSnapshot } from './agent-client';
import { createTestEstate, type TestEstate, testEngines } from './harness';
import { seededRandom as random } from './seeded-random';

/*
 * Across modules (an agent's snapshot observed as the agents module does, scans as discovery does), so it lives
 * beside the other whole-server tests. The property of issue 11: whatever order and mix of observers see one machine (its agent, network scans with and
 * without SNMP answers, reverse DNS that names it one way or another, an imported CMDB row), the inventory holds
 * exactly one CI for it, of the type the observers that know (agent, import) say. Sequences come from a seeded generator, so a failure names the seed that reproduces it.
 */

/** One simulated machine: everything any observer could learn about it. */
interface Machine {
  hostname: string;
  fqdn: string;
  ip: string;
  serial: string;
  machineId: string;
  mac: string;
  bridgeMac: string;
  virtualization?: string;
}

const hex = (n: number) => n.toString(16).padStart(2, '0');

function machine(k: number, rnd: () => number): Machine {
  const a = Math.floor(k / 250);
  const b = (k % 250) + 1;
  return {
    hostname: `node-${k}`,
    fqdn: `node-${k}.example.org`,
    ip: `10.77.${a}.${b}`,
    serial: `SN-PROP-${k}`,
    machineId: `${k.toString(16).padStart(8, '0')}${'ab'.repeat(12)}`,
    mac: `3c:fd:fe:${hex(a)}:${hex(b)}:01`,
    // Docker gives each host's bridge a random MAC; every host's bridge has 172.17.0.1.
    bridgeMac: `02:42:${hex(k % 256)}:${hex(Math.floor(rnd() * 256))}:${hex(a)}:${hex(b)}`,
    ...(rnd() < 0.4 ? { virtualization: 'kvm' } : {}),
  };
}

const pick = <T>(rnd: () => number, items: readonly T[]): T => items[Math.floor(rnd() * items.length)] as T;

/** What reverse DNS may call the machine: its name, a provider's generic name, or nothing. */
function reverseDns(m: Machine, rnd: () => number): string | undefined {
  return pick(rnd, [m.fqdn, `host-${m.ip.replaceAll('.', '-')}.isp.example.net`, undefined]);
}

const SCANS = [
  { id: 'scan-office', name: 'Office' },
  { id: 'scan-nightly', name: 'Nightly' },
];

type Kind = 'agent' | 'scan' | 'snmp' | 'import';

/** The observation one observer makes of the machine, through the same functions production uses. */
function observe(kind: Kind, m: Machine, rnd: () => number, boundCi: string | undefined): Observation {
  if (kind === 'agent') {
    const interfaces: HostSnapshot['interfaces'] = {
      eno1: { mac: m.mac, addresses: [`${m.ip}/24`], kind: 'physical', operUp: true },
      docker0: { mac: m.bridgeMac, addresses: ['172.17.0.1/16'], kind: 'bridge', virtual: true },
    };
    const snapshot = sampleSnapshot({
      hostname: m.hostname,
      machineId: m.machineId,
      system: { manufacturer: 'Dell Inc.', model: 'PowerEdge R650', serial: m.serial, virtualization: m.virtualization },
      interfaces,
    });
    return observeHost(snapshot, { hostname: m.hostname, ciId: boundCi ?? null });
  }
  if (kind === 'import') {
    return {
      source: 'import',
      observer: 'import cmdb.csv',
      type: m.virtualization ? 'virtual_machine' : 'physical_server',
      name: pick(rnd, [m.hostname, m.hostname.toUpperCase()]),
      identity: { serial: m.serial, hostname: m.hostname, ips: [m.ip] },
      fields: { serial: m.serial, manufacturer: 'Dell', attributes: { ipAddresses: [m.ip] } },
    };
  }
  const scan = pick(rnd, SCANS);
  const hostname = reverseDns(m, rnd);
  if (kind === 'scan') return observationOf(host(m.ip, { openPorts: [22, 443], ...(hostname ? { hostname } : {}) }), scan);
  const sysName = pick(rnd, [m.hostname, m.fqdn, undefined]);
  return observationOf(
    host(m.ip, {
      openPorts: [22, 161],
      ...(hostname ? { hostname } : {}),
      snmp: {
        credentialId: 'lab',
        ...(sysName ? { sysName } : {}),
        sysDescr: `Linux ${m.hostname} 6.1.0-13-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.55-1 (2023-09-29) x86_64`,
        sysLocation: 'Server room',
        interfaces: [
          { index: 1, name: 'lo', kind: 'loopback', adminUp: true, operUp: true },
          { index: 2, name: 'eno1', kind: 'physical', mac: m.mac, speedMbps: 1000, adminUp: true, operUp: true, addresses: [`${m.ip}/24`] },
          // net-snmp reports a Linux bridge as ethernetCsmacd, so the scan takes it for hardware.
          { index: 3, name: 'docker0', kind: 'physical', mac: m.bridgeMac, adminUp: true, operUp: false, addresses: ['172.17.0.1/16'] },
        ],
        addresses: [m.ip, '172.17.0.1'],
        neighbours: [],
      },
    }),
    scan,
  );
}

const KINDS: readonly Kind[] = ['agent', 'scan', 'snmp', 'import'];
const RUNS = 40;

describe.each(testEngines().filter((e) => e.dialect === 'sqlite'))('one CI per machine, whoever sees it, on $dialect', (engine) => {
  let t: TestEstate;
  let identity: IdentityService;
  const ctx = { actor: { type: 'system' as const, id: null, label: 'property' }, requestId: null, sourceIp: null };

  beforeAll(async () => {
    t = await createTestEstate(engine);
    identity = createIdentityService({
      db: t.database.db,
      dialect: t.database.dialect,
      audit: t.estate.audit,
      inventory: t.estate.inventory.service,
    });
  });
  afterAll(() => t?.close());

  it('holds exactly one CI of each machine after any sequence of observations of it', async () => {
    for (let seed = 1; seed <= RUNS; seed++) {
      const rnd = random(seed);
      // Earlier machines stay in the store, so every sequence also runs beside other hosts' CIs.
      const m = machine(seed, rnd);
      const length = 2 + Math.floor(rnd() * 7);
      const steps = Array.from({ length }, () => pick(rnd, KINDS));
      const seen = new Set<string>();
      let bound: string | undefined;
      for (const kind of steps) {
        const result = await identity.reconcile(observe(kind, m, rnd, bound), ctx);
        if (kind === 'agent') bound = result.ciId;
        seen.add(result.ciId);
      }
      const ids = await t.database.db
        .selectFrom('ci_identifiers')
        .select('ci_id')
        .distinct()
        .where((eb) =>
          eb.or([
            eb.and([eb('kind', '=', 'ip'), eb('value', '=', m.ip)]),
            eb.and([eb('kind', '=', 'mac'), eb('value', '=', m.mac)]),
            eb.and([eb('kind', '=', 'serial'), eb('value', '=', m.serial)]),
          ]),
        )
        .execute();
      const label = `seed ${seed}: ${steps.join(' → ')}`;
      expect([...seen], label).toHaveLength(1);
      expect(
        ids.map((r) => r.ci_id),
        label,
      ).toEqual([...seen]);
      // And once an observer that knows what the machine is has seen it, the CI is of that type.
      if (steps.includes('agent') || steps.includes('import')) {
        const ci = await t.database.db
          .selectFrom('cis')
          .select('type')
          .where('id', '=', [...seen][0] as string)
          .executeTakeFirstOrThrow();
        expect(ci.type, label).toBe(m.virtualization ? 'virtual_machine' : 'physical_server');
      }
    }
  }, 120_000);
});
