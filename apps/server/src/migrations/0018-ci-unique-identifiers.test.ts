import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuditLog } from '../platform/audit/audit-log';
import { readJson } from '../platform/db/database';
import { migrateToLatest } from '../platform/db/migrate';
import { type TestDatabase, testEngines } from '../platform/db/test-databases';
import { migrationsFor } from './index';

const id = (n: number) => `0190a000-0000-7000-8000-${String(n).padStart(12, '0')}`;

/** CIs as an older Estate could hold them: serials and asset tags repeated within and across families. */
const CIS: Array<{ n: number; type: string; serial?: string; manufacturer?: string; assetTag?: string; at: number }> = [
  { n: 1, type: 'physical_server', serial: 'CZ1234', manufacturer: 'Dell Inc.', at: 100 },
  { n: 2, type: 'virtual_machine', serial: ' cz1234 ', manufacturer: 'DELL', at: 200 }, // same family, same maker: duplicate
  { n: 3, type: 'physical_server', serial: 'CZ1234', manufacturer: 'HPE', at: 300 }, // another maker: held
  { n: 4, type: 'physical_server', serial: 'CZ1234', at: 400 }, // unknown maker clashes with the known ones
  { n: 5, type: 'switch', serial: 'CZ1234', at: 500 }, // another family: held
  { n: 6, type: 'physical_server', serial: 'To Be Filled By O.E.M.', at: 600 },
  { n: 7, type: 'physical_server', serial: 'To Be Filled By O.E.M.', at: 700 }, // a placeholder holds nothing
  { n: 8, type: 'end_user_device', assetTag: 'IT-1', at: 800 },
  { n: 9, type: 'end_user_device', assetTag: 'it-1', at: 50 }, // older: this one keeps the tag
];

for (const engine of testEngines()) {
  describe(`migration 0018-ci-unique-identifiers on ${engine.dialect}`, () => {
    let database: TestDatabase;
    afterEach(() => database.cleanup());

    it('indexes serials and asset tags per family, and reports existing duplicates instead of failing', async () => {
      database = await engine.create({ migrate: false });
      const all = migrationsFor(engine.dialect);
      await migrateToLatest(database, Object.fromEntries(Object.entries(all).filter(([name]) => name < '0018')));
      await database.db
        .insertInto('cis')
        .values(
          CIS.map((c) => ({
            id: id(c.n),
            type: c.type,
            name: `ci-${c.n}`,
            status: 'deployed',
            serial: c.serial ?? null,
            manufacturer: c.manufacturer ?? null,
            asset_tag: c.assetTag ?? null,
            attributes: '{}',
            custom_fields: '{}',
            provenance: '{}',
            search_text: `ci-${c.n}`,
            created_at: c.at,
            updated_at: c.at,
            version: 1,
          })),
        )
        .execute();

      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      expect(await migrateToLatest(database, all)).toContain('0018-ci-unique-identifiers');
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('3 serial numbers or asset tags duplicate'));
      warn.mockRestore();

      const rows = await database.db
        .selectFrom('cis')
        .select(['id', 'serial_key', 'serial_maker', 'asset_tag_key'])
        .orderBy('id')
        .execute();
      const keys = Object.fromEntries(rows.map((r) => [r.id, [r.serial_key, r.serial_maker, r.asset_tag_key]]));
      expect(keys).toEqual({
        [id(1)]: ['compute:CZ1234', 'DELL', null],
        [id(2)]: [null, null, null],
        [id(3)]: ['compute:CZ1234', 'HPE', null],
        [id(4)]: [null, null, null],
        [id(5)]: ['network:CZ1234', '', null],
        [id(6)]: [null, null, null],
        [id(7)]: [null, null, null],
        [id(8)]: [null, null, null],
        [id(9)]: [null, null, 'end_user:IT-1'],
      });

      const history = await database.db.selectFrom('ci_history').selectAll().where('kind', '=', 'conflict').orderBy('ci_id').execute();
      expect(history.map((h) => [h.ci_id, readJson(h.changes, engine.dialect)])).toEqual([
        [id(2), [{ field: 'serial', from: { heldBy: { id: id(1), type: 'physical_server', name: 'ci-1' } }, to: 'cz1234' }]],
        [id(4), [{ field: 'serial', from: { heldBy: { id: id(1), type: 'physical_server', name: 'ci-1' } }, to: 'CZ1234' }]],
        [id(8), [{ field: 'assetTag', from: { heldBy: { id: id(9), type: 'end_user_device', name: 'ci-9' } }, to: 'IT-1' }]],
      ]);
      const audit = await new AuditLog(database).list({ action: 'inventory.duplicate_identifiers' });
      expect(audit.items).toHaveLength(1);
      expect(audit.items[0]?.after).toMatchObject({
        count: 3,
        duplicates: expect.arrayContaining([expect.objectContaining({ ciId: id(8) })]),
      });
      expect((await new AuditLog(database).verify()).ok).toBe(true);
    });
  });
}
