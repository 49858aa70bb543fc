import type { EscalationPolicy, OnCallSchedule } from '@estate/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../../test/harness';

const SCHEDULES = '/api/v1/schedules';
const POLICIES = '/api/v1/escalation-policies';
const DAY = 86_400_000;
const HOUR = 3_600_000;

describe.each(testEngines())('on-call API on $dialect', (engine) => {
  let t: TestEstate;
  let admin: Agent;
  let viewer: Agent;
  let ann: Agent;
  let bob: Agent;
  const idOf = (agent: Agent) => agent.me?.user.id as string;

  beforeAll(async () => {
    t = await createTestEstate(engine);
    admin = await t.setupAdmin();
    viewer = await t.userWithRole('viewer');
    ann = await t.userWithRole('operator', 'ann@example.org');
    bob = await t.userWithRole('operator', 'bob@example.org');
  });
  afterAll(async () => t?.close());

  const today = () => new Date().toISOString().slice(0, 10);
  /** A daily rotation of Ann then Bob, handing over at 00:00 UTC, starting yesterday. */
  const twoPeople = (name: string) => ({
    name,
    timeZone: 'UTC',
    layers: [
      {
        id: 'main',
        name: 'Main',
        rotation: {
          participants: [idOf(ann), idOf(bob)],
          handoffTime: '00:00',
          shiftLength: { count: 1, unit: 'days' },
          startDate: new Date(Date.now() - DAY).toISOString().slice(0, 10),
        },
      },
    ],
  });
  const audited = async (action: string, targetId: string) =>
    t.database.db.selectFrom('audit_events').select('action').where('action', '=', action).where('target_id', '=', targetId).execute();

  it('creates, reads, changes with If-Match and deletes a schedule, auditing each change', async () => {
    const created = await admin.request('POST', SCHEDULES, twoPeople('Primary'));
    expect(created.statusCode, created.body).toBe(201);
    const schedule = created.json() as OnCallSchedule;
    expect(schedule).toMatchObject({ name: 'Primary', timeZone: 'UTC', version: 1, overrides: [], warnings: [] });
    expect(created.headers.etag).toBe(`"${schedule.id}.1"`);

    const read = await viewer.request('GET', `${SCHEDULES}/${schedule.id}`);
    expect(read.statusCode).toBe(200);
    expect((await viewer.request('GET', SCHEDULES)).json().items.map((s: OnCallSchedule) => s.name)).toContain('Primary');

    expect((await admin.request('PATCH', `${SCHEDULES}/${schedule.id}`, { name: 'Primary on-call' })).statusCode).toBe(428);
    const changed = await admin.request(
      'PATCH',
      `${SCHEDULES}/${schedule.id}`,
      { name: 'Primary on-call' },
      { 'if-match': read.headers.etag as string },
    );
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ name: 'Primary on-call', version: 2 });
    const stale = await admin.request(
      'PATCH',
      `${SCHEDULES}/${schedule.id}`,
      { name: 'Stale' },
      { 'if-match': read.headers.etag as string },
    );
    expect(stale.statusCode).toBe(412);

    expect((await admin.request('POST', SCHEDULES, { ...twoPeople('Primary on-call') })).statusCode).toBe(409);
    expect((await viewer.request('POST', SCHEDULES, twoPeople('Viewer'))).statusCode).toBe(403);

    const gone = await admin.request('DELETE', `${SCHEDULES}/${schedule.id}`, undefined, { 'if-match': changed.headers.etag as string });
    expect(gone.statusCode).toBe(204);
    expect((await admin.request('GET', `${SCHEDULES}/${schedule.id}`)).statusCode).toBe(404);
    expect((await audited('schedule.create', schedule.id)).length).toBe(1);
    expect((await audited('schedule.update', schedule.id)).length).toBe(1);
    expect((await audited('schedule.delete', schedule.id)).length).toBe(1);
  });

  it('refuses an uncomputable schedule with 400 naming the field, and warns of gaps', async () => {
    const bad = twoPeople('Bad');
    const res = await admin.request('POST', SCHEDULES, {
      ...bad,
      timeZone: 'Mars/Olympus',
      layers: [
        {
          ...bad.layers[0],
          rotation: { ...bad.layers[0]?.rotation, handoffTime: '25:00', participants: ['0190c000-0000-7000-8000-000000000099'] },
        },
      ],
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    const paths = res.json().errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['timeZone', 'layers[0].rotation.handoffTime', 'layers[0].rotation.participants[0]']));

    const office = twoPeople('Office hours');
    const weekdays = await admin.request('POST', SCHEDULES, {
      ...office,
      layers: [{ ...office.layers[0], restrictions: [{ kind: 'daily', start: '09:00', end: '17:00', days: [1, 2, 3, 4, 5] }] }],
    });
    expect(weekdays.statusCode, weekdays.body).toBe(201);
    expect(weekdays.json().warnings[0]).toMatchObject({ path: 'layers', message: expect.stringMatching(/^Nobody is on call from /) });
  });

  it('answers who is on call, the final shifts with overrides, and my on-call', async () => {
    const schedule = (await admin.request('POST', SCHEDULES, twoPeople('Who'))).json() as OnCallSchedule;
    const midnight = Date.parse(`${today()}T00:00:00Z`);
    // Yesterday was Ann's turn, today is Bob's.
    const now = await viewer.request('GET', `${SCHEDULES}/${schedule.id}/on-call`);
    expect(now.json().person).toMatchObject({ id: idOf(bob), email: 'bob@example.org' });
    const before = await viewer.request('GET', `${SCHEDULES}/${schedule.id}/on-call?at=${midnight - 1}`);
    expect(before.json()).toMatchObject({ at: midnight - 1, person: { id: idOf(ann) }, source: { kind: 'layer', layerId: 'main' } });

    // The override is tomorrow (Ann's day), so what it changes never depends on the hour the test runs at.
    const tomorrow = midnight + DAY;
    const added = await admin.request('POST', `${SCHEDULES}/${schedule.id}/overrides`, {
      person: idOf(bob),
      start: tomorrow + 2 * HOUR,
      end: tomorrow + 3 * HOUR,
    });
    expect(added.statusCode, added.body).toBe(201);
    const overrideId = added.json().overrides[0].id as string;
    const shifts = await viewer.request('GET', `${SCHEDULES}/${schedule.id}/shifts?from=${tomorrow}&to=${tomorrow + DAY}`);
    expect(shifts.statusCode).toBe(200);
    expect(
      shifts
        .json()
        .items.map((s: { person: { id: string }; start: number; source: { kind: string } }) => [
          s.person.id,
          s.start - tomorrow,
          s.source.kind,
        ]),
    ).toEqual([
      [idOf(ann), 0, 'layer'],
      [idOf(bob), 2 * HOUR, 'override'],
      [idOf(ann), 3 * HOUR, 'layer'],
    ]);
    const tooLong = await viewer.request('GET', `${SCHEDULES}/${schedule.id}/shifts?from=${midnight}&to=${midnight + 100 * DAY}`);
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().errors[0].path).toBe('to');

    const mine = (await bob.request('GET', '/api/v1/oncall/me')).json();
    expect(mine.current).toEqual(expect.arrayContaining([expect.objectContaining({ scheduleId: schedule.id, start: midnight })]));
    const annNext = (await ann.request('GET', '/api/v1/oncall/me')).json();
    expect(annNext.next.find((s: { scheduleId: string }) => s.scheduleId === schedule.id)).toBeDefined();

    const removed = await admin.request('DELETE', `${SCHEDULES}/${schedule.id}/overrides/${overrideId}`);
    expect(removed.statusCode).toBe(200);
    expect(removed.json().overrides).toEqual([]);
    expect((await admin.request('DELETE', `${SCHEDULES}/${schedule.id}/overrides/${overrideId}`)).statusCode).toBe(404);
    expect((await audited('schedule.override.add', schedule.id)).length).toBe(1);
    expect((await audited('schedule.override.remove', schedule.id)).length).toBe(1);
  });

  it('keeps escalation policies, validated by the library and by their targets', async () => {
    const schedule = (await admin.request('POST', SCHEDULES, twoPeople('Escalate to'))).json() as OnCallSchedule;
    const body = {
      name: 'Default',
      steps: [
        { targets: [{ kind: 'schedule', scheduleId: schedule.id }], delayMinutes: 5 },
        {
          targets: [
            { kind: 'user', userId: idOf(admin) },
            { kind: 'channel', channelId: 'ops-chat' },
          ],
          delayMinutes: 10,
        },
      ],
      repeat: 1,
    };
    const created = await admin.request('POST', POLICIES, body);
    expect(created.statusCode, created.body).toBe(201);
    const policy = created.json() as EscalationPolicy;
    expect(policy).toMatchObject({ name: 'Default', repeat: 1, version: 1, steps: body.steps });

    const invalid = await admin.request('POST', POLICIES, { name: 'Bad', steps: [{ targets: [], delayMinutes: 0 }], repeat: 2 });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().errors.map((e: { path: string }) => e.path)).toEqual(['steps[0].targets', 'repeat']);
    const unknown = await admin.request('POST', POLICIES, {
      name: 'Unknown',
      steps: [{ targets: [{ kind: 'schedule', scheduleId: '0190c000-0000-7000-8000-000000000099' }], delayMinutes: 0 }],
    });
    expect(unknown.json().errors[0].path).toBe('steps[0].targets[0].scheduleId');

    const etag = created.headers.etag as string;
    const changed = await admin.request('PATCH', `${POLICIES}/${policy.id}`, { repeat: 0 }, { 'if-match': etag });
    expect(changed.json()).toMatchObject({ repeat: 0, version: 2 });
    expect((await viewer.request('GET', POLICIES)).json().items).toHaveLength(1);
    expect((await viewer.request('PATCH', `${POLICIES}/${policy.id}`, { repeat: 0 }, { 'if-match': etag })).statusCode).toBe(403);
    const gone = await admin.request('DELETE', `${POLICIES}/${policy.id}`, undefined, { 'if-match': changed.headers.etag as string });
    expect(gone.statusCode).toBe(204);
    expect((await audited('escalation_policy.create', policy.id)).length).toBe(1);
    expect((await audited('escalation_policy.delete', policy.id)).length).toBe(1);
  });

  it('serves calendar feeds to their token only, until it is revoked', async () => {
    const schedule = (await admin.request('POST', SCHEDULES, twoPeople('Feed'))).json() as OnCallSchedule;
    const created = await viewer.request('POST', '/api/v1/oncall/feed-tokens', { kind: 'schedule', scheduleId: schedule.id });
    expect(created.statusCode, created.body).toBe(201);
    const { token, secret, url } = created.json();
    expect(url).toBe(`/api/v1/schedules/${schedule.id}/calendar.ics?token=${secret}`);
    const stored = await t.database.db
      .selectFrom('oncall_feed_tokens')
      .select('token_hash')
      .where('id', '=', token.id)
      .executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(secret);

    const anonymous = t.anonymous();
    const feed = await anonymous.request('GET', url);
    expect(feed.statusCode).toBe(200);
    expect(feed.headers['content-type']).toMatch(/^text\/calendar/);
    expect(feed.body).toContain('BEGIN:VCALENDAR');
    expect(feed.body).toContain('SUMMARY:On call: operator');
    // The token opens that feed only.
    expect((await anonymous.request('GET', `/api/v1/users/${idOf(viewer)}/calendar.ics?token=${secret}`)).statusCode).toBe(404);
    expect((await anonymous.request('GET', `${SCHEDULES}/${schedule.id}/calendar.ics?token=wrong`)).statusCode).toBe(404);
    expect((await anonymous.request('GET', `${SCHEDULES}/${schedule.id}`)).statusCode).toBe(401);

    expect((await ann.request('POST', '/api/v1/oncall/feed-tokens', { kind: 'schedule' })).json().errors[0].path).toBe('scheduleId');
    const mine = (await ann.request('POST', '/api/v1/oncall/feed-tokens', { kind: 'user' })).json();
    const personal = await anonymous.request('GET', mine.url);
    expect(personal.statusCode).toBe(200);
    expect(personal.body).toContain('SUMMARY:On call: Feed');

    // Another viewer cannot revoke it (an operator, with alerting:write, could).
    const otherViewer = await t.userWithRole('viewer');
    expect((await otherViewer.request('DELETE', `/api/v1/oncall/feed-tokens/${token.id}`)).statusCode).toBe(404);
    expect((await viewer.request('GET', '/api/v1/oncall/feed-tokens')).json().items).toEqual([
      expect.objectContaining({ id: token.id, revokedAt: null }),
    ]);
    expect((await viewer.request('DELETE', `/api/v1/oncall/feed-tokens/${token.id}`)).statusCode).toBe(204);
    expect((await anonymous.request('GET', url)).statusCode).toBe(404);
    expect((await audited('oncall.feed_token.revoke', token.id)).length).toBe(1);
  });
});
