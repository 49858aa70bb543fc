import type { Ci, CiHistoryEntry } from '@estate/contract';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../test/harness';
import { createInventoryDeps } from './index';
import { createCiService } from './inventory.service';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function expectProblem(res: LightMyRequestResponse, status: number, type?: string): void {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  if (type) expect(res.json().type).toBe(`urn:estate:problem:${type}`);
}

/** One resource kind for the generic suite: a valid create body, a valid patch, and attributes of the wrong types. */
interface CiTypeCase {
  type: string;
  create: Record<string, unknown>;
  patch: Record<string, unknown>;
  badAttributes: Record<string, unknown>;
  /** The path the first bad attribute is reported at. */
  badPath: string;
}

const CASES: CiTypeCase[] = [
  {
    type: 'physical_server',
    create: {
      attributes: { hostname: 'db01', ipAddresses: ['10.0.0.5'], cpuCores: 32, memoryGb: 256, os: 'Debian', rackPosition: 12, heightU: 2 },
    },
    patch: { attributes: { memoryGb: 512 }, serial: 'SN-1' },
    badAttributes: { memoryGb: 'lots' },
    badPath: 'body/attributes/memoryGb',
  },
  {
    type: 'virtual_machine',
    create: {
      environment: 'production',
      attributes: { hostname: 'vm1', fqdn: 'vm1.example.org', vcpus: 4, memoryGb: 8, macAddresses: ['00:11:22:33:44:55'] },
    },
    patch: { attributes: { vcpus: 8 } },
    badAttributes: { vcpus: 0 },
    badPath: 'body/attributes/vcpus',
  },
  {
    type: 'switch',
    create: { manufacturer: 'Juniper', attributes: { managementIp: '192.0.2.1', ports: 48, firmware: '21.4R3', vlans: [10, 20] } },
    patch: { attributes: { firmware: '22.2R1' } },
    badAttributes: { managementIp: 'not-an-ip' },
    badPath: 'body/attributes/managementIp',
  },
  {
    type: 'rack',
    create: { attributes: { heightU: 42 } },
    patch: { attributes: { heightU: 48 } },
    badAttributes: { heightU: 420 },
    badPath: 'body/attributes/heightU',
  },
  {
    type: 'application',
    create: { criticality: 'high', attributes: { version: '1.2.3', url: 'https://app.example.org' } },
    patch: { attributes: { version: '1.3.0' }, tags: ['web'] },
    badAttributes: { url: 'ftp://example.org' },
    badPath: 'body/attributes/url',
  },
  {
    type: 'business_service',
    create: { criticality: 'critical', attributes: { slaTarget: 99.9, rtoMinutes: 60 } },
    patch: { attributes: { slaTarget: 99.95 } },
    badAttributes: { slaTarget: 150 },
    badPath: 'body/attributes/slaTarget',
  },
  {
    type: 'licence',
    create: { monthlyCost: 120, attributes: { seats: 50, licenceType: 'subscription', expires: '2027-01-31' } },
    patch: { attributes: { seats: 75 } },
    badAttributes: { seats: '50' },
    badPath: 'body/attributes/seats',
  },
  {
    type: 'contract',
    create: { attributes: { supportLevel: '24x7', startDate: '2026-01-01', endDate: '2028-12-31', annualCost: 12000 } },
    patch: { attributes: { supportLevel: 'next_business_day' }, endOfLife: '2029-01-01' },
    badAttributes: { supportLevel: 'always' },
    badPath: 'body/attributes/supportLevel',
  },
  {
    type: 'cloud_resource',
    create: { attributes: { provider: 'aws', region: 'eu-west-1', resourceId: 'i-0abc', kind: 'ec2' } },
    patch: { attributes: { region: 'eu-central-1' } },
    badAttributes: { provider: 'aws', secretKey: 'x' },
    badPath: 'body/attributes/secretKey',
  },
];

