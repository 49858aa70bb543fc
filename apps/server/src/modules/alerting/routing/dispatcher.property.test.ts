/*
 * Properties of the notification pipeline over random event sequences (fast-check): alerts firing and resolving,
 * silences created and expired, time passing across a muted day. Oracles are computed from the event history, not
 * from the dispatcher's state.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Alert, type Labels, labelsFingerprint } from '../alert-model';
import { type DispatcherState, type Notification, NotificationDispatcher } from './dispatcher';
import { type Matcher, matchersMatch, parseMatchers } from './matchers';
import { groupKeyOf, groupLabelsOf, matchRoutes } from './route-matching';
import { firingAlert, resolvedAlert } from './routing.fixtures';
import { parseRoutingConfig } from './routing-config';

const config = parseRoutingConfig(`
route:
  receiver: root
  group_by: [alertname]
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 1h
  routes:
    - matchers: [team="db"]
      receiver: db
      continue: true
      group_wait: 10s
      group_interval: 2m
    - matchers: [severity="page"]
      receiver: pager
      group_by: ['...']
      mute_time_intervals: [sundays]
receivers: [{name: root}, {name: db}, {name: pager}]
inhibit_rules:
  - source_matchers: [severity="page"]
    target_matchers: [severity="info"]
    equal: [alertname]
time_intervals:
  - name: sundays
    time_intervals: [{weekdays: [sunday]}]
`);

const LABEL_SETS: Labels[] = [];
for (const alertname of ['A', 'B'])
  for (const team of ['db', 'web'])
    for (const severity of ['page', 'info', 'none'])
      for (const instance of ['1', '2']) LABEL_SETS.push({ alertname, team, severity, instance });

const SILENCE_MATCHERS: Matcher[][] = ['alertname="A"', 'team="db"', 'severity=~"page|info"', 'instance="2", alertname="B"'].map((text) =>
  parseMatchers(text),
);

type Event =
  | { kind: 'fire'; alert: number }
  | { kind: 'resolve'; alert: number }
  | { kind: 'silence'; matchers: number; minutes: number }
  | { kind: 'expire'; silence: number };

// A few alerts come up often, so the same one fires, resolves and fires again within a group's interval.
const alertArb = fc.oneof({ weight: 2, arbitrary: fc.nat(3) }, { weight: 1, arbitrary: fc.nat(LABEL_SETS.length - 1) });
const eventArb: fc.Arbitrary<Event> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('fire' as const), alert: alertArb }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('resolve' as const), alert: alertArb }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('silence' as const),
      matchers: fc.nat(SILENCE_MATCHERS.length - 1),
      minutes: fc.integer({ min: 1, max: 90 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('expire' as const), silence: fc.nat(7) }) },
);
// Mostly short gaps, so alerts fire and resolve within one group_interval; sometimes long ones, past repeat_interval.
const gapArb = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: 1, max: 180 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 7_200 }) },
);
const stepsArb = fc.array(fc.record({ dtSeconds: gapArb, event: eventArb }), { maxLength: 80 });
// A Saturday evening (runs cross into the muted Sunday) and a Wednesday, both UTC.
const startArb = fc.constantFrom(Date.parse('2026-03-28T22:30:00Z'), Date.parse('2026-03-25T09:00:00Z'));

interface SilenceVersion {
  id: string;
  matchers: Matcher[];
  startsAt: number;
  endsAt: number;
  putAt: number;
}

interface Run {
  notifications: Notification[];
  firings: { alert: number; at: number }[];
  resolves: { alert: number; at: number }[];
  silences: SilenceVersion[];
  end: number;
}

/** Runs the events; with `restartAfter`, the dispatcher is exported to JSON and restored after that many steps. */
function simulate(start: number, steps: readonly { dtSeconds: number; event: Event }[], restartAfter = -1): Run {
  let dispatcher = new NotificationDispatcher(config);
  const run: Run = { notifications: [], firings: [], resolves: [], silences: [], end: start };
  const firingSince = new Map<number, number>();
  let now = start;
  for (const [index, { dtSeconds, event }] of steps.entries()) {
    if (index === restartAfter) {
      const state = JSON.parse(JSON.stringify(dispatcher.exportState())) as DispatcherState;
      dispatcher = NotificationDispatcher.restore(config, state);
      for (const version of latestVersions(run.silences, now + 1)) {
        dispatcher.putSilence({ ...version, createdBy: 'fuzz', comment: 'restored' }, now);
      }
    }
    now += dtSeconds * 1_000;
    run.notifications.push(...dispatcher.advance(now));
    if (event.kind === 'fire' && !firingSince.has(event.alert)) {
      firingSince.set(event.alert, now);
      run.firings.push({ alert: event.alert, at: now });
      dispatcher.receive(firingAlert(LABEL_SETS[event.alert] ?? {}, now), now);
    } else if (event.kind === 'resolve' && firingSince.has(event.alert)) {
      const since = firingSince.get(event.alert) ?? now;
      firingSince.delete(event.alert);
      run.resolves.push({ alert: event.alert, at: now });
      dispatcher.receive(resolvedAlert(LABEL_SETS[event.alert] ?? {}, since, now), now);
    } else if (event.kind === 'silence') {
      const version = {
        id: `s${run.silences.length}`,
        matchers: SILENCE_MATCHERS[event.matchers] ?? [],
        startsAt: now,
        endsAt: now + event.minutes * 60_000,
        putAt: now,
      };
      run.silences.push(version);
      dispatcher.putSilence({ ...version, createdBy: 'fuzz', comment: 'property test' }, now);
    } else if (event.kind === 'expire') {
      const current = latestVersions(run.silences, now + 1).find((s) => s.id === `s${event.silence}`);
      if (current && current.endsAt > now) {
        const version = { ...current, endsAt: now, putAt: now };
        run.silences.push(version);
        dispatcher.putSilence({ ...version, createdBy: 'fuzz', comment: 'expired early' }, now);
      }
    }
  }
  // Let every group run out its timers (well past group_wait + group_interval of the last event).
  run.end = now + 3_600_000;
  run.notifications.push(...dispatcher.advance(run.end));
  return run;
}

