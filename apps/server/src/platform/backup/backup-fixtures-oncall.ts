// biome-ignore-all lint/suspicious/noExplicitAny: fixtures write every table.
import type { Kysely } from 'kysely';

const T0 = 1_726_000_000_000;
const SCHEDULE = '0190a000-0000-7000-8000-0000000003a1';
const POLICY = '0190a000-0000-7000-8000-0000000003a2';

/**
 * Rows for every table of migration 0031 (on-call): a schedule with a restricted layer and an override, a policy
 * with user, schedule and channel targets, a revoked and a live feed token, an acknowledged escalation with progress,
 * and a handoff mark.
 */
export async function fillOnCall(db: Kysely<any>, json: (v: unknown) => string, userId: string): Promise<void> {
  await db
    .insertInto('oncall_schedules')
    .values({
      id: SCHEDULE,
      name: 'Primäre Bereitschaft 🛎',
      time_zone: 'Europe/Berlin',
      definition: json({
        layers: [
          {
            id: 'day',
            name: 'Days',
            rotation: { participants: [userId], handoffTime: '09:00', shiftLength: { count: 1, unit: 'weeks' }, startDate: '2026-03-02' },
            restrictions: [{ kind: 'daily', start: '09:00', end: '17:00', days: [1, 2, 3, 4, 5] }],
          },
        ],
        overrides: [{ id: 'o1', person: userId, start: T0, end: T0 + 3_600_000 }],
      }),
      created_by: userId,
      created_at: T0,
      updated_at: T0 + 1,
      version: 2,
    })
    .execute();
  await db
    .insertInto('escalation_policies')
    .values({
      id: POLICY,
      name: 'Wake "someone" up',
      steps: json([
        { targets: [{ kind: 'schedule', scheduleId: SCHEDULE }], delayMinutes: 5 },
        {
          targets: [
            { kind: 'user', userId },
            { kind: 'channel', channelId: 'ops-room' },
          ],
          delayMinutes: 0,
        },
      ]),
      repeat: 2,
      created_by: null,
      created_at: T0,
      updated_at: T0,
      version: 1,
    })
    .execute();
  await db
    .insertInto('oncall_feed_tokens')
    .values([
      {
        id: '0190a000-0000-7000-8000-0000000003b1',
        kind: 'schedule',
        subject_id: SCHEDULE,
        token_hash: 'a'.repeat(64),
        created_by: userId,
        created_at: T0,
        revoked_at: T0 + 5,
      },
      {
        id: '0190a000-0000-7000-8000-0000000003b2',
        kind: 'user',
        subject_id: userId,
        token_hash: 'b'.repeat(64),
        created_by: userId,
        created_at: T0,
        revoked_at: null,
      },
    ])
    .execute();
  await db
    .insertInto('escalations')
    .values({
      id: '0190a000-0000-7000-8000-0000000003c1',
      incident_key: 'alert:{"alertname":"Down"}',
      policy_id: POLICY,
      alert: json({ title: 'Host down', labels: { alertname: 'Down', severity: 'page' } }),
      started_at: T0,
      acknowledged_at: T0 + 60_000,
      acknowledged_by: userId,
      resolved_at: null,
      progress: json({ handled: ['0:0'] }),
      next_at: null,
      updated_at: T0 + 60_000,
    })
    .execute();
  await db
    .insertInto('oncall_handoff_marks')
    .values({ schedule_id: SCHEDULE, checked_until: T0 + 15_000 })
    .execute();
}
