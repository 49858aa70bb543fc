import { readFileSync } from 'node:fs';
import type { Ci, ImportPreset, ImportRun, Relationship } from '@estate/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../../test/harness';
import { eventually } from '../../../platform/db/test-databases';
import { JobWorker } from '../../../platform/jobs';
import { parseCsv } from './csv';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

/** A fixture's rows as objects by header. */
function rowsOf(name: string): Array<Record<string, string>> {
  const [header, ...records] = parseCsv(fixture(name));
  return records.map((r) => Object.fromEntries((header?.cells ?? []).map((h, i) => [h, r.cells[i] ?? ''])));
}

/** What NetBox's roles and statuses are in Estate, written out here rather than read from the preset. */
const ROLE_TYPE: Record<string, string> = {
  'Core Switch': 'switch',
  'Access Switch': 'switch',
  Server: 'physical_server',
  Hypervisor: 'physical_server',
  Router: 'router',
  Firewall: 'firewall',
  PDU: 'pdu',
  Storage: 'storage_array',
  'Load Balancer': 'load_balancer',
  'Wireless Access Point': 'access_point',
};
const STATUS: Record<string, string> = {
  Active: 'deployed',
  Offline: 'in_maintenance',
  Planned: 'planned',
  Staged: 'in_stock',
  Failed: 'in_maintenance',
  Inventory: 'in_stock',
  Decommissioning: 'retired',
};
/** Types that keep one management address instead of a list of addresses. */
const MANAGED = new Set(['switch', 'router', 'firewall', 'load_balancer', 'access_point', 'pdu', 'storage_array']);