/** The silence definitions a flush at `at` sees: the last put of each id before `at`. */
function latestVersions(versions: readonly SilenceVersion[], at: number): SilenceVersion[] {
  const byId = new Map<string, SilenceVersion>();
  for (const version of versions) if (version.putAt < at) byId.set(version.id, version);
  return [...byId.values()];
}

function silencedAt(versions: readonly SilenceVersion[], labels: Labels, at: number): boolean {
  return latestVersions(versions, at).some((s) => s.startsAt <= at && at < s.endsAt && matchersMatch(s.matchers, labels));
}

function all(notification: Notification): Alert[] {
  return [...notification.firing, ...notification.resolved].map((entry) => entry.alert);
}

describe('notification pipeline properties', () => {
  it('never notifies an alert while a silence matching it is active', () => {
    fc.assert(
      fc.property(startArb, stepsArb, (start, steps) => {
        const run = simulate(start, steps);
        for (const notification of run.notifications) {
          for (const alert of all(notification)) {
            expect(silencedAt(run.silences, alert.labels, notification.at)).toBe(false);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('sends a recovery only after a firing notification of that episode to the same receiver and group', () => {
    fc.assert(
      fc.property(startArb, stepsArb, (start, steps) => {
        const run = simulate(start, steps);
        const told = new Set<string>();
        for (const n of run.notifications) {
          for (const { fingerprint, alert } of n.resolved) {
            expect(told.has(`${n.receiver}|${n.groupKey}|${fingerprint}|${alert.firedAt}`)).toBe(true);
          }
          for (const { fingerprint, alert } of n.firing) told.add(`${n.receiver}|${n.groupKey}|${fingerprint}|${alert.firedAt}`);
          expect(n.firing.length + n.resolved.length).toBeGreaterThan(0);
        }
        expect(new Set(run.notifications.map((n) => n.dedupKey)).size).toBe(run.notifications.length);
      }),
      { numRuns: 300 },
    );
  });

  it('notifies every firing alert within group_wait + group_interval unless it resolved, was silenced, inhibited or muted', () => {
    fc.assert(
      fc.property(startArb, stepsArb, (start, steps) => {
        const run = simulate(start, steps);
        for (const firing of run.firings) {
          const labels = LABEL_SETS[firing.alert] ?? {};
          const fingerprint = labelsFingerprint(labels);
          for (const route of matchRoutes(config.route, labels)) {
            const deadline = firing.at + route.groupWaitMs + route.groupIntervalMs;
            if (deadline > run.end) continue;
            const resolvedInWindow = run.resolves.some((r) => r.alert === firing.alert && r.at > firing.at && r.at <= deadline);
            if (resolvedInWindow || mayBeSilenced(run, labels, firing.at, deadline)) continue;
            if (mayBeInhibited(run, labels, firing.at, deadline)) continue;
            const muted = route.muteTimeIntervals.length > 0 && [firing.at, deadline].some((at) => new Date(at).getUTCDay() === 0);
            if (muted) continue;
            const groupKey = groupKeyOf(route, groupLabelsOf(route, labels));
            const delivered = run.notifications.some(
              (n) =>
                n.receiver === route.receiver &&
                n.groupKey === groupKey &&
                n.at > firing.at &&
                n.at <= deadline &&
                n.firing.some((f) => f.fingerprint === fingerprint && f.alert.firedAt === firing.at),
            );
            expect(delivered, `${JSON.stringify(labels)} fired at ${firing.at} via ${route.path}`).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic: the same events give the same notifications', () => {
    fc.assert(
      fc.property(startArb, stepsArb, (start, steps) => {
        expect(simulate(start, steps).notifications).toEqual(simulate(start, steps).notifications);
      }),
      { numRuns: 50 },
    );
  });

  it('continues after export and restore exactly as if it had never stopped', () => {
    fc.assert(
      fc.property(startArb, stepsArb, fc.nat(80), (start, steps, restartAfter) => {
        const restarted = simulate(start, steps, restartAfter).notifications;
        expect(restarted.map((n) => n.dedupKey)).toEqual(simulate(start, steps).notifications.map((n) => n.dedupKey));
      }),
      { numRuns: 200 },
    );
  });
});

/** Whether any version of any silence matching the labels overlaps the window (conservative). */
function mayBeSilenced(run: Run, labels: Labels, from: number, to: number): boolean {
  return run.silences.some((s) => s.startsAt <= to && s.endsAt > from && matchersMatch(s.matchers, labels));
}

/** Whether a possible inhibitor (a paging alert with the same alertname) was firing at any moment of the window. */
function mayBeInhibited(run: Run, labels: Labels, from: number, to: number): boolean {
  if (labels.severity !== 'info') return false;
  return run.firings.some((source) => {
    const sourceLabels = LABEL_SETS[source.alert] ?? {};
    if (sourceLabels.severity !== 'page' || sourceLabels.alertname !== labels.alertname) return false;
    const resolved = run.resolves.find((r) => r.alert === source.alert && r.at > source.at);
    return source.at <= to && (resolved === undefined || resolved.at >= from);
  });
}
