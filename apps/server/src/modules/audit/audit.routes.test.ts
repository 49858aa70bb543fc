import type { AuditEvent, Ci } from '@estate/contract';
import type { KyselyPlugin } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../test/harness';
import { AuditTargetRepository, NAMED_TARGET_TYPES, targetKey } from './audit-target.repository';

for (const engine of testEngines()) {
  describe(`audit event targets on ${engine.dialect}`, () => {
    let t: TestEstate;
    let admin: Agent;

    beforeEach(async () => {
      t = await createTestEstate(engine);
      admin = await t.setupAdmin();
    });
    afterEach(() => t.close());

    const events = async (query: string) => {
      const res = await admin.request('GET', `/api/v1/audit-events?${query}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json().items as AuditEvent[];
    };

    it('names each target as it is now, and marks a target that is gone as deleted', async () => {
      const created = await admin.request('POST', '/api/v1/cis', { type: 'physical_server', name: 'db-01' });
      expect(created.statusCode, created.body).toBe(201);
      const ci = created.json() as Ci;
      const renamed = await admin.request(
        'PATCH',
        `/api/v1/cis/${ci.id}`,
        { name: 'db-01-renamed' },
        { 'if-match': String(created.headers.etag) },
      );
      expect(renamed.statusCode, renamed.body).toBe(200);
      const doomed = await admin.request('POST', '/api/v1/cis', { type: 'physical_server', name: 'old-box' });
      const gone = await admin.request('DELETE', `/api/v1/cis/${doomed.json().id}`, undefined, { 'if-match': String(doomed.headers.etag) });
      expect(gone.statusCode, gone.body).toBe(204);
      const token = await admin.request('POST', '/api/v1/tokens', { name: 'backup script', scopes: ['self'] });
      expect(token.statusCode, token.body).toBe(201);

      const ciEvents = await events('targetType=ci');
      const ofLive = ciEvents.filter((e) => e.targetId === ci.id);
      expect(ofLive.map((e) => e.action)).toEqual(['ci.update', 'ci.create']);
      // The current name, not the one at the time: the link leads to the CI as it is.
      for (const e of ofLive) expect(e).toMatchObject({ targetLabel: 'db-01-renamed', targetDeleted: false });
      const ofGone = ciEvents.filter((e) => e.targetId === doomed.json().id);
      expect(ofGone).toHaveLength(2);
      for (const e of ofGone) expect(e).toMatchObject({ targetLabel: null, targetDeleted: true });

      const [tokenEvent] = await events('action=token.create');
      expect(tokenEvent).toMatchObject({ targetType: 'api_token', targetLabel: 'backup script', targetDeleted: false });
      const setup = (await events('targetType=user')).find((e) => e.targetId === admin.me?.user.id);
      expect(setup).toMatchObject({ targetLabel: expect.stringContaining('admin@example.org'), targetDeleted: false });
    });

    it('leaves targets that are their own name unlabelled and never deleted', async () => {
      await t.anonymous().login('nobody@example.org', 'wrong password, clearly');
      const [failed] = await events('targetType=account');
      expect(failed).toMatchObject({ targetId: 'nobody@example.org', targetLabel: null, targetDeleted: false });
    });

    it('reads every kind of named target, and calls one that is not there deleted', async () => {
      const missing = '0190c1a2-7b3d-7e4f-8a9b-0c1d2e3f4a5b';
      const names = await new AuditTargetRepository(t.database.db).names(
        NAMED_TARGET_TYPES.map((type) => ({ targetType: type, targetId: missing })),
      );
      for (const type of NAMED_TARGET_TYPES) expect(names.get(targetKey(type, missing)), type).toEqual({ label: null, deleted: true });
      expect(NAMED_TARGET_TYPES).toEqual(expect.arrayContaining(['ci', 'user', 'api_token', 'agent', 'discovery_scan', 'relationship']));
    });

    it('names a page of targets in one statement per kind of target, however many events', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 30; i++) {
        const res = await admin.request('POST', '/api/v1/cis', { type: 'physical_server', name: `host-${i}` });
        ids.push(res.json().id as string);
      }
      const statements: unknown[] = [];
      const counter: KyselyPlugin = {
        transformQuery: (args) => args.node,
        async transformResult(args) {
          statements.push(args.queryId);
          return args.result;
        },
      };
      const repository = new AuditTargetRepository(t.database.db.withPlugin(counter));
      const userId = admin.me!.user.id;
      const names = await repository.names([
        ...ids.map((id) => ({ targetType: 'ci', targetId: id })),
        ...ids.map((id) => ({ targetType: 'ci', targetId: id })),
        { targetType: 'user', targetId: userId },
        { targetType: 'route', targetId: 'GET /api/v1/users' },
        { targetType: null, targetId: null },
      ]);
      expect(statements).toHaveLength(2);
      expect(names.get(targetKey('ci', ids[7]!))).toEqual({ label: 'host-7', deleted: false });
      expect(names.get(targetKey('route', 'GET /api/v1/users'))).toBeUndefined();
    });
  });
}
