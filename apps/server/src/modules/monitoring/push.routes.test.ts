import type { Check } from '@estate/contract';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../test/harness';
import type { MonitoringTables } from './monitoring.tables';
import { PushService } from './push.service';
import { CheckRecorder } from './state/check-recorder';

const CHECKS = '/api/v1/checks';

describe.each(testEngines())('push checks on $dialect', (engine) => {
  let t: TestEstate;
  let admin: Agent;

  beforeAll(async () => {
    t = await createTestEstate(engine);
    admin = await t.setupAdmin();
  });
  afterAll(() => t?.close());

  const create = async (config: Record<string, unknown>, name = `job ${Math.random()}`) => {
    const res = await admin.request('POST', CHECKS, { name, type: 'push', config });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as Check;
  };
  const ping = (path: string, method: 'GET' | 'POST' = 'GET', body?: string) =>
    t.estate.http.inject({
      method,
      url: `/api/v1/push/${path}`,
      ...(body !== undefined ? { payload: body, headers: { 'content-type': 'text/plain' } } : {}),
    });
  const results = async (id: string) => (await admin.request('GET', `${CHECKS}/${id}/results`)).json().items;

  it('gives a push check a ping URL that needs no sign-in; a ping is up, a failure or a non-zero exit code down', async () => {
    const check = await create({ periodSeconds: 3600, graceSeconds: 300 });
    expect(check.pushToken).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const ok = await ping(check.pushToken as string, 'POST', 'backup done: 12 GB\nsecond line');
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.body).toBe('OK');
    expect((await admin.request('GET', `${CHECKS}/${check.id}`)).json().status.state).toBe('up');
    expect((await ping(`${check.pushToken}/fail`)).statusCode).toBe(200);
    expect((await ping(`${check.pushToken}/3`)).statusCode).toBe(200);
    expect((await ping(`${check.pushToken}/0`)).statusCode).toBe(200);
    const items = await results(check.id);
    expect(items.map((r: { status: string; message: string }) => [r.status, r.message])).toEqual([
      ['up', 'Exit code 0'],
      ['down', 'Exit code 3'],
      ['down', 'Failure reported'],
      ['up', 'Ping received: backup done: 12 GB'],
    ]);
    expect(items[3].details.body).toBe('backup done: 12 GB\nsecond line');
    // A failure takes it down at once: retries do not apply to pings.
    const history = (await admin.request('GET', `${CHECKS}/${check.id}/history`)).json().items;
    expect(history.map((h: { state: string }) => h.state)).toEqual(['up', 'down', 'up']);
  });

  it('times a run from its start ping to its end, pairing them by run id', async () => {
    const check = await create({ periodSeconds: 3600 });
    expect((await ping(`${check.pushToken}/start?rid=run-1`)).statusCode).toBe(200);
    // A start alone records nothing.
    expect(await results(check.id)).toEqual([]);
    await ping(`${check.pushToken}?rid=run-2`);
    expect((await results(check.id))[0].details.startedAt).toBeUndefined();
    await ping(`${check.pushToken}?rid=run-1`);
    const [ended] = await results(check.id);
    expect(ended.details).toMatchObject({ runId: 'run-1', startedAt: expect.any(Number) });
    expect(ended.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('answers 404 for an unknown token or a disabled check, and refuses a bad exit code or period', async () => {
    expect((await ping('A'.repeat(24))).statusCode).toBe(404);
    expect((await ping('short')).statusCode).toBe(400);
    const check = await create({ periodSeconds: 3600 });
    expect((await ping(`${check.pushToken}/300`)).statusCode).toBe(400);
    const read = await admin.request('GET', `${CHECKS}/${check.id}`);
    await admin.request('PATCH', `${CHECKS}/${check.id}`, { enabled: false }, { 'if-match': read.headers.etag as string });
    expect((await ping(check.pushToken as string)).statusCode).toBe(404);
    const bad = await admin.request('POST', CHECKS, { name: 'bad', type: 'push', config: { periodSeconds: 3600, schedule: '* * * * *' } });
    expect(bad.json().errors[0].path).toBe('config.periodSeconds');
    const zone = await admin.request('POST', CHECKS, {
      name: 'bad',
      type: 'push',
      config: { schedule: '0 3 * * *', timezone: 'Mars/Olympus' },
    });
    expect(zone.json().errors[0]).toMatchObject({ path: 'config.timezone' });
    const cron = await admin.request('POST', CHECKS, { name: 'bad', type: 'push', config: { schedule: '61 * * * *' } });
    expect(cron.json().errors[0].path).toBe('config.schedule');
  });

  it('goes down when a ping is missing past its period or schedule plus grace, and when a started run does not finish', async () => {
    let now = Date.UTC(2026, 6, 1, 12, 0, 0);
    const db = t.database.db as unknown as Kysely<MonitoringTables>;
    const sweeper = new PushService(db, t.estate.monitoring.registry, new CheckRecorder(db, undefined), () => now);
    const hourly = await create({ periodSeconds: 3600, graceSeconds: 600 }, 'hourly');
    const nightly = await create({ schedule: '0 3 * * *', timezone: 'Europe/Berlin', graceSeconds: 1800 }, 'nightly');
    await db.updateTable('checks').set({ created_at: now }).where('id', 'in', [hourly.id, nightly.id]).execute();
    // Other push checks of earlier tests are late too; only these two are looked at below.
    const stateOf = async (id: string) => (await admin.request('GET', `${CHECKS}/${id}`)).json().status;
    await sweeper.sweep();
    now += 3600_000 + 600_000 - 1;
    await sweeper.sweep();
    expect((await stateOf(hourly.id)).state).toBe('unknown');
    now += 2;
    await sweeper.sweep();
    const late = await stateOf(hourly.id);
    expect(late.state).toBe('down');
    expect(late.lastMessage).toMatch(/^No ping since 2026-07-01T12:00:00\.000Z; expected every 1 h \(grace 10 min\)$/);
    // Once per missed deadline: the next sweep records nothing new.
    const before = (await results(hourly.id)).length;
    await sweeper.sweep();
    expect((await results(hourly.id)).length).toBe(before);
    // 03:00 in Berlin in July is 01:00 UTC; with 30 minutes' grace the nightly job is late after 01:30 UTC.
    now = Date.UTC(2026, 6, 2, 1, 29, 0);
    await sweeper.sweep();
    expect((await stateOf(nightly.id)).state).not.toBe('down');
    now = Date.UTC(2026, 6, 2, 1, 31, 0);
    await sweeper.sweep();
    expect((await stateOf(nightly.id)).lastMessage).toMatch(/expected at "0 3 \* \* \*" Europe\/Berlin \(grace 30 min\)$/);

    const started = await create({ periodSeconds: 86_400, graceSeconds: 600 }, 'started');
    await db.updateTable('checks').set({ created_at: now, push_started_at: now, push_run_id: null }).where('id', '=', started.id).execute();
    now += 600_001;
    await sweeper.sweep();
    const unfinished = await stateOf(started.id);
    expect(unfinished.state).toBe('down');
    expect(unfinished.lastMessage).toMatch(/did not finish within the grace time$/);
  });
});
