import type { CiHistoryEntry } from '@estate/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../test/harness';
import { CiService } from './ci.service';
import { normaliseIdentifier, normaliseManufacturer } from './ci-identifiers';
import { CustomFieldService } from './custom-field.service';
import { createInventoryDeps } from './inventory-deps';

describe('identifier normalisation', () => {
  it('compares serials trimmed and upper-cased, and ignores placeholders', () => {
    expect(normaliseIdentifier('  abc-123 ')).toBe('ABC-123');
    for (const placeholder of ['To Be Filled By O.E.M.', 'N/A', ' none ', '0000000', 'FFFFFFFF', '', 'Default string']) {
      expect(normaliseIdentifier(placeholder), placeholder).toBeNull();
    }
  });

  it('compares manufacturers without case, spacing and legal suffixes', () => {
    expect(normaliseManufacturer('Dell Inc.')).toBe('DELL');
    expect(normaliseManufacturer('  cisco  systems, inc ')).toBe('CISCO SYSTEMS');
    expect(normaliseManufacturer('Hewlett Packard Enterprise')).toBe('HEWLETT PACKARD ENTERPRISE');
    expect(normaliseManufacturer(null)).toBe('');
  });
});

for (const engine of testEngines()) {
  describe(`unique serial numbers and asset tags per CI type family on ${engine.dialect}`, () => {
    let t: TestEstate;
    let admin: Agent;
    let service: CiService;
    const ctx = { actor: { type: 'agent' as const, id: null, label: 'agent db-2' }, requestId: null, sourceIp: null };

    beforeAll(async () => {
      t = await createTestEstate(engine);
      admin = await t.setupAdmin();
      const deps = createInventoryDeps({ db: t.database.db, dialect: engine.dialect, audit: t.estate.audit });
      service = new CiService(deps.db, deps.dialect, deps.audit, deps.history, new CustomFieldService(deps.db, deps.dialect, deps.audit));
    }, 60_000);
    afterAll(() => t?.close());

    const create = (body: Record<string, unknown>) => admin.request('POST', '/api/v1/cis', body);

    it('refuses a second CI of the family with the same serial (any case, any spacing) with a 409 naming the first', async () => {
      const first = await create({ type: 'physical_server', name: 'db-01', serial: 'CZ1234ABC', manufacturer: 'Dell Inc.' });
      expect(first.statusCode, first.body).toBe(201);
      const id = first.json().id;
      for (const [type, serial, manufacturer] of [
        ['physical_server', 'CZ1234ABC', 'Dell Inc.'],
        ['virtual_machine', ' cz1234abc ', 'DELL'],
        ['physical_server', 'CZ1234ABC', undefined],
      ] as const) {
        const res = await create({
          type,
          name: `dup-${type}-${manufacturer ?? 'none'}`,
          serial,
          ...(manufacturer ? { manufacturer } : {}),
        });
        expect(res.statusCode, res.body).toBe(409);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        const problem = res.json();
        expect(problem.detail).toContain(`physical_server "db-01" (${id})`);
        expect(problem.detail).toContain('unique among compute CIs');
        expect(problem.errors).toEqual([{ path: 'body/serial', message: expect.stringContaining('db-01') }]);
      }
    });

    it('allows the same serial in another family, from another known manufacturer, and placeholders on many CIs', async () => {
      for (const body of [
        { type: 'switch', name: 'sw-dup-serial', serial: 'CZ1234ABC' },
        { type: 'physical_server', name: 'hp-01', serial: 'CZ1234ABC', manufacturer: 'HPE' },
        { type: 'physical_server', name: 'oem-1', serial: 'To Be Filled By O.E.M.' },
        { type: 'physical_server', name: 'oem-2', serial: 'To Be Filled By O.E.M.' },
      ]) {
        const res = await create(body);
        expect(res.statusCode, `${body.name}: ${res.body}`).toBe(201);
      }
    });

    it('refuses a duplicate asset tag in the family, and a PATCH to a held serial or manufacturer', async () => {
      const a = await create({ type: 'end_user_device', name: 'lt-001', assetTag: 'IT-0042' });
      expect(a.statusCode, a.body).toBe(201);
      const dup = await create({ type: 'end_user_device', name: 'lt-002', assetTag: 'it-0042 ' });
      expect(dup.statusCode, dup.body).toBe(409);
      expect(dup.json().detail).toContain('Asset tag "it-0042" is already the asset tag of end_user_device "lt-001"');

      const other = await create({ type: 'physical_server', name: 'db-02', serial: 'SN-OTHER', manufacturer: 'HPE' });
      const patched = await admin.request(
        'PATCH',
        `/api/v1/cis/${other.json().id}`,
        { serial: 'cz1234abc' },
        { 'if-match': other.headers.etag as string },
      );
      // HPE already holds CZ1234ABC through hp-01.
      expect(patched.statusCode, patched.body).toBe(409);
      expect(patched.json().detail).toContain('"hp-01"');
      // hp-01 turning into a Dell would clash with db-01.
      const hpId = (await admin.request('GET', '/api/v1/cis?q=hp-01')).json().items[0].id;
      const hp = await admin.request('GET', `/api/v1/cis/${hpId}`);
      const toDell = await admin.request(
        'PATCH',
        `/api/v1/cis/${hpId}`,
        { manufacturer: 'Dell' },
        { 'if-match': hp.headers.etag as string },
      );
      expect(toDell.statusCode, toDell.body).toBe(409);
      expect(toDell.json().detail).toContain('"db-01"');
      const renamed = await admin.request('PATCH', `/api/v1/cis/${hpId}`, { name: 'hp-01a' }, { 'if-match': hp.headers.etag as string });
      expect(renamed.statusCode, renamed.body).toBe(200);
    });

    it('keeps an observed duplicate serial on the CI without holding it, recording a conflict that names the holder', async () => {
      const vm = await create({ type: 'physical_server', name: 'db-02-agent' });
      const holder = (await admin.request('GET', '/api/v1/cis?q=db-01')).json().items[0];
      const { ci } = await service.applyObserved(vm.json().id, 'agent', { serial: 'CZ1234ABC', manufacturer: 'Dell Inc.' }, ctx);
      expect(ci.serial).toBe('CZ1234ABC');
      const row = await t.database.db.selectFrom('cis').select(['serial_key']).where('id', '=', ci.id).executeTakeFirstOrThrow();
      expect(row.serial_key).toBeNull();
      const history: CiHistoryEntry[] = (await admin.request('GET', `/api/v1/cis/${ci.id}/history`)).json().items;
      expect(history.find((h) => h.kind === 'conflict')?.changes).toEqual([
        { field: 'serial', from: { heldBy: { id: holder.id, type: 'physical_server', name: 'db-01' } }, to: 'CZ1234ABC' },
      ]);
      // Later observations of other fields leave it so, and do not fail on the index.
      const again = await service.applyObserved(ci.id, 'agent', { model: 'R650' }, ctx);
      expect(again.ci.model).toBe('R650');
    });

    it('refuses, through the database, a second holder written past the service', async () => {
      const insert = (id: string) =>
        t.database.db
          .insertInto('cis')
          .values({
            id,
            type: 'storage_array',
            name: `arr-${id.slice(-4)}`,
            status: 'deployed',
            environment: null,
            criticality: null,
            owner_team_id: null,
            location_id: null,
            serial: 'X',
            asset_tag: null,
            manufacturer: null,
            model: null,
            purchase_date: null,
            warranty_end: null,
            end_of_life: null,
            monthly_cost: null,
            attributes: '{}',
            custom_fields: '{}',
            provenance: '{}',
            search_text: '',
            first_seen: null,
            last_seen: null,
            created_at: 1,
            updated_at: 1,
            version: 1,
            serial_key: 'storage:X',
            serial_maker: '',
          })
          .execute();
      await insert('0190a000-0000-7000-8000-00000000aa01');
      await expect(insert('0190a000-0000-7000-8000-00000000aa02')).rejects.toThrow();
    });
  });
}
