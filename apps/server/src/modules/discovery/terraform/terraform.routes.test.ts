import { readFileSync } from 'node:fs';
import type { CiHistoryEntry, Relationship, TerraformImportResult } from '@estate/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../../test/harness';
import { newId } from '../../../platform/ids';
import { createIdentityService } from '../index';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const SERIAL_17 = fixture('aws-prod.serial-17.tfstate');
const SERIAL_18 = fixture('aws-prod.serial-18.tfstate');
const GOOGLE_0_12 = fixture('google-0.12.24.tfstate');
const LINEAGE = '3f1c9a5e-8d2b-4e7a-9c61-2b5d0f4a7e19';
const TABLES = ['cis', 'ci_history', 'ci_identifiers', 'relationships', 'terraform_imports', 'terraform_resources', 'audit_events'];

describe.each(testEngines())('Terraform state import on $dialect', (engine) => {
  let t: TestEstate;
  let admin: Agent;

  const post = (content: string, dryRun = false) => admin.request('POST', '/api/v1/discovery/terraform-imports', { content, dryRun });
  const counts = async () => {
    const out: Record<string, number> = {};
    for (const table of TABLES) {
      const row = await t.database.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow();
      out[table] = Number(row.n);
    }
    return out;
  };
  const report = (result: TerraformImportResult, address: string) => result.resources.find((r) => r.address === address);
  const relationshipsOf = async (ciId: string): Promise<Relationship[]> =>
    (await admin.request('GET', `/api/v1/relationships?ciId=${ciId}&limit=100`)).json().items;
  const historyOf = async (ciId: string): Promise<CiHistoryEntry[]> =>
    (await admin.request('GET', `/api/v1/cis/${ciId}/history`)).json().items;

  beforeAll(async () => {
    t = await createTestEstate(engine);
    admin = await t.setupAdmin();
  });
  afterAll(() => t.close());

  it('a dry run of a new state reports what it would create and writes nothing', async () => {
    const before = await counts();
    const res = await post(SERIAL_17, true);
    expect(res.statusCode, res.body).toBe(200);
    const result: TerraformImportResult = res.json();
    expect(result).toMatchObject({ id: null, dryRun: true, lineage: LINEAGE, serial: 17, terraformVersion: '1.9.5' });
    expect(result.counts).toEqual({ created: 15, updated: 0, unchanged: 0, retired: 0, related: 22, skipped: 0 });
    expect(result.resources.every((r) => r.action === 'create' && r.ciId === null)).toBe(true);
    expect(await counts()).toEqual(before);
  });

  it('imports the state as cloud-resource CIs with provenance, identifiers and relationships', async () => {
    const res = await post(SERIAL_17);
    expect(res.statusCode, res.body).toBe(200);
    const result: TerraformImportResult = res.json();
    expect(result.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.counts).toEqual({ created: 15, updated: 0, unchanged: 0, retired: 0, related: 22, skipped: 0 });
    expect(result.ignored.map((i) => i.address).sort()).toEqual([
      'aws_lb_listener.http',
      'aws_lb_target_group_attachment.app[0]',
      'aws_lb_target_group_attachment.app[1]',
      'aws_lb_target_group_attachment.app[2]',
      'aws_volume_attachment.data[0]',
      'aws_volume_attachment.data[1]',
      'aws_volume_attachment.data[2]',
      'random_password.db',
    ]);

    const web2 = report(result, 'aws_instance.web[1]')!;
    expect(web2).toMatchObject({ externalId: 'aws:i-0abc1234def567802', name: 'web-2', action: 'create' });
    const ci = (await admin.request('GET', `/api/v1/cis/${web2.ciId}`)).json();
    expect(ci).toMatchObject({
      type: 'cloud_resource',
      name: 'web-2',
      status: 'deployed',
      attributes: {
        provider: 'aws',
        region: 'eu-west-1',
        accountId: '123456789012',
        kind: 'aws_instance',
        resourceId: 'arn:aws:ec2:eu-west-1:123456789012:instance/i-0abc1234def567802',
        ipAddresses: ['10.20.2.12', '203.0.113.12'],
      },
    });
    expect(ci.provenance['attributes.provider']).toMatchObject({ source: 'import' });
    expect(report(result, 'aws_s3_bucket.backups')).toMatchObject({ externalId: 'aws:arn:aws:s3:::estate-backups-123456789012' });
    expect(report(result, 'aws_db_instance.main')).toMatchObject({
      name: 'estate-db',
      externalId: 'aws:arn:aws:rds:eu-west-1:123456789012:db:estate-db',
    });
    const ids = await t.database.db.selectFrom('ci_identifiers').selectAll().where('ci_id', '=', web2.ciId!).execute();
    expect(ids).toEqual([expect.objectContaining({ kind: 'external_id', value: 'aws:i-0abc1234def567802', source: 'import' })]);

    // Instance in subnet in VPC, the volume it needs, the target group that sends it traffic.
    const idOf = (address: string) => report(result, address)!.ciId!;
    const rels = await relationshipsOf(web2.ciId!);
    const shape = rels.map(
      (r) => `${r.type} ${r.sourceId === web2.ciId ? 'web-2' : r.sourceName} → ${r.targetId === web2.ciId ? 'web-2' : r.targetName}`,
    );
    expect(shape.sort()).toEqual([
      'depends_on estate-app (2) → web-2',
      'depends_on web-2 → estate-web',
      'depends_on web-2 → web-2-data',
      'located_in web-2 → estate-prod-private-b',
    ]);
    expect(rels.every((r) => r.source === 'import')).toBe(true);
    const subnet = await relationshipsOf(idOf('aws_subnet.private["b"]'));
    expect(subnet.some((r) => r.type === 'located_in' && r.targetId === idOf('aws_vpc.main'))).toBe(true);
    const lb = await relationshipsOf(idOf('aws_lb.app'));
    expect(
      lb.some((r) => r.type === 'depends_on' && r.sourceId === idOf('aws_lb.app') && r.targetId === idOf('aws_lb_target_group.app')),
    ).toBe(true);
    // The target group is named like the load balancer; its CI name was made unique.
    expect((await admin.request('GET', `/api/v1/cis/${idOf('aws_lb_target_group.app')}`)).json().name).toBe('estate-app (2)');

    const audit = await admin.request('GET', '/api/v1/audit-events?action=discovery.terraform-import');
    expect(audit.json().items[0]).toMatchObject({ targetId: result.id, after: { lineage: LINEAGE, serial: 17 } });
  });

  it('re-importing the same state changes nothing and adds no history', async () => {
    const before = await counts();
    const res = await post(SERIAL_17);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().counts).toEqual({ created: 0, updated: 0, unchanged: 15, retired: 0, related: 0, skipped: 0 });
    expect(res.json().relationships.every((r: { action: string }) => r.action === 'exists')).toBe(true);
    const after = await counts();
    expect(after).toEqual({ ...before, terraform_imports: before.terraform_imports! + 1, audit_events: before.audit_events! + 1 });
  });

  it('a newer serial retires the CIs of vanished resources, with history naming the state; a dry run first writes nothing', async () => {
    const before = await counts();
    const dry = await post(SERIAL_18, true);
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json().counts).toMatchObject({ created: 0, retired: 2 });
    expect(await counts()).toEqual(before);

    const res = await post(SERIAL_18);
    const result: TerraformImportResult = res.json();
    expect(result.counts).toEqual({ created: 0, updated: 0, unchanged: 13, retired: 2, related: 0, skipped: 0 });
    const retired = result.resources.filter((r) => r.action === 'retire');
    expect(retired.map((r) => r.address).sort()).toEqual(['aws_ebs_volume.data[2]', 'aws_instance.web[2]']);
    const web3 = retired.find((r) => r.address === 'aws_instance.web[2]')!;
    expect(web3).toMatchObject({ resourceType: 'aws_instance', name: 'web-3' });
    expect((await admin.request('GET', `/api/v1/cis/${web3.ciId}`)).json().status).toBe('retired');
    const vanished = (await historyOf(web3.ciId!)).find((h) => h.kind === 'vanished');
    expect(vanished).toMatchObject({
      source: 'import',
      changes: [{ field: 'terraform', to: `vanished from state ${LINEAGE} serial 18` }],
    });

    // Seen again: nothing more is retired, nothing is written but the import record.
    const again = await post(SERIAL_18);
    expect(again.json().counts).toEqual({ created: 0, updated: 0, unchanged: 13, retired: 0, related: 0, skipped: 0 });
  });

  it('refuses an older serial of the lineage with 409, writing nothing', async () => {
    const before = await counts();
    const res = await post(SERIAL_17);
    expect(res.statusCode).toBe(409);
    expect(res.json().detail).toContain('older than the last import (serial 18)');
    expect(await counts()).toEqual(before);
  });

  it('does not retire what another lineage imported', async () => {
    const other = JSON.parse(SERIAL_18);
    other.lineage = 'b0000000-1111-4222-8333-444444444444';
    other.serial = 1;
    other.resources = other.resources.filter((r: { type: string }) => r.type === 'aws_s3_bucket');
    const res = await post(JSON.stringify(other));
    expect(res.json().counts).toEqual({ created: 0, updated: 0, unchanged: 1, retired: 0, related: 0, skipped: 0 });
    const list = (await admin.request('GET', '/api/v1/discovery/terraform-imports?limit=2')).json();
    expect(list.items[0]).toMatchObject({ lineage: other.lineage, serial: 1, counts: { unchanged: 1 } });
    expect(list.nextCursor).not.toBeNull();
    const lineage = (await admin.request('GET', `/api/v1/discovery/terraform-imports?lineage=${LINEAGE}&limit=50`)).json();
    expect(lineage.items.map((i: { serial: number }) => i.serial)).toEqual([18, 18, 17, 17]);
  });

  it('keeps a resource merged into an agent-reported VM on that VM, without forcing cloud attributes on it', async () => {
    const identity = createIdentityService({
      db: t.database.db,
      dialect: t.database.dialect,
      audit: t.estate.audit,
      inventory: t.estate.inventory.service,
    });
    const ctx = { actor: { type: 'agent' as const, id: null, label: 'agent web-1' }, requestId: null, sourceIp: null };
    const vm = await identity.reconcile(
      {
        source: 'agent',
        observer: 'agent web-1',
        type: 'virtual_machine',
        name: 'web-1',
        identity: { machineId: 'ec2aaaa1', hostname: 'ip-10-20-1-11' },
        fields: { attributes: { cpuCores: 2 } },
      },
      ctx,
    );
    const cloud = (
      await t.database.db
        .selectFrom('ci_identifiers')
        .select('ci_id')
        .where('value', '=', 'aws:i-0abc1234def567801')
        .executeTakeFirstOrThrow()
    ).ci_id;
    const id = newId();
    await t.database.db
      .insertInto('merge_suggestions')
      .values({
        id,
        ci_id: vm.ciId,
        other_ci_id: cloud,
        reason: 'same host',
        details: '{}',
        status: 'open',
        source: 'agent',
        created_at: Date.now(),
        resolved_at: null,
        resolved_by: null,
      })
      .execute();
    const merged = await admin.request('POST', `/api/v1/discovery/merge-suggestions/${id}/merge`, { keepCiId: vm.ciId });
    expect(merged.statusCode, merged.body).toBe(200);
    expect(merged.json().skippedRelationships).toEqual([]);
    const tracked = await t.database.db
      .selectFrom('terraform_resources')
      .select('ci_id')
      .where('external_id', '=', 'aws:i-0abc1234def567801')
      .executeTakeFirstOrThrow();
    expect(tracked.ci_id).toBe(vm.ciId);

    const res = await post(SERIAL_18);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().counts).toMatchObject({ created: 0, retired: 0, related: 0 });
    expect(report(res.json(), 'aws_instance.web[0]')).toMatchObject({ ciId: vm.ciId, action: 'unchanged' });
    const ci = (await admin.request('GET', `/api/v1/cis/${vm.ciId}`)).json();
    expect(ci).toMatchObject({ type: 'virtual_machine', attributes: { cpuCores: 2 } });
  });

  it('answers malformed states with a 400 that says what is wrong, writing nothing', async () => {
    const before = await counts();
    const state = () => JSON.parse(SERIAL_17);
    const cases: Array<[string, string]> = [
      ['{"version": 4, "lineage": ', 'not JSON'],
      [JSON.stringify({ ...state(), version: 3 }), 'format version 3'],
      [JSON.stringify([1, 2]), 'JSON object'],
      [JSON.stringify({ ...state(), lineage: undefined, serial: 99 }), 'no lineage'],
      [JSON.stringify({ ...state(), resources: {}, serial: 99 }), 'no resources list'],
    ];
    const noAttributes = state();
    noAttributes.serial = 99;
    noAttributes.resources.find((r: { type: string }) => r.type === 'aws_instance').instances[1].attributes = 'oops';
    cases.push([JSON.stringify(noAttributes), 'aws_instance.web[1] is malformed']);
    const badProvider = state();
    badProvider.serial = 99;
    badProvider.resources.find((r: { type: string }) => r.type === 'aws_s3_bucket').provider = 'aws';
    cases.push([JSON.stringify(badProvider), 'aws_s3_bucket.backups is malformed']);
    for (const [content, message] of cases) {
      const res = await post(content);
      expect(res.statusCode, message).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json().detail, message).toContain(message);
    }
    expect(await counts()).toEqual(before);
  });

  it('imports a state Terraform 0.12 wrote, with its provider.google addresses and data source', async () => {
    const res = await post(GOOGLE_0_12);
    expect(res.statusCode, res.body).toBe(200);
    const result: TerraformImportResult = res.json();
    expect(result).toMatchObject({ terraformVersion: '0.12.24', serial: 4 });
    expect(result.counts).toMatchObject({ created: 3, related: 2 });
    expect(result.resources.map((r) => r.address).sort()).toEqual([
      'google_compute_instance.worker[0]',
      'google_compute_network.main',
      'module.subnets.google_compute_subnetwork.subnet["europe-west1"]',
    ]);
    expect(result.ignored).toEqual([{ address: 'random_id.suffix', reason: 'not a cloud resource (provider random)' }]);
    const worker = report(result, 'google_compute_instance.worker[0]')!;
    const ci = (await admin.request('GET', `/api/v1/cis/${worker.ciId}`)).json();
    expect(ci.attributes).toMatchObject({ provider: 'gcp', region: 'europe-west1', accountId: 'estate-prod', ipAddresses: ['10.8.0.2'] });
  });
});
