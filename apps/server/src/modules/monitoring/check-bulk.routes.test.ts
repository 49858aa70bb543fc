import type { Check } from '@estate/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../test/harness';
import { readJson } from '../../platform/db/database';

const BULK = '/api/v1/checks/bulk';

describe.each(testEngines())('bulk checks API on $dialect', (engine) => {
  let t: TestEstate;
  let admin: Agent;
  let ciIds: string[];

  beforeAll(async () => {
    t = await createTestEstate(engine);
    admin = await t.setupAdmin();
    ciIds = [];
    for (const name of ['web-01', 'web-02', 'web-03']) {
      const ci = await admin.request('POST', '/api/v1/cis', { type: 'virtual_machine', name });
      expect(ci.statusCode, ci.body).toBe(201);
      ciIds.push(ci.json().id);
    }
  });
  afterAll(() => t?.close());

  const count = async (prefix: string) =>
    Number(
      (
        await t.database.db
          .selectFrom('checks')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('name', 'like', `${prefix}%`)
          .executeTakeFirst()
      )?.n,
    );
  const auditOf = (action: string) =>
    t.database.db.selectFrom('audit_events').select(['action', 'after', 'before']).where('action', '=', action).execute();

  it('creates one check per CI in one request, bound to its CI, with one audit entry naming them all', async () => {
    const items = ciIds.map((ciId, i) => ({
      name: `HTTPS web-0${i + 1}`,
      type: 'http',
      config: { url: `https://web-0${i + 1}.example.test/` },
      intervalSeconds: 30,
      ciIds: [ciId],
    }));
    const res = await admin.request('POST', BULK, { items });
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json().items as Check[];
    expect(created.map((c) => [c.name, c.target, c.ciIds, c.intervalSeconds, c.version])).toEqual(
      items.map((item) => [item.name, item.config.url, item.ciIds, 30, 1]),
    );
    const bound = (await admin.request('GET', `/api/v1/checks?ciId=${ciIds[1]}`)).json().items as Check[];
    expect(bound.map((c) => c.name)).toEqual(['HTTPS web-02']);
    const audit = await auditOf('check.bulk_create');
    expect(audit).toHaveLength(1);
    const after = readJson<{ count: number; checks: Array<{ id: string }> }>(audit[0]?.after);
    expect(after.count).toBe(3);
    expect(after.checks.map((c) => c.id)).toEqual(created.map((c) => c.id));
    expect(await count('HTTPS web-0')).toBe(3);
  });

  it('refuses every item at once when any is refused, naming the item and its field, and creates none', async () => {
    const res = await admin.request('POST', BULK, {
      items: [
        { name: 'Fine 1', type: 'tcp', config: { host: 'db-01', port: 5432 } },
        { name: 'Bad url', type: 'http', config: { url: 'ftp://nope' } },
        { name: 'Fine 2', type: 'tcp', config: { host: 'db-02', port: 5432 }, ciIds: [ciIds[0], '0190d1c8-0000-7000-8000-000000000000'] },
        { name: 'Bad type', type: 'gopher', config: {} },
        { name: 'Fine agent', type: 'systemd', config: { unit: 'ssh.service' } },
      ],
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const problem = res.json();
    expect(problem.errors).toEqual([
      { path: 'items[1].config.url', message: 'must start with http:// or https://' },
      { path: 'items[3].type', message: expect.any(String) },
      { path: 'items[2].ciIds[1]', message: 'no configuration item 0190d1c8-0000-7000-8000-000000000000' },
      { path: 'items[4].agentId', message: 'a systemd check needs the agent that runs it' },
    ]);
    expect(problem.detail).toMatch(/^4 of 5 checks refused; nothing was created\. First: items\[1\]\.config\.url/);
    expect(await count('Fine')).toBe(0);
    expect(await auditOf('check.bulk_create')).toHaveLength(1);
  });

  it('caps a request at 1,000 checks', async () => {
    const items = Array.from({ length: 1_001 }, (_, i) => ({ name: `Many ${i}`, type: 'tcp', config: { host: 'h', port: 1 } }));
    const res = await admin.request('POST', BULK, { items });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0]).toMatchObject({ path: 'body/items' });
    expect(await count('Many')).toBe(0);
  });

  it('disables, enables and deletes checks by id, all or nothing, each request audited once', async () => {
    const ids = ((await admin.request('GET', '/api/v1/checks?q=HTTPS%20web')).json().items as Check[]).map((c) => c.id);
    expect(ids).toHaveLength(3);
    const disabled = await admin.request('POST', `${BULK}-update`, { ids, enabled: false });
    expect(disabled.statusCode, disabled.body).toBe(200);
    expect(disabled.json()).toEqual({ count: 3, ids: expect.arrayContaining(ids) });
    expect((await admin.request('GET', '/api/v1/checks/summary')).json()).toMatchObject({ total: 3, disabled: 3 });
    const read = (await admin.request('GET', `/api/v1/checks/${ids[0]}`)).json() as Check;
    expect(read).toMatchObject({ enabled: false, version: 2 });
    // Already disabled: nothing to change, nothing named.
    expect((await admin.request('POST', `${BULK}-update`, { ids, enabled: false })).json()).toEqual({ count: 0, ids: [] });
    expect((await admin.request('POST', `${BULK}-update`, { ids: [ids[0]], enabled: true })).json()).toEqual({ count: 1, ids: [ids[0]] });

    const gone = '0190d1c8-0000-7000-8000-00000000dead';
    const refused = await admin.request('POST', `${BULK}-delete`, { ids: [ids[0], gone] });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().errors).toEqual([{ path: 'ids[1]', message: `no check ${gone}` }]);
    expect(await count('HTTPS web-0')).toBe(3);

    const deleted = await admin.request('POST', `${BULK}-delete`, { ids });
    expect(deleted.statusCode, deleted.body).toBe(200);
    expect(deleted.json().count).toBe(3);
    expect(await count('HTTPS web-0')).toBe(0);
    const audit = await auditOf('check.bulk_delete');
    expect(audit).toHaveLength(1);
    expect(
      readJson<{ deleted: Array<{ name: string }> }>(audit[0]?.before)
        .deleted.map((d) => d.name)
        .sort(),
    ).toEqual(['HTTPS web-01', 'HTTPS web-02', 'HTTPS web-03']);
    expect(await auditOf('check.bulk_update')).toHaveLength(3);
  });

  it('lets a viewer do none of it', async () => {
    const viewer = await t.userWithRole('viewer');
    const item = { name: 'Viewer', type: 'tcp', config: { host: 'h', port: 1 } };
    expect((await viewer.request('POST', BULK, { items: [item] })).statusCode).toBe(403);
    expect((await viewer.request('POST', `${BULK}-update`, { ids: [ciIds[0]], enabled: false })).statusCode).toBe(403);
    expect((await viewer.request('POST', `${BULK}-delete`, { ids: [ciIds[0]] })).statusCode).toBe(403);
  });
});
