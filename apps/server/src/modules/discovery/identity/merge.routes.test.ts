import type { CiHistoryEntry, MergeResult, MergeSuggestion } from '@estate/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../../test/harness';
import { newId } from '../../../platform/ids';
import { createIdentityService, type IdentityService, type Observation } from '../index';

const agentCtx = { actor: { type: 'agent' as const, id: null, label: 'agent db-01' }, requestId: null, sourceIp: null };
const scanCtx = { actor: { type: 'system' as const, id: null, label: 'scan LAN' }, requestId: null, sourceIp: null };
const MAC = '52:54:00:aa:00:01';

describe.each(testEngines())('merge suggestions and software on $dialect', (engine) => {
  let t: TestEstate;
  let admin: Agent;
  let identity: IdentityService;
  let kept: string;
  let merged: string;
  let suggestionId: string;
  let otherSuggestionId: string;
  let switchId: string;
  let appId: string;

  const agentSaw = (over: Partial<Observation> = {}): Observation => ({
    source: 'agent',
    observer: 'agent db-01',
    type: 'physical_server',
    name: 'db-01',
    identity: { serial: 'SN-1', machineId: 'm1', macs: [MAC], hostname: 'db-01' },
    fields: { serial: 'SN-1', attributes: { hostname: 'db-01', cpuCores: 8 } },
    software: [
      { name: 'openssl', version: '3.0.13', arch: 'amd64' },
      { name: 'bash', version: '5.2.15', arch: 'amd64' },
    ],
    ...over,
  });
  const ci = async (id: string) => admin.request('GET', `/api/v1/cis/${id}`);
  const history = async (id: string): Promise<CiHistoryEntry[]> =>
    (await admin.request('GET', `/api/v1/cis/${id}/history?limit=100`)).json().items;
  const relate = async (type: string, sourceId: string, targetId: string) => {
    const res = await admin.request('POST', '/api/v1/relationships', { type, sourceId, targetId });
    expect(res.statusCode, res.body).toBe(201);
  };

  beforeAll(async () => {
    t = await createTestEstate(engine);
    admin = await t.setupAdmin();
    identity = createIdentityService({
      db: t.database.db,
      dialect: t.database.dialect,
      audit: t.estate.audit,
      inventory: t.estate.inventory.service,
    });

    kept = (await identity.reconcile(agentSaw(), agentCtx)).ciId;
    // A scan sees the same MAC with another serial: a second CI and a merge suggestion, never a silent merge.
    const clash = await identity.reconcile(
      {
        source: 'scan',
        observer: 'scan LAN',
        type: 'physical_server',
        name: 'db-01-old',
        identity: { serial: 'SN-2', macs: [MAC] },
        fields: { manufacturer: 'Dell Inc.', attributes: { listeningPorts: ['tcp/22', 'tcp/5432'] } },
      },
      scanCtx,
    );
    merged = clash.ciId;
    suggestionId = clash.suggestionIds[0] as string;
    await identity.reconcile(
      agentSaw({
        source: 'import',
        observer: 'import',
        name: 'x',
        identity: { serial: 'SN-2' },
        fields: {},
        software: [
          { name: 'openssl', version: '3.0.11', arch: 'amd64' },
          { name: 'curl', version: '7.88.1', arch: 'amd64' },
        ],
      }),
      agentCtx,
    );
    const etag = String((await ci(merged)).headers.etag);
    const patched = await admin.request('PATCH', `/api/v1/cis/${merged}`, { assetTag: 'AT-9', tags: ['legacy'] }, { 'if-match': etag });
    expect(patched.statusCode, patched.body).toBe(200);

    switchId = (await admin.request('POST', '/api/v1/cis', { type: 'switch', name: 'sw-1' })).json().id;
    appId = (await admin.request('POST', '/api/v1/cis', { type: 'application', name: 'billing' })).json().id;
    await relate('connected_to', kept, switchId);
    await relate('connected_to', merged, switchId);
    await relate('connected_to', kept, merged);
    await relate('runs_on', appId, merged);

    // Another open suggestion naming the CI that will be merged away.
    const third = (await admin.request('POST', '/api/v1/cis', { type: 'physical_server', name: 'db-01-spare' })).json().id;
    otherSuggestionId = newId();
    await t.database.db
      .insertInto('merge_suggestions')
      .values({
        id: otherSuggestionId,
        ci_id: third,
        other_ci_id: merged,
        reason: 'same host name db-01',
        details: JSON.stringify({ kind: 'hostname' }),
        status: 'open',
        source: 'scan',
        created_at: Date.now(),
        resolved_at: null,
        resolved_by: null,
      })
      .execute();
  });
  afterAll(() => t.close());

  it('lists open suggestions with both CIs and the reason, keyset paged', async () => {
    const first = await admin.request('GET', '/api/v1/discovery/merge-suggestions?status=open&limit=1');
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().items).toHaveLength(1);
    const second = await admin.request('GET', `/api/v1/discovery/merge-suggestions?status=open&limit=1&cursor=${first.json().nextCursor}`);
    const all: MergeSuggestion[] = [...first.json().items, ...second.json().items];
    const s = all.find((x) => x.id === suggestionId)!;
    expect(s).toMatchObject({
      status: 'open',
      source: 'scan',
      ci: { id: merged, type: 'physical_server', name: 'db-01-old', serial: null },
      otherCi: { id: kept, name: 'db-01', serial: 'SN-1' },
    });
    expect(s.reason).toContain('different serial number');
  });

  it('refuses a CI outside the pair (400) and an unknown suggestion (404)', async () => {
    const outside = await admin.request('POST', `/api/v1/discovery/merge-suggestions/${suggestionId}/merge`, { keepCiId: switchId });
    expect(outside.statusCode).toBe(400);
    expect(outside.json().errors[0].path).toBe('body/keepCiId');
    const unknown = await admin.request('POST', `/api/v1/discovery/merge-suggestions/${newId()}/merge`, { keepCiId: kept });
    expect(unknown.statusCode).toBe(404);
    expect((await ci(merged)).statusCode).toBe(200);
  });

  it('merges the pair into the kept CI: relationships, identifiers, software and empty fields move; the other is deleted', async () => {
    const res = await admin.request('POST', `/api/v1/discovery/merge-suggestions/${suggestionId}/merge`, { keepCiId: kept });
    expect(res.statusCode, res.body).toBe(200);
    const result: MergeResult = res.json();
    expect(result).toMatchObject({
      keptCiId: kept,
      mergedCiId: merged,
      movedRelationships: 1,
      movedIdentifiers: 1,
      movedSoftware: 1,
      dismissedSuggestionIds: [otherSuggestionId],
      suggestion: { id: suggestionId, status: 'merged', ci: null, otherCi: { id: kept } },
    });
    expect(result.filledFields).toEqual(['assetTag', 'attributes.listeningPorts', 'manufacturer', 'tags']);
    expect(result.skippedRelationships.map((s) => [s.type, s.otherCiName]).sort()).toEqual([
      ['connected_to', 'db-01'],
      ['connected_to', 'sw-1'],
    ]);
    expect(result.skippedRelationships.find((s) => s.otherCiId === switchId)?.reason).toContain('already');

    expect((await ci(merged)).statusCode).toBe(404);
    const after = (await ci(kept)).json();
    expect(after).toMatchObject({ name: 'db-01', serial: 'SN-1', manufacturer: 'Dell Inc.', assetTag: 'AT-9', tags: ['legacy'] });
    expect(after.attributes.listeningPorts).toEqual(['tcp/22', 'tcp/5432']);
    expect(after.provenance.manufacturer.source).toBe('scan');
    expect(after.provenance.assetTag.source).toBe('manual');

    const rels = (await admin.request('GET', `/api/v1/relationships?ciId=${kept}`)).json().items;
    expect(
      rels
        .map(
          (r: { type: string; sourceId: string; targetId: string }) =>
            `${r.type} ${r.sourceId === appId ? 'billing' : r.sourceId === kept ? 'db-01' : 'sw-1'}`,
        )
        .sort(),
    ).toEqual(['connected_to db-01', 'runs_on billing']);
    const software = (await admin.request('GET', `/api/v1/cis/${kept}/software`)).json().items;
    expect(software.map((s: { name: string; version: string }) => `${s.name}=${s.version}`)).toEqual([
      'bash=5.2.15',
      'curl=7.88.1',
      'openssl=3.0.13',
    ]);
    const ids = await t.database.db
      .selectFrom('ci_identifiers')
      .select(['kind', 'value'])
      .where('ci_id', '=', kept)
      .where('kind', '=', 'serial')
      .execute();
    expect(ids.map((i) => i.value).sort()).toEqual(['SN-1', 'SN-2']);

    const entry = (await history(kept)).find((h) => h.kind === 'merged');
    expect(entry?.changes[0]).toEqual({ field: 'merged', from: `${merged} (db-01-old)`, to: kept });
    expect((await history(merged)).some((h) => h.kind === 'deleted')).toBe(true);
    const audit = (await admin.request('GET', '/api/v1/audit-events?action=discovery.merge')).json().items;
    expect(audit[0]).toMatchObject({ targetId: suggestionId, actorId: admin.me?.user.id });
    expect((await admin.request('GET', `/api/v1/audit-events?action=ci.delete&targetId=${merged}`)).json().items).toHaveLength(1);

    const other = (await admin.request('GET', '/api/v1/discovery/merge-suggestions?status=dismissed')).json().items;
    expect(other.map((s: MergeSuggestion) => s.id)).toContain(otherSuggestionId);
  });

  it('an observer bound to the deleted CI lands on the kept one by its identifiers', async () => {
    const before = await t.database.db.selectFrom('cis').select('id').execute();
    const result = await identity.reconcile(
      agentSaw({ ciId: merged, identity: { serial: 'SN-2', macs: [MAC] }, software: undefined, fields: {} }),
      agentCtx,
    );
    expect(result).toMatchObject({ ciId: kept, created: false, suggestionIds: [] });
    expect(await t.database.db.selectFrom('cis').select('id').execute()).toHaveLength(before.length);
  });

  it('answers 409 for a suggestion that is no longer open, and dismisses open ones for good', async () => {
    const again = await admin.request('POST', `/api/v1/discovery/merge-suggestions/${suggestionId}/merge`, { keepCiId: kept });
    expect(again.statusCode).toBe(409);
    expect((await admin.request('POST', `/api/v1/discovery/merge-suggestions/${suggestionId}/dismiss`)).statusCode).toBe(409);

    const a = await identity.reconcile(
      agentSaw({ name: 'twin-a', identity: { serial: 'SN-T1' }, software: undefined, fields: {} }),
      agentCtx,
    );
    const b = await identity.reconcile(
      agentSaw({ name: 'twin-b', identity: { machineId: 'tt99' }, software: undefined, fields: {} }),
      agentCtx,
    );
    const both = await identity.reconcile(
      agentSaw({ name: 'twin', identity: { serial: 'SN-T1', machineId: 'tt99' }, software: undefined, fields: {} }),
      agentCtx,
    );
    const id = both.suggestionIds[0] as string;
    const dismissed = await admin.request('POST', `/api/v1/discovery/merge-suggestions/${id}/dismiss`);
    expect(dismissed.statusCode, dismissed.body).toBe(200);
    expect(dismissed.json()).toMatchObject({
      status: 'dismissed',
      ci: { id: a.ciId },
      otherCi: { id: b.ciId },
      resolvedBy: admin.me?.user.id,
    });
    const seenAgain = await identity.reconcile(
      agentSaw({ name: 'twin', identity: { serial: 'SN-T1', machineId: 'tt99' }, software: undefined, fields: {} }),
      agentCtx,
    );
    expect(seenAgain.suggestionIds).toEqual([]);
  });

  it('refuses a merge whose other CI still owns items (409) and changes nothing', async () => {
    const teamA = (await admin.request('POST', '/api/v1/cis', { type: 'team', name: 'Ops' })).json().id;
    const teamB = (await admin.request('POST', '/api/v1/cis', { type: 'team', name: 'Operations' })).json().id;
    const owned = await admin.request('POST', '/api/v1/cis', { type: 'physical_server', name: 'owned-1', ownerTeamId: teamB });
    expect(owned.statusCode, owned.body).toBe(201);
    const id = newId();
    await t.database.db
      .insertInto('merge_suggestions')
      .values({
        id,
        ci_id: teamA,
        other_ci_id: teamB,
        reason: 'same name',
        details: '{}',
        status: 'open',
        source: 'import',
        created_at: Date.now(),
        resolved_at: null,
        resolved_by: null,
      })
      .execute();
    const before = await history(teamA);
    const res = await admin.request('POST', `/api/v1/discovery/merge-suggestions/${id}/merge`, { keepCiId: teamA });
    expect(res.statusCode).toBe(409);
    expect(res.json().detail).toContain('owner or location');
    expect((await ci(teamB)).statusCode).toBe(200);
    expect(await history(teamA)).toEqual(before);
    const row = await t.database.db.selectFrom('merge_suggestions').select('status').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.status).toBe('open');
  });

  it('lists a CI software by name prefix with paging, and where a package is installed', async () => {
    await identity.reconcile(
      agentSaw({
        name: 'web-09',
        identity: { serial: 'SN-W9', hostname: 'web-09' },
        fields: {},
        software: [
          { name: 'openssl', version: '3.0.11', arch: 'amd64' },
          { name: 'OpenSSH-server', version: '9.2p1' },
        ],
      }),
      agentCtx,
    );
    const page1 = (await admin.request('GET', `/api/v1/cis/${kept}/software?limit=2`)).json();
    expect(page1.items.map((s: { name: string }) => s.name)).toEqual(['bash', 'curl']);
    const page2 = (await admin.request('GET', `/api/v1/cis/${kept}/software?limit=2&cursor=${page1.nextCursor}`)).json();
    expect(page2).toMatchObject({ items: [{ name: 'openssl', version: '3.0.13', arch: 'amd64' }], nextCursor: null });
    expect((await admin.request('GET', `/api/v1/cis/${kept}/software?name=OP`)).json().items).toHaveLength(1);
    expect((await admin.request('GET', `/api/v1/cis/${kept}/software?name=%25`)).json().items).toHaveLength(0);
    expect((await admin.request('GET', `/api/v1/cis/${newId()}/software`)).statusCode).toBe(404);

    const where = (await admin.request('GET', '/api/v1/software?name=openssl')).json();
    expect(where.items.map((i: { ciName: string; version: string }) => `${i.ciName} ${i.version}`)).toEqual([
      'web-09 3.0.11',
      'db-01 3.0.13',
    ]);
    const old = (await admin.request('GET', '/api/v1/software?name=openssl&version=3.0.11&limit=1')).json();
    expect(old).toMatchObject({ items: [{ ciName: 'web-09', ciType: 'physical_server', ciStatus: 'deployed' }], nextCursor: null });
    expect((await admin.request('GET', '/api/v1/software')).statusCode).toBe(400);
  });
});
