import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../../platform/audit/audit-log';
import { type TestDatabase, testEngines } from '../../../platform/db/test-databases';
import type { OnCallNotice } from './escalation.runtime';
import { createOnCallPart, type OnCallPart } from './oncall-part';

const MIN = 60_000;
const T0 = Date.UTC(2026, 2, 2, 8, 0); // Monday 2026-03-02 08:00 UTC
const ctx = { actor: { type: 'system' as const, id: null, label: 'test' }, requestId: null, sourceIp: null };

describe.each(testEngines())('escalation runtime on $dialect', (engine) => {
  let database: TestDatabase;
  let part: OnCallPart;
  let clock = T0;
  let notices: OnCallNotice[] = [];
  let failNext = false;
  const users = { ann: '', bob: '', cat: '' };

  beforeAll(async () => {
    database = await engine.create();
    for (const name of Object.keys(users) as (keyof typeof users)[]) {
      const id = `0190b000-0000-7000-8000-00000000000${Object.keys(users).indexOf(name) + 1}`;
      users[name] = id;
      await database.db
        .insertInto('users')
        .values({
          id,
          email: `${name}@example.org`,
          name,
          role: 'operator',
          password_hash: 'x',
          created_at: T0,
          updated_at: T0,
          version: 1,
        })
        .execute();
    }
    part = createOnCallPart({
      db: database.db,
      dialect: database.dialect,
      audit: new AuditLog(database),
      now: () => clock,
      notify: async (_trx, notice) => {
        if (failNext) {
          failNext = false;
          throw new Error('delivery queue unavailable');
        }
        notices.push(notice);
      },
    });
  });
  afterAll(async () => database?.cleanup());
  beforeEach(() => {
    notices = [];
    clock = T0;
  });

  const pages = () =>
    notices.flatMap((n) =>
      n.kind === 'escalation'
        ? [`${n.incidentKey} p${n.pass}s${n.step} ${n.recipient.kind === 'user' ? n.recipient.userId : n.recipient.channelId}`]
        : [],
    );
  const trx = () => database.db;
  let counter = 0;
  const policy = async (steps: { targets: unknown[]; delayMinutes: number }[], repeat = 0) =>
    (await part.policyService.create({ name: `policy ${++counter}`, steps: steps as never, repeat }, ctx)).id;
  const schedule = async (participants: string[], handoffTime = '08:00') =>
    (
      await part.scheduleService.create(
        {
          name: `schedule ${++counter}`,
          timeZone: 'UTC',
          layers: [
            {
              id: 'main',
              name: 'Main',
              rotation: { participants, handoffTime, shiftLength: { count: 1, unit: 'days' }, startDate: '2026-03-01' },
            },
          ],
        },
        ctx,
      )
    ).id;

  it('pages the first step at start, the next after its delay, repeats, and never twice for the same step', async () => {
    const id = await policy(
      [
        { targets: [{ kind: 'user', userId: users.ann }], delayMinutes: 5 },
        { targets: [{ kind: 'channel', channelId: 'ops' }], delayMinutes: 10 },
      ],
      1,
    );
    expect(await part.escalations.start(trx(), { incidentKey: 'inc-1', policyId: id, alert: { title: 'Disk full' } })).toBe(true);
    expect(pages()).toEqual([`inc-1 p0s0 ${users.ann}`]);
    // Starting again for the same incident is a no-op.
    expect(await part.escalations.start(trx(), { incidentKey: 'inc-1', policyId: id, alert: { title: 'Disk full' } })).toBe(false);
    expect(pages()).toHaveLength(1);

    await part.escalations.tick(T0 + 5 * MIN - 1);
    expect(pages()).toHaveLength(1);
    await part.escalations.tick(T0 + 5 * MIN);
    expect(pages()).toEqual([`inc-1 p0s0 ${users.ann}`, 'inc-1 p0s1 ops']);
    await part.escalations.tick(T0 + 5 * MIN);
    expect(pages()).toHaveLength(2);
    // The repeat begins 10 minutes after the last step: both repeated steps, each once, when ticks came late.
    await part.escalations.tick(T0 + 30 * MIN);
    await part.escalations.tick(T0 + 30 * MIN);
    expect(pages()).toEqual([`inc-1 p0s0 ${users.ann}`, 'inc-1 p0s1 ops', `inc-1 p1s0 ${users.ann}`, 'inc-1 p1s1 ops']);
    expect(notices.find((n) => n.kind === 'escalation')).toMatchObject({ alert: { title: 'Disk full' }, at: T0, policyId: id });
    await part.escalations.tick(T0 + 300 * MIN);
    expect(pages()).toHaveLength(4);
  });

  it('stops at acknowledgement and at resolution', async () => {
    const id = await policy([
      { targets: [{ kind: 'user', userId: users.ann }], delayMinutes: 5 },
      { targets: [{ kind: 'user', userId: users.bob }], delayMinutes: 5 },
    ]);
    await part.escalations.start(trx(), { incidentKey: 'inc-ack', policyId: id, alert: {} });
    clock = T0 + 4 * MIN;
    expect(await part.escalations.acknowledge(trx(), 'inc-ack', users.ann)).toBe(true);
    expect(await part.escalations.acknowledge(trx(), 'inc-ack', users.bob)).toBe(false);
    await part.escalations.tick(T0 + 60 * MIN);
    expect(pages()).toEqual([`inc-ack p0s0 ${users.ann}`]);
    const row = await database.db.selectFrom('escalations').selectAll().where('incident_key', '=', 'inc-ack').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ acknowledged_by: users.ann, next_at: null });
    expect(Number(row.acknowledged_at)).toBe(T0 + 4 * MIN);

    clock = T0;
    await part.escalations.start(trx(), { incidentKey: 'inc-res', policyId: id, alert: {} });
    expect(await part.escalations.resolve(trx(), 'inc-res')).toBe(true);
    await part.escalations.tick(T0 + 60 * MIN);
    expect(pages()).toEqual([`inc-ack p0s0 ${users.ann}`, `inc-res p0s0 ${users.ann}`]);
  });

  it('resolves schedules to who is on call at the step, skips empty steps at once', async () => {
    const rota = await schedule([users.bob, users.cat]);
    const nobody = await part.scheduleService.create({ name: `empty ${++counter}`, timeZone: 'UTC', layers: [] }, ctx);
    const id = await policy([
      { targets: [{ kind: 'schedule', scheduleId: nobody.id }], delayMinutes: 30 },
      { targets: [{ kind: 'schedule', scheduleId: rota }], delayMinutes: 60 },
      { targets: [{ kind: 'schedule', scheduleId: rota }], delayMinutes: 0 },
    ]);
    // 2026-03-02 07:30: the rotation started 2026-03-01 08:00 with bob, so bob's turn runs until 08:00 today.
    clock = T0 - 30 * MIN;
    await part.escalations.start(trx(), { incidentKey: 'inc-sched', policyId: id, alert: {} });
    // The empty schedule's step is skipped; the rotation's step pages bob at once.
    expect(pages()).toEqual([`inc-sched p0s1 ${users.bob}`]);
    await part.escalations.tick(T0 + 30 * MIN);
    // An hour later it is cat's turn.
    expect(pages()).toEqual([`inc-sched p0s1 ${users.bob}`, `inc-sched p0s2 ${users.cat}`]);
  });

  it('rolls back a tick whose hand-over fails, and pages on the next tick', async () => {
    const id = await policy([
      { targets: [{ kind: 'user', userId: users.ann }], delayMinutes: 1 },
      { targets: [{ kind: 'user', userId: users.bob }], delayMinutes: 1 },
    ]);
    await part.escalations.start(trx(), { incidentKey: 'inc-fail', policyId: id, alert: {} });
    failNext = true;
    await expect(part.escalations.tick(T0 + MIN)).rejects.toThrow('delivery queue unavailable');
    await part.escalations.tick(T0 + MIN);
    expect(pages()).toEqual([`inc-fail p0s0 ${users.ann}`, `inc-fail p0s1 ${users.bob}`]);
  });

  it('announces each handoff since the previous tick once', async () => {
    const rota = await schedule([users.ann, users.bob], '09:00');
    const handoffs = () => notices.flatMap((n) => (n.kind === 'handoff' && n.scheduleId === rota ? [n] : []));
    // The first tick only marks where it looked.
    await part.escalations.tick(T0);
    expect(handoffs()).toEqual([]);
    await part.escalations.tick(T0 + 60 * MIN - 1);
    expect(handoffs()).toEqual([]);
    // Ann hands over to Bob at 09:00; ticks run twice, and late.
    await part.escalations.tick(T0 + 61 * MIN);
    await part.escalations.tick(T0 + 61 * MIN);
    await part.escalations.tick(T0 + 62 * MIN);
    expect(handoffs()).toEqual([
      expect.objectContaining({ at: T0 + 60 * MIN, from: users.ann, to: users.bob, scheduleName: expect.any(String) }),
    ]);
  });
});
