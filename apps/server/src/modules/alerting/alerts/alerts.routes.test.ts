import type { AlertRuleGroup } from '@estate/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../../test/harness';

const GROUPS = '/api/v1/alert-rule-groups';

const GROUP = `groups:
  - name: hosts
    interval: 30s
    rules:
      - alert: HostDown
        expr: up == 0
        for: 2m
        labels:
          severity: critical
        annotations:
          summary: '{{ $labels.instance }} is down'
`;

describe.each(testEngines())('alerting API on $dialect', (engine) => {
  let t: TestEstate;
  let admin: Agent;
  let viewer: Agent;

  beforeAll(async () => {
    t = await createTestEstate(engine);
    admin = await t.setupAdmin();
    viewer = await t.userWithRole('viewer');
  });
  afterAll(() => t?.close());

  it('creates a rule group from YAML, reads it back with an ETag, and lists it with its rules', async () => {
    const res = await admin.request('POST', GROUPS, { yaml: GROUP });
    expect(res.statusCode, res.body).toBe(201);
    const group = res.json() as AlertRuleGroup;
    expect(group).toMatchObject({ name: 'hosts', intervalSeconds: 30, enabled: true, version: 1 });
    expect(group.rules).toEqual([
      expect.objectContaining({
        name: 'HostDown',
        kind: 'alerting',
        expr: 'up == 0',
        forSeconds: 120,
        severity: 'critical',
        health: 'unknown',
      }),
    ]);
    expect(parse(group.yaml)).toEqual(parse(GROUP));
    const read = await viewer.request('GET', `${GROUPS}/${group.id}`);
    expect(read.statusCode).toBe(200);
    expect(read.headers.etag).toBeTruthy();
    const list = await viewer.request('GET', GROUPS);
    expect(list.json().items.map((g: AlertRuleGroup) => g.name)).toContain('hosts');
  });

  it('refuses a rule file with errors, naming the group, the rule, the field and the line, and saves nothing', async () => {
    const bad = `groups:
  - name: broken
    rules:
      - alert: A
        expr: rate(x[5m]
      - alert: B
        expr: up
        for: soon
`;
    const res = await admin.request('POST', GROUPS, { yaml: bad });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const paths = res.json().errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['yaml.groups["broken"].rules[1](A).expr', 'yaml.groups["broken"].rules[2](B).for']));
    expect(res.json().errors[0].message).toMatch(/^line \d+: /);
    const list = await admin.request('GET', GROUPS);
    expect(list.json().items.map((g: AlertRuleGroup) => g.name)).not.toContain('broken');
  });

  it('refuses a second group of the same name with 409, and a viewer may not write', async () => {
    expect((await admin.request('POST', GROUPS, { yaml: GROUP })).statusCode).toBe(409);
    expect((await viewer.request('POST', GROUPS, { yaml: GROUP.replace('hosts', 'other') })).statusCode).toBe(403);
  });

  it('changes a group under If-Match, bumps its version, and refuses a stale ETag', async () => {
    const created = (
      await admin.request('POST', GROUPS, { yaml: GROUP.replace('name: hosts', 'name: editable') })
    ).json() as AlertRuleGroup;
    const etag = (await admin.request('GET', `${GROUPS}/${created.id}`)).headers.etag as string;
    const changed = await admin.request('PATCH', `${GROUPS}/${created.id}`, { enabled: false }, { 'if-match': etag });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ enabled: false, version: 2 });
    expect((await admin.request('PATCH', `${GROUPS}/${created.id}`, { enabled: true }, { 'if-match': etag })).statusCode).toBe(412);
    expect((await admin.request('PATCH', `${GROUPS}/${created.id}`, { enabled: true })).statusCode).toBe(428);
    const audit = await admin.request('GET', '/api/v1/audit-events?action=alert-rule-group.update');
    expect(audit.statusCode).toBe(200);
    expect(JSON.stringify(audit.json().items)).toContain('editable');
    const del = await admin.request('DELETE', `${GROUPS}/${created.id}`, undefined, { 'if-match': changed.headers.etag as string });
    expect(del.statusCode).toBe(204);
    expect((await admin.request('GET', `${GROUPS}/${created.id}`)).statusCode).toBe(404);
  });

  it('imports a whole rule file (created, replaced, unchanged) and exports every group as one file', async () => {
    const file = `groups:
  - name: hosts
    interval: 1m
    rules:
      - alert: HostDown
        expr: up == 0
  - name: disks
    rules:
      - alert: DiskFullSoon
        expr: predict_linear(node_filesystem_avail_bytes[6h], 7 * 86400) < 0
        for: 1h
      - record: job:up:sum
        expr: sum by (job) (up)
`;
    const res = await admin.request('POST', `${GROUPS}/import`, { yaml: file, file: 'team.yml' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ created: ['disks'], replaced: ['hosts'], unchanged: [] });
    const again = await admin.request('POST', `${GROUPS}/import`, { yaml: file, file: 'team.yml' });
    expect(again.json()).toEqual({ created: [], replaced: [], unchanged: ['hosts', 'disks'] });
    const exported = await viewer.request('GET', `${GROUPS}/export`);
    expect(exported.statusCode).toBe(200);
    expect(exported.headers['content-type']).toContain('application/yaml');
    const names = (parse(exported.body) as { groups: Array<{ name: string }> }).groups.map((g) => g.name);
    expect(names).toEqual(expect.arrayContaining(['hosts', 'disks']));
  });

  it("answers Prometheus' /api/v1/rules and /api/v1/alerts shapes, filtered by type", async () => {
    const rules = await viewer.request('GET', '/api/v1/rules?type=record');
    expect(rules.statusCode, rules.body).toBe(200);
    expect(rules.json().status).toBe('success');
    const groups = rules.json().data.groups as Array<{ name: string; rules: Array<{ type: string; name: string }> }>;
    expect(groups.map((g) => g.name)).toEqual(['disks']);
    expect(groups[0]?.rules.map((r) => [r.type, r.name])).toEqual([['recording', 'job:up:sum']]);
    const alerts = await viewer.request('GET', '/api/v1/alerts');
    expect(alerts.json()).toEqual({ status: 'success', data: { alerts: [] } });
  });

  it('lists no alerts on a quiet estate, 404s an unknown alert, and refuses a bad cursor', async () => {
    const list = await viewer.request('GET', '/api/v1/alerting/alerts');
    expect(list.json()).toEqual({ items: [], nextCursor: null });
    expect((await viewer.request('GET', '/api/v1/alerting/alerts/summary')).json()).toEqual({
      firing: 0,
      pending: 0,
      acknowledged: 0,
      suppressed: 0,
    });
    expect((await viewer.request('GET', '/api/v1/alerting/alerts/0190a000-0000-7000-8000-000000000000')).statusCode).toBe(404);
    expect((await viewer.request('GET', '/api/v1/alerting/alerts?cursor=nope')).statusCode).toBe(400);
  });
});
