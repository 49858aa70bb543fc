import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../../test/harness';
import { createSuppressionPart, type SuppressionPart } from './index';

const HOUR = 3_600_000;
const T0 = Date.parse('2027-03-27T12:00:00Z');
const ctx = { actor: { type: 'system' as const, id: null, label: 'test' }, requestId: null, sourceIp: null };

describe.each(testEngines())('the suppression service on $dialect', (engine) => {
  let t: TestEstate;
  let admin: Agent;
  let clock = T0;
  // Two parts over one store stand for two processes sharing it.
  let one: SuppressionPart;
  let two: SuppressionPart;

  beforeAll(async () => {
    t = await createTestEstate(engine);
    admin = await t.setupAdmin();
    const options = { db: t.database.db, audit: t.estate.audit, now: () => clock };
    one = createSuppressionPart(options);
    two = createSuppressionPart(options);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('stops answering a silence once it runs out, and at once when it is expired', async () => {
    clock = T0;
    const silences = one.internals.silences;
    const short = await silences.create({ matchers: 'job="backup"', endsAt: T0 + HOUR, comment: 'one hour' }, ctx);
    const long = await silences.create({ matchers: 'job="etl"', endsAt: T0 + 5 * HOUR, comment: 'five hours' }, ctx);
    const ids = async (at: number) => (await two.service.activeSilences(at)).map((s) => s.id).sort();
    expect(await ids(T0)).toEqual([short.id, long.id].sort());
    expect(await ids(T0 + HOUR)).toEqual([long.id]);

    clock = T0 + 2 * HOUR;
    const expired = await silences.expire(long.id, ctx);
    expect(expired).toMatchObject({ state: 'expired', endsAt: T0 + 2 * HOUR });
    expect(await ids(clock)).toEqual([]);
    expect((await silences.get(short.id)).state).toBe('expired');
  });

  it('answers which windows hold and what they cover: CIs by id or tag, checks, labels', async () => {
    const ci = (await admin.request('POST', '/api/v1/cis', { type: 'virtual_machine', name: 'db-7', tags: ['patch-a'] })).json();
    const other = (await admin.request('POST', '/api/v1/cis', { type: 'virtual_machine', name: 'web-1' })).json();
    clock = T0;
    const windows = one.internals.maintenance;
    await windows.create(
      {
        name: 'Nightly patching',
        timeZone: 'Europe/Berlin',
        schedule: { kind: 'daily', startTime: '02:30', durationMinutes: 60 },
        scope: { tags: ['patch-a'], matchers: 'env="staging"' },
      },
      ctx,
    );
    // 02:30 is skipped on 2027-03-28: the window moves to 03:30 CEST (01:30 UTC) that night.
    const during = await two.service.maintenanceAt(Date.parse('2027-03-28T01:45:00Z'));
    expect(during.windows.map((w) => w.name)).toEqual(['Nightly patching']);
    const [window] = during.windows;
    if (!window) throw new Error('no window');
    expect(during.covers({ ciIds: [ci.id] }, window)).toBe(true);
    expect(during.covers({ ciIds: [other.id] }, window)).toBe(false);
    expect(during.covers({ labels: { env: 'staging', alertname: 'X' } }, window)).toBe(true);
    expect(during.coveringWindows({ labels: { env: 'prod' }, ciIds: [other.id] })).toEqual([]);
    expect((await two.service.maintenanceAt(Date.parse('2027-03-28T00:45:00Z'))).windows).toEqual([]);
  });

  it('serves the parsed routing config cached by version, and every process sees a change through the revision', async () => {
    const before = await two.service.revision();
    const first = await two.service.routingConfig();
    expect(first.route.receiver).toBe('default');
    expect(await two.service.routingConfig()).toBe(first);

    let told = 0;
    one.service.onChange(() => told++);
    await one.internals.routing.put('route:\n  receiver: ops\nreceivers:\n  - name: ops\n', 0, ctx);
    expect(told).toBe(1);
    expect(await two.service.revision()).toBeGreaterThan(before);
    expect(await two.service.routingVersion()).toBe(1);
    const second = await two.service.routingConfig();
    expect(second.route.receiver).toBe('ops');
    expect(await two.service.routingConfig()).toBe(second);
  });
});