for (const engine of testEngines()) {
  describe(`CIs on ${engine.dialect}`, () => {
    let t: TestEstate;
    let admin: Agent;
    let operator: Agent;
    let viewer: Agent;
    let n = 0;

    beforeAll(async () => {
      t = await createTestEstate(engine);
      admin = await t.setupAdmin();
      operator = await t.userWithRole('operator');
      viewer = await t.userWithRole('viewer');
    });
    afterAll(() => t.close());

    const db = () => t.database.db;
    const countCis = async () => (await db().selectFrom('cis').select('id').execute()).length;
    const auditFor = (id: string) => db().selectFrom('audit_events').select('action').where('target_id', '=', id).orderBy('seq').execute();
    const historyOf = async (id: string): Promise<CiHistoryEntry[]> =>
      (await admin.request('GET', `/api/v1/cis/${id}/history?limit=100`)).json().items;
    const create = async (body: Record<string, unknown>, as: Agent = operator) => {
      const res = await as.request('POST', '/api/v1/cis', { name: `ci-${++n}`, ...body });
      expect(res.statusCode, res.body).toBe(201);
      return { ci: res.json() as Ci, etag: String(res.headers.etag) };
    };
    const patch = (id: string, etag: string, body: unknown, as: Agent = operator) =>
      as.request('PATCH', `/api/v1/cis/${id}`, body, { 'if-match': etag });

    /** The generic suite every CI type runs (NetBox's APIViewTestCases): CRUD, ETags, permissions, audit, history. */
    function ciTypeSuite(c: CiTypeCase): void {
      describe(`type ${c.type}`, () => {
        it('creates, reads, updates and deletes with ETags, audit and history', async () => {
          const { ci, etag } = await create({ type: c.type, ...c.create });
          expect(ci.type).toBe(c.type);
          expect(ci.version).toBe(1);
          expect(etag).toBe(`"${ci.id}.1"`);
          for (const [k, v] of Object.entries((c.create.attributes as object) ?? {})) expect(ci.attributes[k]).toEqual(v);
          expect(ci.provenance.name).toMatchObject({ source: 'manual', actor: operator.me?.user.id });

          const read = await viewer.request('GET', `/api/v1/cis/${ci.id}`);
          expect(read.statusCode).toBe(200);
          expect(read.headers.etag).toBe(etag);
          expect(read.json()).toEqual(ci);

          expectProblem(await operator.request('PATCH', `/api/v1/cis/${ci.id}`, c.patch), 428, 'precondition-required');
          const updated = await patch(ci.id, etag, c.patch);
          expect(updated.statusCode, updated.body).toBe(200);
          const after = updated.json() as Ci;
          expect(after.version).toBe(2);
          expect(updated.headers.etag).toBe(`"${ci.id}.2"`);
          for (const [k, v] of Object.entries((c.patch.attributes as object) ?? {})) expect(after.attributes[k]).toEqual(v);
          // Merge: attributes not in the patch are kept.
          for (const k of Object.keys((c.create.attributes as object) ?? {})) expect(after.attributes).toHaveProperty(k);
          expectProblem(await patch(ci.id, etag, { name: 'stale' }), 412, 'precondition-failed');

          const history = await historyOf(ci.id);
          expect(history.map((h) => h.kind)).toEqual(['updated', 'created']);
          const changed = history[0]!.changes.map((ch) => ch.field).sort();
          const expected = [
            ...Object.keys(c.patch).filter((k) => k !== 'attributes'),
            ...Object.keys((c.patch.attributes as object) ?? {}).map((k) => `attributes.${k}`),
          ].sort();
          expect(changed).toEqual(expected);
          expect(history[1]!.changes.map((ch) => ch.field)).toEqual(expect.arrayContaining(['type', 'name', 'status']));

          expectProblem(await operator.request('DELETE', `/api/v1/cis/${ci.id}`), 428);
          expectProblem(await operator.request('DELETE', `/api/v1/cis/${ci.id}`, undefined, { 'if-match': etag }), 412);
          const del = await operator.request('DELETE', `/api/v1/cis/${ci.id}`, undefined, { 'if-match': String(updated.headers.etag) });
          expect(del.statusCode).toBe(204);
          expectProblem(await viewer.request('GET', `/api/v1/cis/${ci.id}`), 404, 'not-found');
          const final = await historyOf(ci.id);
          expect(final[0]!.kind).toBe('deleted');
          expect(final[0]!.changes.find((ch) => ch.field === 'name')).toEqual({ field: 'name', from: ci.name, to: null });
          expect((await auditFor(ci.id)).map((a) => a.action)).toEqual(['ci.create', 'ci.update', 'ci.delete']);
        });

        it('refuses viewers (403) and anonymous callers (401) on writes, writing nothing', async () => {
          const { ci, etag } = await create({ type: c.type, ...c.create });
          const before = await countCis();
          expectProblem(await viewer.request('POST', '/api/v1/cis', { type: c.type, name: `v-${++n}` }), 403, 'forbidden');
          expectProblem(await patch(ci.id, etag, c.patch, viewer), 403, 'forbidden');
          expectProblem(await viewer.request('DELETE', `/api/v1/cis/${ci.id}`, undefined, { 'if-match': etag }), 403, 'forbidden');
          expectProblem(await t.anonymous().request('GET', `/api/v1/cis/${ci.id}`), 401, 'unauthenticated');
          expectProblem(await t.anonymous().request('POST', '/api/v1/cis', { type: c.type, name: 'x' }), 401, 'unauthenticated');
          expect(await countCis()).toBe(before);
          expect((await viewer.request('GET', `/api/v1/cis/${ci.id}`)).json().version).toBe(1);
        });

        it('refuses attributes of the wrong types with a field path and writes nothing', async () => {
          const before = await countCis();
          const res = await operator.request('POST', '/api/v1/cis', { type: c.type, name: `bad-${++n}`, attributes: c.badAttributes });
          expectProblem(res, 400, 'validation');
          expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(c.badPath);
          expect(await countCis()).toBe(before);

          const { ci, etag } = await create({ type: c.type, ...c.create });
          const bad = await patch(ci.id, etag, { attributes: c.badAttributes });
          expectProblem(bad, 400, 'validation');
          expect((await viewer.request('GET', `/api/v1/cis/${ci.id}`)).json()).toEqual(ci);
          expect(await historyOf(ci.id)).toHaveLength(1);
          expect((await auditFor(ci.id)).map((a) => a.action)).toEqual(['ci.create']);
        });
      });
    }

    for (const c of CASES) ciTypeSuite(c);

    describe('rules', () => {
      it('refuses an unknown type and a duplicate (type, name)', async () => {
        const unknown = await operator.request('POST', '/api/v1/cis', { type: 'toaster', name: 'x' });
        expectProblem(unknown, 400, 'validation');
        expect(unknown.json().errors[0].path).toBe('body/type');
        const { ci } = await create({ type: 'site' });
        expectProblem(await operator.request('POST', '/api/v1/cis', { type: 'site', name: ci.name }), 409, 'conflict');
        // Same name, other type: allowed.
        expect((await operator.request('POST', '/api/v1/cis', { type: 'room', name: ci.name })).statusCode).toBe(201);
        const { ci: other, etag } = await create({ type: 'site' });
        expectProblem(await patch(other.id, etag, { name: ci.name }), 409, 'conflict');
      });

      it('checks owner and location references: dangling or of the wrong type is a 400', async () => {
        const { ci: team } = await create({ type: 'team' });
        const { ci: rack } = await create({ type: 'rack' });
        const { ci: app } = await create({ type: 'application' });
        const dangling = '0190c1a2-7b3d-7e4f-8a9b-0c1d2e3f4a5b';
        const before = await countCis();
        const bad = await operator.request('POST', '/api/v1/cis', {
          type: 'physical_server',
          name: `s-${++n}`,
          ownerTeamId: dangling,
          locationId: app.id,
        });
        expectProblem(bad, 400, 'validation');
        const errors = bad.json().errors as Array<{ path: string; message: string }>;
        expect(errors.find((e) => e.path === 'body/ownerTeamId')?.message).toMatch(/does not exist/);
        expect(errors.find((e) => e.path === 'body/locationId')?.message).toMatch(/site, room or rack/);
        expect(await countCis()).toBe(before);
        const { ci: server, etag } = await create({ type: 'physical_server', ownerTeamId: team.id, locationId: rack.id });
        expect(server.ownerTeamId).toBe(team.id);
        expectProblem(await patch(server.id, etag, { ownerTeamId: rack.id }), 400, 'validation');
        const cleared = await patch(server.id, etag, { locationId: null });
        expect(cleared.statusCode).toBe(200);
        expect(cleared.json().locationId).toBeNull();
        expect(cleared.json().provenance.locationId).toBeUndefined();
        // A team that still owns CIs cannot be deleted; nothing changes.
        const teamEtag = `"${team.id}.1"`;
        expectProblem(await operator.request('DELETE', `/api/v1/cis/${team.id}`, undefined, { 'if-match': teamEtag }), 409, 'conflict');
        expect((await viewer.request('GET', `/api/v1/cis/${server.id}`)).json().ownerTeamId).toBe(team.id);
      });

      it('stores tags and keeps search text current', async () => {
        const { ci, etag } = await create({ type: 'physical_server', tags: ['b', 'a'], attributes: { ipAddresses: ['10.9.8.7'] } });
        expect(ci.tags).toEqual(['a', 'b']);
        const tags = await db().selectFrom('ci_tags').select('tag').where('ci_id', '=', ci.id).orderBy('tag').execute();
        expect(tags.map((r) => r.tag)).toEqual(['a', 'b']);
        await patch(ci.id, etag, { tags: ['c'], attributes: { hostname: 'zebra-host' } });
        const row = await db().selectFrom('cis').select('search_text').where('id', '=', ci.id).executeTakeFirstOrThrow();
        expect(row.search_text).toContain('zebra-host');
        expect(row.search_text).toContain('10.9.8.7');
        const after = await db().selectFrom('ci_tags').select('tag').where('ci_id', '=', ci.id).execute();
        expect(after.map((r) => r.tag)).toEqual(['c']);
      });

      it('answers a change written straight to the store, in a single read and in a page alike', async () => {
        // The documents reads answer are generated columns: an admin's UPDATE (or another release) cannot leave them stale.
        const { ci } = await create({ type: 'switch', tags: ['core'], monthlyCost: 0.1, attributes: { ports: 24 } });
        await db()
          .updateTable('cis')
          .set({ name: 'renamed "by" sql\n', last_seen: 1_700_000_000_123, version: ci.version + 1 })
          .where('id', '=', ci.id)
          .execute();
        const single = await viewer.request('GET', `/api/v1/cis/${ci.id}`);
        expect(single.json()).toEqual({ ...ci, name: 'renamed "by" sql\n', lastSeen: 1_700_000_000_123, version: ci.version + 1 });
        expect(single.headers.etag).toBe(`"${ci.id}.${ci.version + 1}"`);
        const page = (await viewer.request('GET', '/api/v1/cis?type=switch&limit=100')).json() as { items: Ci[] };
        expect(page.items.find((item) => item.id === ci.id)).toEqual(single.json());
      });

      it('lists the types with their schemas', async () => {
        const res = await viewer.request('GET', '/api/v1/ci-types');
        expect(res.statusCode).toBe(200);
        expect(res.json()).toHaveLength(32);
        const one = await viewer.request('GET', '/api/v1/ci-types/physical_server');
        expect(one.json().attributes.properties.memoryGb).toBeDefined();
        expectProblem(await viewer.request('GET', '/api/v1/ci-types/toaster'), 404);
      });
    });

    describe('custom fields', () => {
      it('are defined by admins only and validated by kind, required on create', async () => {
        const def = (body: Record<string, unknown>, as: Agent = admin) => as.request('POST', '/api/v1/custom-fields', body);
        expectProblem(await def({ ciType: 'database', key: 'tier', label: 'Tier', kind: 'select', options: ['gold'] }, operator), 403);
        expectProblem(await def({ ciType: 'toaster', key: 'x', label: 'X', kind: 'text' }), 400, 'validation');
        expectProblem(await def({ ciType: 'database', key: 'tier', label: 'Tier', kind: 'select' }), 400, 'validation');
        const tier = await def({
          ciType: 'database',
          key: 'tier',
          label: 'Tier',
          kind: 'select',
          options: ['gold', 'silver'],
          required: true,
        });
        expect(tier.statusCode, tier.body).toBe(201);
        expectProblem(await def({ ciType: 'database', key: 'tier', label: 'Tier', kind: 'text' }), 409, 'conflict');
        for (const [key, kind] of [
          ['runbook', 'url'],
          ['renewal', 'date'],
          ['cores', 'number'],
          ['notes', 'text'],
        ] as const) {
          expect((await def({ ciType: 'database', key, label: key, kind })).statusCode).toBe(201);
        }
        expect(
          (await def({ ciType: 'database', key: 'dba', label: 'DBA', kind: 'ci_reference', referenceType: 'person' })).statusCode,
        ).toBe(201);
        const { ci: person } = await create({ type: 'person' });
        const { ci: team } = await create({ type: 'team' });

        const before = await countCis();
        const missing = await operator.request('POST', '/api/v1/cis', { type: 'database', name: `db-${++n}` });
        expectProblem(missing, 400, 'validation');
        expect(missing.json().errors).toEqual([{ path: 'body/customFields/tier', message: 'is required for type database' }]);
        const bad = await operator.request('POST', '/api/v1/cis', {
          type: 'database',
          name: `db-${++n}`,
          customFields: {
            tier: 'bronze',
            runbook: 'javascript:alert(1)',
            renewal: '2026-02-30',
            cores: '4',
            dba: team.id,
            unknown: 1,
          },
        });
        expectProblem(bad, 400, 'validation');
        expect(
          bad
            .json()
            .errors.map((e: { path: string }) => e.path)
            .sort(),
        ).toEqual(['cores', 'dba', 'renewal', 'runbook', 'tier', 'unknown'].map((k) => `body/customFields/${k}`));
        expect(await countCis()).toBe(before);

        const { ci, etag } = await create({
          type: 'database',
          customFields: { tier: 'gold', runbook: 'https://wiki.example.org/db', renewal: '2027-03-01', cores: 4, dba: person.id },
        });
        expect(ci.customFields).toMatchObject({ tier: 'gold', cores: 4, dba: person.id });
        expect(ci.provenance['customFields.tier']?.source).toBe('manual');
        expectProblem(await patch(ci.id, etag, { customFields: { tier: null } }), 400, 'validation');
        const ok = await patch(ci.id, etag, { customFields: { tier: 'silver', notes: null } });
        expect(ok.json().customFields.tier).toBe('silver');

        const types = (await viewer.request('GET', '/api/v1/ci-types/database')).json();
        expect(types.customFields.map((f: { key: string }) => f.key)).toEqual(['cores', 'dba', 'notes', 'renewal', 'runbook', 'tier']);
        const listed = (await viewer.request('GET', '/api/v1/custom-fields?ciType=database')).json();
        const notes = listed.find((f: { key: string }) => f.key === 'notes');
        expectProblem(await operator.request('DELETE', `/api/v1/custom-fields/${notes.id}`), 403);
        expect((await admin.request('DELETE', `/api/v1/custom-fields/${notes.id}`)).statusCode).toBe(204);
        expectProblem(await admin.request('DELETE', `/api/v1/custom-fields/${notes.id}`), 404);
        const actions = await db().selectFrom('audit_events').select('action').where('target_id', '=', notes.id).execute();
        expect(actions.map((a) => a.action)).toEqual(['custom_field.create', 'custom_field.delete']);
      });
    });

    describe('history in time', () => {
      it('rebuilds a CI as of a past time and diffs two times', async () => {
        const { ci, etag } = await create({ type: 'virtual_machine', attributes: { memoryGb: 4, os: 'Debian' } });
        await sleep(5);
        const t1 = Date.now();
        await sleep(5);
        const v2 = await patch(ci.id, etag, { attributes: { memoryGb: 8, os: null }, environment: 'staging' });
        await sleep(5);
        const t2 = Date.now();
        await sleep(5);
        await patch(ci.id, String(v2.headers.etag), { name: `${ci.name}-renamed` });

        const at1 = (await viewer.request('GET', `/api/v1/cis/${ci.id}?asOf=${t1}`)).json() as Ci;
        expect(at1).toMatchObject({ id: ci.id, name: ci.name, type: 'virtual_machine', version: 1, environment: null });
        expect(at1.attributes).toEqual({ memoryGb: 4, os: 'Debian' });
        const at2 = (await viewer.request('GET', `/api/v1/cis/${ci.id}?asOf=${t2}`)).json() as Ci;
        expect(at2).toMatchObject({ name: ci.name, version: 2, environment: 'staging' });
        expect(at2.attributes).toEqual({ memoryGb: 8 });
        expectProblem(await viewer.request('GET', `/api/v1/cis/${ci.id}?asOf=${ci.createdAt - 1}`), 404);

        const diff = (await viewer.request('GET', `/api/v1/cis/${ci.id}/diff?from=${t1}&to=${t2}`)).json();
        expect(diff).toMatchObject({ ciId: ci.id, existedAtFrom: true, existedAtTo: true });
        expect(diff.changes).toEqual([
          { field: 'attributes.memoryGb', from: 4, to: 8 },
          { field: 'attributes.os', from: 'Debian', to: null },
          { field: 'environment', from: null, to: 'staging' },
        ]);
        const toNow = (await viewer.request('GET', `/api/v1/cis/${ci.id}/diff?from=${t2}`)).json();
        expect(toNow.changes).toEqual([{ field: 'name', from: ci.name, to: `${ci.name}-renamed` }]);
        const history = (await viewer.request('GET', `/api/v1/cis/${ci.id}/history?asOf=${t2}`)).json();
        expect(history.items.map((h: CiHistoryEntry) => h.kind)).toEqual(['updated', 'created']);
        expectProblem(await viewer.request('GET', `/api/v1/cis/${ci.id}/diff?from=${t2}&to=${t1}`), 400);
      });
    });

    describe('observed values', () => {
      it('applies discovered values but never overwrites a manual one without a recorded conflict', async () => {
        const { ci } = await create({ type: 'physical_server', manufacturer: 'Dell', attributes: { memoryGb: 64 } });
        const deps = createInventoryDeps({ db: t.database.db, dialect: t.database.dialect, audit: t.estate.audit });
        const service = createCiService(deps);
        const ctx = { actor: { type: 'system' as const, id: null, label: 'agent db01' }, requestId: null, sourceIp: null };

        const first = await service.applyObserved(
          ci.id,
          'agent',
          { manufacturer: 'Dell Inc.', serial: 'ABC123', attributes: { memoryGb: 128, cpuCores: 16 } },
          ctx,
        );
        expect(first.conflicts).toEqual([
          { field: 'manufacturer', manual: 'Dell', observed: 'Dell Inc.' },
          { field: 'attributes.memoryGb', manual: 64, observed: 128 },
        ]);
        expect(first.ci).toMatchObject({ manufacturer: 'Dell', serial: 'ABC123', version: 2 });
        expect(first.ci.attributes).toEqual({ memoryGb: 64, cpuCores: 16 });
        expect(first.ci.provenance.serial).toMatchObject({ source: 'agent', actor: 'agent db01' });
        expect(first.ci.provenance['attributes.cpuCores']?.source).toBe('agent');
        expect(first.ci.lastSeen).not.toBeNull();

        const stored = (await viewer.request('GET', `/api/v1/cis/${ci.id}`)).json() as Ci;
        expect(stored).toEqual(first.ci);
        const history = await historyOf(ci.id);
        expect(history.map((h) => [h.kind, h.source])).toEqual([
          ['conflict', 'agent'],
          ['updated', 'agent'],
          ['created', 'manual'],
        ]);
        expect(history[0]!.changes).toEqual([
          { field: 'manufacturer', from: 'Dell', to: 'Dell Inc.' },
          { field: 'attributes.memoryGb', from: 64, to: 128 },
        ]);

        // A discovered value may be replaced by a newer discovery; an unchanged observation bumps nothing.
        const second = await service.applyObserved(ci.id, 'scan', { serial: 'ABC124' }, ctx);
        expect(second.conflicts).toEqual([]);
        expect(second.ci).toMatchObject({ serial: 'ABC124', version: 3 });
        const same = await service.applyObserved(ci.id, 'scan', { serial: 'ABC124' }, ctx);
        expect(same.ci.version).toBe(3);

        // Invalid observed attributes are refused whole.
        await expect(service.applyObserved(ci.id, 'agent', { serial: 'X', attributes: { cpuCores: 'many' } }, ctx)).rejects.toMatchObject({
          status: 400,
        });
        expect(((await viewer.request('GET', `/api/v1/cis/${ci.id}`)).json() as Ci).serial).toBe('ABC124');
        const audit = await auditFor(ci.id);
        expect(audit.map((a) => a.action)).toEqual(['ci.create', 'ci.update', 'ci.conflict', 'ci.update']);
      });
    });
  });
}
