import { DEFAULT_SCAN_PORTS } from '@estate/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../../test/harness';

const SCANS = '/api/v1/discovery/scans';

describe.each(testEngines())('scan definitions on $dialect', (engine) => {
  let t: TestEstate;
  let admin: Agent;

  beforeAll(async () => {
    t = await createTestEstate(engine);
    admin = await t.setupAdmin();
  });
  afterAll(() => t?.close());

  it('creates a scan with default ports and options, and reads it back with its ETag', async () => {
    const res = await admin.request('POST', SCANS, { name: 'Office', targets: ['192.0.2.0/28', '198.51.100.7', '2001:db8::5'] });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      name: 'Office',
      // The /28's network and broadcast addresses are not scanned.
      addressCount: 16,
      ports: [...DEFAULT_SCAN_PORTS],
      credentialIds: [],
      options: { reverseDns: true, serviceHints: true, tcpLiveness: true, force: false, snmpPort: 161 },
      intervalMinutes: null,
      nextRunAt: null,
      lastRun: null,
      version: 1,
    });
    const read = await admin.request('GET', `${SCANS}/${res.json().id}`);
    expect(read.headers.etag).toBe(res.headers.etag);
    const audit = await t.database.db.selectFrom('audit_events').select('action').where('target_id', '=', res.json().id).execute();
    expect(audit.map((a) => a.action)).toEqual(['discovery_scan.create']);
  });

  it('refuses a huge range without force, naming the target and why, and accepts it with force', async () => {
    const huge = await admin.request('POST', SCANS, { name: 'Huge', targets: ['10.0.0.1', '10.8.0.0/19'] });
    expect(huge.statusCode).toBe(400);
    expect(huge.json().type).toBe('urn:estate:problem:validation');
    expect(huge.json().errors).toEqual([{ path: 'body/targets/1', message: expect.stringContaining('10.8.0.0/19') }]);
    expect(huge.json().detail).toMatch(/\d+ addresses.*force/);
    expect((await admin.request('GET', SCANS)).json().items.map((s: { name: string }) => s.name)).not.toContain('Huge');

    const forced = await admin.request('POST', SCANS, { name: 'Huge', targets: ['10.0.0.1', '10.8.0.0/19'], options: { force: true } });
    expect(forced.statusCode, forced.body).toBe(201);
    expect(forced.json()).toMatchObject({ addressCount: 8191, options: { force: true } });
    // Taking force away again is checked like new targets.
    const unforced = await admin.request(
      'PATCH',
      `${SCANS}/${forced.json().id}`,
      { options: { force: false } },
      { 'if-match': forced.headers.etag as string },
    );
    expect(unforced.statusCode).toBe(400);
  });

  it('refuses link-local, multicast, short IPv6 prefixes and malformed targets with a message per target', async () => {
    const res = await admin.request('POST', SCANS, {
      name: 'Bad',
      targets: ['169.254.169.254', '10.0.0.300', '192.0.2.9', '2001:db8::/64', 'fe80::1', '224.0.0.1'],
    });
    expect(res.statusCode).toBe(400);
    const errors = res.json().errors as Array<{ path: string; message: string }>;
    expect(errors.map((e) => e.path)).toEqual(['body/targets/0', 'body/targets/1', 'body/targets/3', 'body/targets/4', 'body/targets/5']);
    expect(errors[0]!.message).toContain('169.254.169.254');
    expect(errors[1]!.message).toContain('10.0.0.300');
    expect(errors[2]!.message).toMatch(/2001:db8::\/64.*112/);
    expect(errors[3]!.message).toContain('fe80::1');
    expect(errors[4]!.message).toContain('224.0.0.1');
  });

  it('refuses unknown credentials, taken names, stale versions and bad schedules', async () => {
    const unknown = await admin.request('POST', SCANS, {
      name: 'Creds',
      targets: ['192.0.2.1'],
      credentialIds: ['0190c1a2-7b3d-7e4f-8a9b-0c1d2e3f4a5b'],
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().errors[0].path).toBe('body/credentialIds/0');
    expect((await admin.request('POST', SCANS, { name: 'Office', targets: ['192.0.2.1'] })).statusCode).toBe(409);
    expect((await admin.request('POST', SCANS, { name: 'Fast', targets: ['192.0.2.1'], intervalMinutes: 1 })).statusCode).toBe(400);
    const scan = await admin.request('POST', SCANS, { name: 'Edit me', targets: ['192.0.2.1'] });
    const beforePatch = Date.now();
    const patched = await admin.request(
      'PATCH',
      `${SCANS}/${scan.json().id}`,
      { ports: [22, 443], intervalMinutes: 60, options: { timeoutMs: 500 } },
      { 'if-match': scan.headers.etag as string },
    );
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({
      ports: [22, 443],
      intervalMinutes: 60,
      options: { timeoutMs: 500, reverseDns: true },
      version: 2,
    });
    // The first scheduled run is an interval after the change was made.
    expect(patched.json().nextRunAt).toBeGreaterThanOrEqual(beforePatch + 60 * 60_000);
    const stale = await admin.request('PATCH', `${SCANS}/${scan.json().id}`, { name: 'x' }, { 'if-match': scan.headers.etag as string });
    expect(stale.statusCode).toBe(412);
  });

  it('starts a run (202), refuses a second while the first is queued, and refuses to delete the scan meanwhile', async () => {
    const scan = await admin.request('POST', SCANS, { name: 'Run me', targets: ['192.0.2.1'] });
    const run = await admin.request('POST', `${SCANS}/${scan.json().id}/runs`);
    expect(run.statusCode, run.body).toBe(202);
    const again = await admin.request('POST', `${SCANS}/${scan.json().id}/runs`);
    expect(again.statusCode).toBe(409);
    const shown = await admin.request('GET', `/api/v1/discovery/runs/${run.json().id}`);
    expect(shown.json()).toMatchObject({ status: 'queued', scanName: 'Run me', requestedBy: admin.me!.user.id, done: 0 });
    const list = await admin.request('GET', `${SCANS}/${scan.json().id}/runs`);
    expect(list.json().items.map((r: { id: string }) => r.id)).toEqual([run.json().id]);
    expect((await admin.request('GET', `${SCANS}/${scan.json().id}`)).json().lastRun).toMatchObject({
      id: run.json().id,
      status: 'queued',
    });
    const job = await t.database.db.selectFrom('jobs').selectAll().where('dedupe_key', '=', `discovery.run:${run.json().id}`).execute();
    expect(job).toHaveLength(1);
    const del = await admin.request('DELETE', `${SCANS}/${scan.json().id}`, undefined, { 'if-match': scan.headers.etag as string });
    expect(del.statusCode).toBe(409);
    expect((await admin.request('POST', `${SCANS}/0190c1a2-7b3d-7e4f-8a9b-0c1d2e3f4a5b/runs`)).statusCode).toBe(404);
  });

  it('starts exactly one run when several requests race to start one', async () => {
    const scan = await admin.request('POST', SCANS, { name: 'Raced', targets: ['192.0.2.3'] });
    const answers = await Promise.all([1, 2, 3, 4].map(() => admin.request('POST', `${SCANS}/${scan.json().id}/runs`)));
    expect(answers.map((a) => a.statusCode).sort()).toEqual([202, 409, 409, 409]);
    const runs = await t.database.db.selectFrom('discovery_runs').select('id').where('scan_id', '=', scan.json().id).execute();
    expect(runs).toHaveLength(1);
  });

  it('lets an operator scan and a viewer only read', async () => {
    const operator = await t.userWithRole('operator');
    const viewer = await t.userWithRole('viewer');
    const created = await operator.request('POST', SCANS, { name: 'Operator scan', targets: ['192.0.2.2'] });
    expect(created.statusCode).toBe(201);
    expect((await viewer.request('GET', `${SCANS}/${created.json().id}`)).statusCode).toBe(200);
    expect((await viewer.request('POST', `${SCANS}/${created.json().id}/runs`)).statusCode).toBe(403);
  });
});
