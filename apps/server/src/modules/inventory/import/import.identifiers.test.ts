import type { ImportRun } from '@estate/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../../test/harness';
import { createInventoryDeps } from '../inventory-deps';
import { ImportService } from './import.service';

/* Serial numbers and asset tags in imports: unique per CI type family, against the store and within the file. */
for (const engine of testEngines()) {
  describe(`serial numbers and asset tags in an import on ${engine.dialect}`, () => {
    let t: TestEstate;
    let admin: Agent;
    let imports: ImportService;
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      t = await createTestEstate(engine);
      admin = await t.setupAdmin();
      imports = new ImportService(createInventoryDeps({ db: t.database.db, dialect: engine.dialect, audit: t.estate.audit }));
      for (const body of [
        { type: 'physical_server', name: 'db-01', serial: 'abc123', manufacturer: 'Dell' },
        { type: 'virtual_machine', name: 'vm-01', serial: 'VMW-77', assetTag: 'IT-7' },
      ]) {
        const res = await admin.request('POST', '/api/v1/cis', body);
        expect(res.statusCode, res.body).toBe(201);
        ids[body.name] = res.json().id;
      }
    }, 60_000);
    afterAll(() => t?.close());

    const runImport = async (body: Record<string, unknown>): Promise<ImportRun> => {
      const res = await admin.request('POST', '/api/v1/imports', { format: 'csv', ciType: 'physical_server', dryRun: true, ...body });
      expect(res.statusCode, res.body).toBe(202);
      await imports.run(res.json().id);
      return (await admin.request('GET', `/api/v1/imports/${res.json().id}`)).json();
    };
    const errorsOf = (run: ImportRun, row: number) => run.rows.find((r) => r.row === row)?.errors ?? [];

    it('refuses two rows of one file with the same serial or asset tag, naming the earlier row', async () => {
      const run = await runImport({
        content: 'name,serial,manufacturer,assetTag\nnew-1,SN-9,HPE,T-1\nnew-2, sn-9 ,HPE,t-1 \nnew-3,SN-9,Lenovo,T-3\n',
      });
      expect(run.counts).toEqual({ created: 2, updated: 0, unchanged: 0, errors: 1 });
      expect(errorsOf(run, 2)).toEqual([
        { field: 'serial', message: 'serial number "sn-9" is also in row 1; serial numbers are unique among compute CIs' },
        { field: 'assetTag', message: 'asset tag "t-1" is also in row 1; asset tags are unique among compute CIs' },
      ]);
      // Another known manufacturer may use the same serial.
      expect(errorsOf(run, 3)).toEqual([]);
    });

    it('refuses a serial or asset tag another CI of the family holds, naming it, whatever its type', async () => {
      const run = await runImport({ content: 'name,serial,assetTag\nnew-4,ABC123,\nnew-5,,it-7\n' });
      expect(errorsOf(run, 1)).toEqual([
        {
          field: 'serial',
          message: `serial number "ABC123" is already the serial number from Dell of physical_server "db-01" (${ids['db-01']}); serial numbers are unique among compute CIs`,
        },
      ]);
      expect(errorsOf(run, 2)).toEqual([
        {
          field: 'assetTag',
          message: `asset tag "it-7" is already the asset tag of virtual_machine "vm-01" (${ids['vm-01']}); asset tags are unique among compute CIs`,
        },
      ]);
      // A switch is another family.
      const other = await runImport({ ciType: 'switch', content: 'name,serial\nsw-1,ABC123\n' });
      expect(other.counts).toMatchObject({ created: 1, errors: 0 });
    });

    it('matches the serial natural key trimmed and upper-cased, and names the serial a taken name has', async () => {
      const same = await runImport({ naturalKey: 'serial', content: 'name,serial,model\ndb-01, ABC123 ,R650\n' });
      expect(same.rows[0]).toMatchObject({ action: 'update', errors: [] });
      const other = await runImport({ naturalKey: 'serial', content: 'name,serial\ndb-01,XYZ999\n' });
      expect(errorsOf(other, 1)).toEqual([
        {
          field: 'name',
          message: `a physical_server CI named "db-01" already exists (${ids['db-01']}) with serial number "abc123", not "XYZ999"; CI names are unique per type`,
        },
      ]);
      const placeholder = await runImport({ naturalKey: 'serial', content: 'name,serial\nx-1,N/A\n' });
      expect(errorsOf(placeholder, 1)[0]).toEqual({ field: 'serial', message: '"N/A" is a placeholder, not a value that identifies a CI' });
    });

    it('writes nothing when one row collides, and the rows write once the file is fixed', async () => {
      const bad = await runImport({ dryRun: false, content: 'name,serial\nok-1,Q-1\nok-2,q-1\n' });
      expect(bad.status).toBe('failed');
      const fixed = await runImport({ dryRun: false, content: 'name,serial\nok-1,Q-1\nok-2,Q-2\n' });
      expect(fixed.status).toBe('succeeded');
      expect(fixed.counts.created).toBe(2);
    });
  });
}
