import { describe, expect, it } from 'vitest';
import {
  type EscalationPolicy,
  escalationAlertOf,
  escalationDue,
  type OnCallLookup,
  scheduleLookup,
  validateEscalationPolicy,
} from './escalation';
import { at, buildLayer, buildSchedule } from './schedule.fixtures';

const T0 = at('2026-01-06T10:00:00Z'); // Tuesday 11:00 in Berlin: bob's turn on primary, cy's office hours
const min = (n: number) => T0 + n * 60_000;

const primary = buildSchedule({ id: 'primary', layers: [buildLayer('l', { participants: ['ada', 'bob'] })] });
// Office hours only: nobody on call at night or at weekends.
const office = buildSchedule({
  id: 'office',
  layers: [
    buildLayer('l', { participants: ['cy'] }, { restrictions: [{ kind: 'daily', start: '09:00', end: '17:00', days: [1, 2, 3, 4, 5] }] }),
  ],
});
const onCall = scheduleLookup([primary, office]);

const policy: EscalationPolicy = {
  id: 'p1',
  name: 'Platform',
  repeat: 1,
  steps: [
    {
      targets: [
        { kind: 'schedule', scheduleId: 'primary' },
        { kind: 'channel', channelId: 'ops-room' },
      ],
      delayMinutes: 5,
    },
    { targets: [{ kind: 'schedule', scheduleId: 'office' }], delayMinutes: 10 },
    { targets: [{ kind: 'user', userId: 'dee' }], delayMinutes: 15 },
  ],
};

const summary = (notifications: ReturnType<typeof escalationDue>['notifications']) =>
  notifications.map((n) => [
    (n.at - T0) / 60_000,
    n.pass,
    n.step,
    n.recipient.kind === 'user' ? n.recipient.userId : `#${n.recipient.channelId}`,
  ]);

describe('escalation', () => {
  it('notifies each step on time, then repeats, and stops after the last repeat', () => {
    const unacked = { triggeredAt: T0, acknowledgedAt: null };
    const progress = escalationDue(unacked, policy, onCall, min(1000));
    expect(summary(progress.notifications)).toEqual([
      [0, 0, 0, 'bob'],
      [0, 0, 0, '#ops-room'],
      [5, 0, 1, 'cy'],
      [15, 0, 2, 'dee'],
      [30, 1, 0, 'bob'],
      [30, 1, 0, '#ops-room'],
      [35, 1, 1, 'cy'],
      [45, 1, 2, 'dee'],
    ]);
    expect(progress.nextAt).toBeNull();
    expect(progress.notifications[0]?.via).toEqual({ kind: 'schedule', scheduleId: 'primary' });
  });

  it('has nothing due before its time and says when it next acts', () => {
    const unacked = { triggeredAt: T0, acknowledgedAt: null };
    const justBefore = escalationDue(unacked, policy, onCall, min(5) - 1);
    expect(summary(justBefore.notifications)).toEqual([
      [0, 0, 0, 'bob'],
      [0, 0, 0, '#ops-room'],
    ]);
    expect(justBefore.nextAt).toBe(min(5));
    const onTime = escalationDue(unacked, policy, onCall, min(5));
    expect(summary(onTime.notifications).at(-1)).toEqual([5, 0, 1, 'cy']);
    expect(onTime.nextAt).toBe(min(15));
  });

  it('sends nothing at or after acknowledgement', () => {
    const acked = escalationDue({ triggeredAt: T0, acknowledgedAt: min(15) }, policy, onCall, min(1000));
    expect(summary(acked.notifications).map((n) => n[0])).toEqual([0, 0, 5]);
    expect(acked.nextAt).toBeNull();
    const resolved = escalationDue({ triggeredAt: T0, acknowledgedAt: null, resolvedAt: min(3) }, policy, onCall, min(1000));
    expect(resolved.notifications).toHaveLength(2);
  });

  it('skips a step whose targets resolve to nobody and moves on at once', () => {
    // Saturday: the office schedule has nobody, so dee is paged 5 minutes in instead of 15.
    const saturday = at('2026-01-10T10:00:00Z');
    const progress = escalationDue(
      { triggeredAt: saturday, acknowledgedAt: null },
      { ...policy, repeat: 0 },
      onCall,
      saturday + 60 * 60_000,
    );
    expect(progress.notifications.map((n) => [(n.at - saturday) / 60_000, n.step])).toEqual([
      [0, 0],
      [0, 0],
      [5, 2],
    ]);
    expect(progress.skipped).toEqual([{ at: saturday + 5 * 60_000, pass: 0, step: 1 }]);
  });

  it('resolves a schedule at the instant the step fires, and tells a person once per step', () => {
    // A lookup whose schedule hands over from ada to bob 20 minutes in; the second pass lands after it.
    const lookup: OnCallLookup = (id, when) => (id === 'primary' ? (when < at('2026-01-06T10:20:00Z') ? 'ada' : 'bob') : null);
    const twice: EscalationPolicy = {
      id: 'p2',
      name: 'Twice',
      repeat: 1,
      steps: [
        {
          targets: [
            { kind: 'schedule', scheduleId: 'primary' },
            { kind: 'user', userId: 'ada' },
            { kind: 'schedule', scheduleId: 'gone' },
          ],
          delayMinutes: 30,
        },
      ],
    };
    const progress = escalationDue({ triggeredAt: T0, acknowledgedAt: null }, twice, lookup, min(100));
    expect(summary(progress.notifications)).toEqual([
      [0, 0, 0, 'ada'],
      [30, 1, 0, 'bob'],
      [30, 1, 0, 'ada'],
    ]);
  });

  it('reads the trigger and resolution times from a shared-model alert', () => {
    const alert = {
      labels: {},
      annotations: {},
      state: 'inactive' as const,
      activeAt: min(-3),
      firedAt: T0,
      resolvedAt: min(7),
      value: 1,
      source: 'rule:1',
    };
    const progress = escalationDue(escalationAlertOf(alert, null), policy, onCall, min(1000));
    expect(summary(progress.notifications).map((n) => n[0])).toEqual([0, 0, 5]);
    expect(escalationAlertOf({ ...alert, firedAt: null, resolvedAt: null }, min(1))).toEqual({
      triggeredAt: min(-3),
      acknowledgedAt: min(1),
      resolvedAt: null,
    });
  });

  it('validates policies', () => {
    expect(validateEscalationPolicy(policy)).toEqual([]);
    const bad: EscalationPolicy = {
      id: 'x',
      name: 'x',
      repeat: 2,
      steps: [
        { targets: [], delayMinutes: 0 },
        { targets: [{ kind: 'user', userId: 'a' }], delayMinutes: -1 },
      ],
    };
    expect(validateEscalationPolicy(bad).map((issue) => issue.path)).toEqual(['steps[0].targets', 'steps[1].delayMinutes']);
    const spin: EscalationPolicy = {
      id: 'y',
      name: 'y',
      repeat: 3,
      steps: [{ targets: [{ kind: 'user', userId: 'a' }], delayMinutes: 0 }],
    };
    expect(validateEscalationPolicy(spin)).toEqual([
      { path: 'repeat', message: 'a repeating policy needs a delay on some step, or every repeat would notify at the same instant' },
    ]);
    expect(() => escalationDue({ triggeredAt: 0, acknowledgedAt: null }, spin, onCall, 1)).toThrow(/invalid escalation policy y/);
  });
});
