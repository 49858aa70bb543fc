import type { Ci, ImportRun } from '@estate/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../../test/harness';
import { JobWorker } from '../../../platform/jobs';
import { createInventoryDeps } from '../inventory-deps';
import { ImportService } from './import.service';

for (const engine of testEngines()) {
  describe(`CMDB import on ${engine.dialect}`, () => {
    let t: TestEstate;
    let admin: Agent;
    let imports: ImportService;

    beforeAll(async () => {
      t = await createTestEstate(engine);
      admin = await t.setupAdmin();
      imports = new ImportService(createInventoryDeps({ db: t.database.db, dialect: engine.dialect, audit: t.estate.audit }));
      for (const [type, name] of [
        ['site', 'Zürich'],
        ['team', 'Platform'],
      ]) {
        const res = await admin.request('POST', '/api/v1/cis', { type, name });
        expect(res.statusCode, res.body).toBe(201);
      }
    }, 60_000);
    afterAll(() => t?.close());

    /** Starts an import, runs it (as the worker would) and returns its report. */
    const runImport = async (body: Record<string, unknown>): Promise<ImportRun> => {
      const res = await admin.request('POST', '/api/v1/imports', { format: 'csv', ciType: 'physical_server', dryRun: false, ...body });
      expect(res.statusCode, res.body).toBe(202);
      const { id } = res.json();
      await imports.run(id);
      const read = await admin.request('GET', `/api/v1/imports/${id}`);
      expect(read.statusCode, read.body).toBe(200);
      return read.json();
    };
    const ciNamed = async (name: string): Promise<Ci | undefined> => {
      const res = await admin.request('GET', `/api/v1/cis?type=physical_server&limit=500&q=${encodeURIComponent(name)}`);
      return (res.json().items as Ci[]).find((c) => c.name === name);
    };
    const countOf = async (table: 'cis' | 'ci_history') =>
      Number(
        (
          await t.database.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const b64 = (bytes: Uint8Array | string) => Buffer.from(bytes).toString('base64');

    it('dry run: reports every row (types, references, duplicates, BOM, quoting) and writes nothing', async () => {
      const before = await countOf('cis');
      const csv =
        '\uFEFFName,Serial,locationId,ownerTeamId,attr.memoryGb,Model,tags\r\n' +
        'dr-1,S1,Zürich,Platform,64,"R740, rev ""B""",a\r\n' +
        'dr-2,S2,Nowhere,,lots,"two\nlines",\r\n' +
        'dr-1,S3,,,,,\r\n' +
        'dr-4,S4,,,,,"x,y"\r\n';
      const run = await runImport({ content: b64(csv), contentEncoding: 'base64', dryRun: true });
      expect(run.status).toBe('succeeded');
      expect(run.progress).toEqual({ processed: 4, total: 4 });
      expect(run.counts).toEqual({ created: 2, updated: 0, unchanged: 0, errors: 2 });
      const [r1, r2, r3, r4] = run.rows;
      expect(r1).toEqual({ row: 1, naturalKey: 'dr-1', action: 'create', errors: [] });
      expect(r2?.action).toBe('error');
      expect(r2?.errors.map((e) => e.field).sort()).toEqual(['attributes.memoryGb', 'locationId']);
      expect(r2?.errors.find((e) => e.field === 'locationId')?.message).toContain('Nowhere');
      expect(r3?.errors).toEqual([{ field: 'name', message: 'duplicates row 1 (the same natural key "dr-1")' }]);
      expect(r4?.action).toBe('create');
      expect(await countOf('cis')).toBe(before);
    });

    it('refuses invalid UTF-8, unknown columns and unclosed quotes as file errors', async () => {
      const bad = await runImport({ content: b64(new Uint8Array([...Buffer.from('name\nok\n'), 0xff, 0x0a])), contentEncoding: 'base64' });
      expect(bad.status).toBe('failed');
      expect(bad.fileErrors[0]?.message).toContain('byte 8 (line 3)');
      const unknown = await runImport({ content: 'name,colour\nx,red\n' });
      expect(unknown.fileErrors).toEqual([{ field: 'colour', message: expect.stringContaining('unknown field "colour"') }]);
      const quote = await runImport({ content: 'name\n"open\n' });
      expect(quote.fileErrors[0]?.message).toContain('never closed');
      const mapped = await runImport({ content: 'name,colour\n', mapping: { name: 'name', colour: '' }, dryRun: true });
      expect(mapped.status).toBe('succeeded');
    });

    it('creates, re-imports idempotently, updates import-set fields and records manual conflicts', async () => {
      const csv = 'name,serial,model,manufacturer,location,attr.cpuCores\nim-1,SN1,R740,Dell,Zürich,16\nim-2,SN2,R640,Dell,,8\n';
      const first = await runImport({
        content: csv,
        mapping: {
          name: 'name',
          serial: 'serial',
          model: 'model',
          manufacturer: 'manufacturer',
          location: 'locationId',
          'attr.cpuCores': 'attributes.cpuCores',
        },
      });
      expect(first.status, JSON.stringify(first)).toBe('succeeded');
      expect(first.counts).toEqual({ created: 2, updated: 0, unchanged: 0, errors: 0 });
      const ci = (await ciNamed('im-1')) as Ci;
      expect(ci.attributes).toEqual({ cpuCores: 16 });
      expect(ci.locationId).not.toBeNull();
      expect(ci.provenance.model?.source).toBe('import');

      const history = await countOf('ci_history');
      const again = await runImport({ content: csv.replace('location,', 'locationId,') });
      expect(again.counts).toEqual({ created: 0, updated: 0, unchanged: 2, errors: 0 });
      expect(await countOf('ci_history')).toBe(history);

      // A person fixes the manufacturer by hand; the next import changes the model and disagrees on the manufacturer.
      const etag = (await admin.request('GET', `/api/v1/cis/${ci.id}`)).headers.etag as string;
      const patch = await admin.request('PATCH', `/api/v1/cis/${ci.id}`, { manufacturer: 'Dell EMC' }, { 'if-match': etag });
      expect(patch.statusCode, patch.body).toBe(200);
      const third = await runImport({ content: 'name,model,manufacturer\nim-1,R750,Dell\n' });
      expect(third.status).toBe('succeeded');
      expect(third.rows[0]).toMatchObject({ action: 'update', conflicts: ['manufacturer'] });
      const after = (await ciNamed('im-1')) as Ci;
      expect(after.model).toBe('R750');
      expect(after.manufacturer).toBe('Dell EMC');
      const entries = (await admin.request('GET', `/api/v1/cis/${ci.id}/history`)).json().items as Array<{ kind: string; source: string }>;
      expect(
        entries
          .slice(0, 2)
          .map((e) => `${e.kind}:${e.source}`)
          .sort(),
      ).toEqual(['conflict:import', 'updated:import']);
      const audit = await t.database.db.selectFrom('audit_events').select('action').where('action', '=', 'import.run').execute();
      expect(audit.length).toBeGreaterThanOrEqual(3);
    });

    it('is all-or-nothing: one bad row and nothing is written', async () => {
      const before = await countOf('cis');
      const run = await runImport({ content: 'name,status\naon-1,deployed\naon-2,sideways\naon-3,retired\n' });
      expect(run.status).toBe('failed');
      expect(run.failure).toContain('1 of 3 rows has errors; nothing was written');
      expect(run.rows[1]?.errors[0]?.field).toBe('status');
      expect(await countOf('cis')).toBe(before);
    });

    it('imports JSON with the same field names, matching by serial', async () => {
      const content = JSON.stringify([{ name: 'js-1', serial: 'JS1', tags: ['rack-a'], attributes: undefined, 'attr.powerSupplies': 2 }]);
      const run = await runImport({ format: 'json', naturalKey: 'serial', content });
      expect(run.status, JSON.stringify(run)).toBe('succeeded');
      const renamed = await runImport({
        format: 'json',
        naturalKey: 'serial',
        content: JSON.stringify([{ name: 'js-1b', serial: 'JS1' }]),
      });
      expect(renamed.counts.updated).toBe(1);
      expect((await ciNamed('js-1b'))?.attributes).toEqual({ powerSupplies: 2 });
    });

    it('needs inventory:write: viewers get 403, anonymous 401; others cannot read my imports', async () => {
      const viewer = await t.userWithRole('viewer', `viewer-${engine.dialect}@example.com`);
      const body = { format: 'csv', ciType: 'physical_server', dryRun: true, content: 'name\nx\n' };
      expect((await viewer.request('POST', '/api/v1/imports', body)).statusCode).toBe(403);
      expect((await t.anonymous().request('POST', '/api/v1/imports', body)).statusCode).toBe(401);
      const mine = await admin.request('POST', '/api/v1/imports', body);
      const operator = await t.userWithRole('operator', `op-${engine.dialect}@example.com`);
      expect((await operator.request('GET', `/api/v1/imports/${mine.json().id}`)).statusCode).toBe(404);
      const list = await admin.request('GET', '/api/v1/imports?limit=2');
      expect(list.statusCode).toBe(200);
      expect(list.json().items).toHaveLength(2);
      expect(list.json().nextCursor).not.toBeNull();
      const unknownType = await admin.request('POST', '/api/v1/imports', { ...body, ciType: 'spaceship' });
      expect(unknownType.statusCode).toBe(400);
      expect(unknownType.headers['content-type']).toContain('application/problem+json');
    });

    it('accepts files larger than the global body limit', async () => {
      const content = `name,model\n${'x,'.padEnd(2_000_000, 'y')}\n`;
      expect(t.config.bodyLimit).toBeLessThan(content.length);
      const res = await admin.request('POST', '/api/v1/imports', { format: 'csv', ciType: 'physical_server', dryRun: true, content });
      expect(res.statusCode, res.body.slice(0, 300)).toBe(202);
    });

    it('runs as a durable job on a worker, with progress readable while it goes', async () => {
      const worker = new JobWorker(t.database, { pollIntervalMs: 10, logger: { warn: () => {}, error: () => {} } });
      t.estate.inventory.jobs?.(worker);
      worker.start();
      try {
        const res = await admin.request('POST', '/api/v1/imports', {
          format: 'csv',
          ciType: 'physical_server',
          dryRun: false,
          content: 'name,serial\njob-1,J1\njob-2,J2\n',
        });
        expect(res.statusCode, res.body).toBe(202);
        let run: ImportRun | undefined;
        for (let i = 0; i < 500 && run?.status !== 'succeeded' && run?.status !== 'failed'; i++) {
          await new Promise((r) => setTimeout(r, 20));
          run = (await admin.request('GET', `/api/v1/imports/${res.json().id}`)).json();
        }
        expect(run?.status).toBe('succeeded');
        expect(run?.counts.created).toBe(2);
        const stored = await t.database.db.selectFrom('imports').select('content').where('id', '=', res.json().id).executeTakeFirst();
        expect(stored?.content).toBeNull();
      } finally {
        await worker.stop();
      }
    });

    it('imports 10,000 rows in batches, then re-imports them unchanged', async () => {
      const lines = Array.from({ length: 10_000 }, (_, i) => `bulk-${i},B${i},"Model ${i % 7}, rev 2"`);
      const content = `name,serial,model\n${lines.join('\n')}\n`;
      const run = await runImport({ content });
      expect(run.status, run.failure ?? '').toBe('succeeded');
      expect(run.counts.created).toBe(10_000);
      expect(run.progress).toEqual({ processed: 10_000, total: 10_000 });
      expect(run.rows).toHaveLength(1000);
      expect(run.rowsTruncated).toBe(true);
      const again = await runImport({ content });
      expect(again.counts.unchanged).toBe(10_000);
    }, 120_000);
  });
}