for (const engine of testEngines()) {
  describe(`import presets through the import job on ${engine.dialect}`, () => {
    let t: TestEstate;
    let admin: Agent;
    let worker: JobWorker;

    beforeAll(async () => {
      t = await createTestEstate(engine);
      admin = await t.setupAdmin();
      worker = new JobWorker(t.database, { pollIntervalMs: 10, logger: { warn: () => {}, error: () => {} } });
      t.estate.inventory.jobs?.(worker);
      worker.start();
    }, 60_000);
    afterAll(async () => {
      await worker?.stop();
      await t?.close();
    });

    /** Starts an import and waits for the worker to finish it. */
    const runImport = async (body: Record<string, unknown>): Promise<ImportRun> => {
      const res = await admin.request('POST', '/api/v1/imports', { format: 'csv', dryRun: false, ...body });
      expect(res.statusCode, res.body).toBe(202);
      let run: ImportRun | undefined;
      await eventually(async () => {
        run = (await admin.request('GET', `/api/v1/imports/${res.json().id}`)).json();
        return run?.status === 'succeeded' || run?.status === 'failed';
      }, 30_000);
      return run as ImportRun;
    };
    const allCis = async (): Promise<Map<string, Ci>> => {
      const items: Ci[] = [];
      let cursor: string | null = null;
      do {
        const page: { items: Ci[]; nextCursor: string | null } = (
          await admin.request('GET', `/api/v1/cis?limit=500${cursor ? `&cursor=${cursor}` : ''}`)
        ).json();
        items.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      return new Map(items.map((c) => [c.id, c]));
    };
    const named = (cis: Map<string, Ci>, name: string, type?: string) =>
      [...cis.values()].find((c) => c.name === name && (type === undefined || c.type === type));
    /** The names of a CI's location chain, innermost first, with their types. */
    const chainOf = (cis: Map<string, Ci>, ci: Ci) => {
      const out: string[] = [];
      for (let at = ci.locationId ? cis.get(ci.locationId) : undefined; at; at = at.locationId ? cis.get(at.locationId) : undefined) {
        out.push(`${at.type}:${at.name}`);
      }
      return out;
    };
    /** What a device row's chain must read: rack (maybe qualified by its room), room, site, as far as the row names them. */
    const expectChain = (chain: string[], row: Record<string, string>, rack: string, room: string, site: string) => {
      const want = [
        ...(row[rack] ? [[`rack:${row[rack]}`, `rack:${row[rack]} (${row[room]})`]] : []),
        ...(row[room] ? [[`room:${row[room]}`]] : []),
        [`site:${row[site]}`],
      ];
      expect(chain).toHaveLength(want.length);
      for (const [i, options] of want.entries()) expect(options, `${row.Name ?? row.name}: ${chain.join(' < ')}`).toContain(chain[i]);
    };

    it('lists the presets with their columns, value maps and steps', async () => {
      const res = await admin.request('GET', '/api/v1/import-presets');
      expect(res.statusCode, res.body).toBe(200);
      const presets: ImportPreset[] = res.json();
      expect(presets.map((p) => p.id)).toEqual([
        'netbox-sites',
        'netbox-racks',
        'netbox-devices',
        'netbox-ip-addresses',
        'netbox-cables',
        'snipeit-hardware',
        'glpi-computers',
        'glpi-network-equipment',
      ]);
      const devices = presets.find((p) => p.id === 'netbox-devices');
      expect(devices?.columns.find((c) => c.field === 'type')?.headers).toEqual(['Role', 'Device Role', 'device_role', 'role']);
      expect(devices?.valueMaps.status?.values.decommissioning).toBe('retired');
    });

    it('brings a NetBox 4.x estate in: sites, racks, then 50 devices of every role with status, location chain and IP', async () => {
      const sites = await runImport({
        preset: 'netbox-sites',
        content:
          'Name,Status,Facility,Region,Group,Tenant,Time zone,Physical address\nZRH1,Active,Equinix ZH4,Switzerland,,,Europe/Zurich,"Josefstrasse 225, Zürich"\nGVA1,Staging,,Switzerland,,,Europe/Zurich,\n',
      });
      expect(sites.status, JSON.stringify(sites)).toBe('succeeded');
      expect(sites.counts).toEqual({ created: 2, updated: 0, unchanged: 0, errors: 0 });

      const racks = await runImport({ preset: 'netbox-racks', content: fixture('netbox-4.x-racks.csv') });
      expect(racks.status, JSON.stringify(racks.rows)).toBe('succeeded');
      expect(racks.counts.created).toBe(6);
      expect(racks.locationsCreated).toEqual([
        { type: 'room', name: 'Hall A', parent: 'ZRH1' },
        { type: 'room', name: 'Hall B', parent: 'ZRH1' },
        { type: 'room', name: 'Cage 3', parent: 'GVA1' },
      ]);

      const dryRun = await runImport({ preset: 'netbox-devices', content: fixture('netbox-4.x-devices.csv'), dryRun: true });
      expect(dryRun.status).toBe('succeeded');
      expect(dryRun.counts, JSON.stringify(dryRun.rows.filter((r) => r.action === 'error'))).toEqual({
        created: 50,
        updated: 0,
        unchanged: 0,
        errors: 0,
      });
      // Every site, room and rack the devices name exists now, the rack A01 of both sites included.
      expect(dryRun.locationsCreated).toEqual([]);

      const run = await runImport({ preset: 'netbox-devices', content: fixture('netbox-4.x-devices.csv') });
      expect(run.status, run.failure ?? '').toBe('succeeded');
      expect(run.counts.created).toBe(50);
      expect(run.rows.find((r) => r.row === 1)).toMatchObject({ ciType: 'switch', action: 'create' });

      const cis = await allCis();
      const rows = rowsOf('netbox-4.x-devices.csv');
      expect(rows).toHaveLength(50);
      for (const row of rows) {
        const type = ROLE_TYPE[row.Role as string] as string;
        const ci = named(cis, row.Name as string, type);
        expect(ci, `${row.Name} as ${type}`).toBeDefined();
        if (!ci) continue;
        expect(ci).toMatchObject({
          status: STATUS[row.Status as string],
          manufacturer: row.Manufacturer,
          model: row.Type,
          serial: row['Serial number'],
          assetTag: row['Asset tag'] || null,
        });
        expectChain(chainOf(cis, ci), row, 'Rack', 'Location', 'Site');
        if (row.Position) expect(ci.attributes.rackPosition, row.Name).toBe(Number(row.Position));
        if (row['Rack face']) expect(ci.attributes.rackFace).toBe(row['Rack face'].toLowerCase());
        const ip = (row['IPv4 Address'] as string).replace(/\/\d+$/, '');
        if (!ip) expect(ci.attributes.managementIp ?? ci.attributes.ipAddresses).toBeUndefined();
        else if (MANAGED.has(type)) expect(ci.attributes.managementIp, row.Name).toBe(ip);
        else expect(ci.attributes.ipAddresses, row.Name).toEqual([ip]);
        if (row.Tenant) expect(ci.tags).toContain(`tenant:${row.Tenant}`);
      }
      const a01s = [...cis.values()].filter((c) => c.type === 'rack' && c.name.startsWith('A01'));
      expect(a01s.map((r) => `${r.name} in ${cis.get(r.locationId ?? '')?.name}`).sort()).toEqual([
        'A01 (Cage 3) in Cage 3',
        'A01 in Hall A',
      ]);
      const rackA03 = named(cis, 'A03', 'rack');
      expect(rackA03).toMatchObject({ status: 'planned', attributes: { heightU: 48 } });

      const again = await runImport({ preset: 'netbox-devices', content: fixture('netbox-4.x-devices.csv') });
      expect(again.counts).toEqual({ created: 0, updated: 0, unchanged: 50, errors: 0 });
    }, 120_000);

    it('adds NetBox IP addresses to their devices and relates NetBox cables', async () => {
      const addresses = await runImport({ preset: 'netbox-ip-addresses', content: fixture('netbox-4.x-ip-addresses.csv') });
      expect(addresses.status, JSON.stringify(addresses.rows)).toBe('succeeded');
      expect(addresses.counts).toEqual({ created: 0, updated: 4, unchanged: 3, errors: 0 });
      const notes = addresses.rows.map((r) => r.notes ?? []);
      expect(notes[4]).toEqual(['10.20.0.11 is already the management address of zrh-core-switch-01']);
      expect(notes[5]).toEqual(['10.99.0.1 left out: a switch keeps one management address (10.20.0.11)']);
      expect(notes[6]).toEqual(['skipped: the address is assigned to no device']);
      const cis = await allCis();
      expect(named(cis, 'zrh-server-04')?.attributes.ipAddresses).toEqual(['10.20.3.14', '192.168.100.10']);

      const cables = await runImport({ preset: 'netbox-cables', content: fixture('netbox-4.x-cables.csv') });
      expect(cables.status, JSON.stringify(cables.rows)).toBe('succeeded');
      expect(cables.counts).toEqual({ created: 5, updated: 0, unchanged: 2, errors: 0 });
      expect(cables.rows[5]?.notes).toEqual(['the same relationship as row 1']);
      expect(cables.rows[6]?.notes).toEqual(['skipped: the target end is empty']);
      const server = named(cis, 'zrh-server-04') as Ci;
      const links: Relationship[] = (await admin.request('GET', `/api/v1/relationships?ciId=${server.id}`)).json().items;
      expect(links.map((l) => [l.type, cis.get(l.sourceId === server.id ? l.targetId : l.sourceId)?.name])).toEqual([
        ['connected_to', 'zrh-access-switch-02'],
      ]);
    }, 60_000);

    it('brings 50 devices of a NetBox 2.11 CSV export in, creating their sites, locations and racks', async () => {
      const run = await runImport({ preset: 'netbox-devices', content: fixture('netbox-2.11-devices.csv') });
      expect(run.status, JSON.stringify(run.rows.filter((r) => r.action === 'error'))).toBe('succeeded');
      expect(run.counts.created).toBe(50);
      expect(run.locationsCreated).toEqual([
        { type: 'site', name: 'FRA1', parent: null },
        { type: 'room', name: 'Floor 2', parent: 'FRA1' },
        { type: 'rack', name: 'R01', parent: 'Floor 2' },
        { type: 'rack', name: 'R02', parent: 'Floor 2' },
        { type: 'site', name: 'AMS1', parent: null },
        { type: 'room', name: 'Suite 100', parent: 'AMS1' },
        { type: 'rack', name: 'R01 (Suite 100)', parent: 'Suite 100' },
        { type: 'rack', name: 'R02 (Suite 100)', parent: 'Suite 100' },
      ]);
      const cis = await allCis();
      for (const row of rowsOf('netbox-2.11-devices.csv')) {
        const type = ROLE_TYPE[row.device_role as string] as string;
        const ci = named(cis, row.name as string, type);
        expect(ci, `${row.name} as ${type}`).toBeDefined();
        if (!ci) continue;
        expect(ci).toMatchObject({ status: STATUS[row.status as string], serial: row.serial, model: row.device_type });
        expectChain(chainOf(cis, ci), row, 'rack_name', 'location', 'site');
        if (row.position) expect(ci.attributes.rackPosition).toBe(Number(row.position));
      }
    }, 120_000);

    it('imports Snipe-IT assets by asset tag, skipping peripherals', async () => {
      const run = await runImport({ preset: 'snipeit-hardware', content: fixture('snipeit-hardware.csv') });
      expect(run.status, JSON.stringify(run.rows)).toBe('succeeded');
      expect(run.counts).toEqual({ created: 7, updated: 0, unchanged: 1, errors: 0 });
      expect(run.rows[5]?.notes).toEqual(['skipped: Category "Monitors" is mapped to no CI type']);
      const cis = await allCis();
      expect(named(cis, 'lt-anna')).toMatchObject({
        type: 'end_user_device',
        status: 'deployed',
        assetTag: 'IT-00101',
        purchaseDate: '2023-02-14',
        warrantyEnd: '2026-02-14',
        attributes: { assignedTo: 'Anna Keller' },
        tags: ['company:Acme AG'],
      });
      expect(named(cis, 'ws-cad-01')).toMatchObject({ status: 'in_maintenance', purchaseDate: '2021-11-02' });
      expect(named(cis, 'srv-files-01')).toMatchObject({ type: 'physical_server', status: 'deployed' });
      expect(named(cis, 'sw-office-2f')).toMatchObject({ type: 'switch', status: 'ordered' });
      expect(named(cis, 'ph-anna')).toMatchObject({ type: 'end_user_device', status: 'disposed' });
      expect(named(cis, 'lt-old-07')).toMatchObject({ status: 'retired' });
      const site = named(cis, 'Basel Office', 'site');
      expect(named(cis, 'ws-cad-01')?.locationId).toBe(site?.id);
    }, 60_000);

    it('imports GLPI computers and network devices from semicolon-separated exports', async () => {
      const computers = await runImport({ preset: 'glpi-computers', content: fixture('glpi-computers.csv') });
      expect(computers.status, JSON.stringify(computers.rows)).toBe('succeeded');
      expect(computers.counts.created).toBe(5);
      const network = await runImport({ preset: 'glpi-network-equipment', content: fixture('glpi-network-equipment.csv') });
      expect(network.status, JSON.stringify(network.rows)).toBe('succeeded');
      expect(network.counts.created).toBe(3);
      const cis = await allCis();
      expect(named(cis, 'PC-ACC-001')).toMatchObject({
        type: 'end_user_device',
        status: 'deployed',
        assetTag: 'INV-2001',
        attributes: { os: 'Windows 11 Pro', ipAddresses: ['10.40.3.21'] },
      });
      expect(named(cis, 'SRV-APP-01')).toMatchObject({
        type: 'physical_server',
        manufacturer: 'Dell Inc.',
        attributes: { ipAddresses: ['10.40.10.11', '10.40.11.11'] },
      });
      expect(named(cis, 'VM-DB-02')).toMatchObject({ type: 'virtual_machine' });
      expect(named(cis, 'PC-OLD-099')).toMatchObject({ type: 'end_user_device', status: 'retired' });
      expect(named(cis, 'LT-HR-014')).toMatchObject({ status: 'in_stock' });
      expect(chainOf(cis, named(cis, 'PC-ACC-001') as Ci)).toEqual(['room:Building A > Floor 3', 'site:Paris']);
      expect(chainOf(cis, named(cis, 'sw-par-a3-01') as Ci)).toEqual(['room:Building A > Floor 3', 'site:Paris']);
      expect(named(cis, 'fw-par-dc-01')).toMatchObject({ type: 'firewall', attributes: { firmware: '7.2.8', managementIp: '10.40.0.1' } });
      expect(named(cis, 'ap-par-a3-02')).toMatchObject({ type: 'access_point', status: 'in_stock' });
    }, 60_000);

    it('names the value given and the values allowed in row errors, and takes value-map entries from the request', async () => {
      const content =
        'Name,Status,Site,Role,IPv4 Address,Position\n' +
        'leaf-01,Active,ZRH1,Leaf,10.0.0.1/24,\n' +
        'spine-01,Broken,ZRH1,Core Switch,10.0.0.300/24,\n' +
        'pos-01,Active,ZRH1,Server,,101\n';
      const dry = await runImport({ preset: 'netbox-devices', content, dryRun: true });
      expect(dry.counts.errors).toBe(3);
      const messages = dry.rows.map((r) => r.errors.map((e) => `${e.field}: ${e.message}`));
      expect(messages[0]?.[0]).toMatch(
        /^type: Role "Leaf" is not a known CI type value; .*a name holding one of: patch panel, .*switch.*Map it in valueMaps\.type to one of: physical_server, .*switch/,
      );
      expect(messages[1]).toEqual([
        expect.stringMatching(
          /^status: Status "Broken" is not a known status value; this preset knows one of: active, offline, .*Map it in valueMaps\.status to one of: planned, ordered/,
        ),
        'ip: IPv4 Address "10.0.0.300/24" is not an IP address',
      ]);
      expect(messages[2]).toEqual(['attributes.rackPosition: 101: must be <= 100']);

      const fixed = await runImport({
        preset: 'netbox-devices',
        content: 'Name,Status,Site,Role\nleaf-01,Active,ZRH1,Leaf\n',
        valueMaps: { type: { leaf: 'switch' } },
      });
      expect(fixed.status, JSON.stringify(fixed.rows)).toBe('succeeded');
      expect(named(await allCis(), 'leaf-01')?.type).toBe('switch');
    }, 60_000);

    it('refuses preset requests that contradict the preset, unknown presets and value maps to values not allowed', async () => {
      const post = (body: Record<string, unknown>) =>
        admin.request('POST', '/api/v1/imports', { format: 'csv', dryRun: true, content: 'Name\nx\n', ...body });
      const unknown = await post({ preset: 'itop-servers' });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().errors).toEqual([{ path: 'body/preset', message: 'is not an import preset (itop-servers)' }]);
      const mapped = await post({ preset: 'netbox-devices', mapping: { Name: 'name' }, ciType: 'switch' });
      expect(mapped.statusCode).toBe(400);
      expect(mapped.json().detail).toBe('The NetBox devices preset decides mapping, ciType; leave them out.');
      const badValue = await post({ preset: 'netbox-devices', valueMaps: { type: { Leaf: 'spine' } } });
      expect(badValue.statusCode).toBe(400);
      expect(badValue.json().errors[0]).toEqual({
        path: 'body/valueMaps/type/Leaf',
        message: expect.stringMatching(
          /^"spine" is not a CI type; use one of: physical_server, virtual_machine, container, router, switch/,
        ),
      });
      const noPreset = await post({ ciType: 'switch', valueMaps: { type: { Leaf: 'switch' } } });
      expect(noPreset.statusCode).toBe(400);
    });
  });
}
