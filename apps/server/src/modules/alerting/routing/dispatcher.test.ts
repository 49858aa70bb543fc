import { describe, expect, it } from 'vitest';
import { labelsFingerprint } from '../alert-model';
import { type Notification, NotificationDispatcher } from './dispatcher';
import { parseMatchers } from './matchers';
import { firingAlert, resolvedAlert, utc } from './routing.fixtures';
import { parseRoutingConfig } from './routing-config';
import { MarkedSuppressions } from './suppression';

const S = 1_000;
const M = 60 * S;
const H = 60 * M;

const BASE = `
route:
  receiver: team
  group_by: [alertname, cluster]
  group_wait: 30s
  group_interval: 5m
  repeat_interval: 4h
receivers: [{name: team}]
`;

function names(notification: Notification | undefined): { firing: string[]; resolved: string[] } {
  const name = (entry: { alert: { labels: Record<string, string> } }) => entry.alert.labels.instance ?? '?';
  // Alerts come in fingerprint order; sort by instance so expectations read naturally.
  return {
    firing: (notification?.firing.map(name) ?? []).sort(),
    resolved: (notification?.resolved.map(name) ?? []).sort(),
  };
}

function summary(list: readonly Notification[]): string[] {
  return list.map((n) => `${n.at / S}s ${n.receiver} ${n.groupKey} +${names(n).firing} -${names(n).resolved}`);
}

describe('NotificationDispatcher: grouping and timers', () => {
  it('batches a group for group_wait, then sends changes every group_interval', () => {
    const dispatcher = new NotificationDispatcher(parseRoutingConfig(BASE));
    const a = { alertname: 'Down', cluster: 'eu', instance: 'a' };
    const b = { alertname: 'Down', cluster: 'eu', instance: 'b' };
    const c = { alertname: 'Down', cluster: 'us', instance: 'c' };
    dispatcher.receive(firingAlert(a, 0), 0);
    dispatcher.receive(firingAlert(b, 10 * S), 10 * S);
    dispatcher.receive(firingAlert(c, 20 * S), 20 * S);
    expect(dispatcher.advance(29 * S)).toEqual([]);
    expect(dispatcher.nextFlushAt()).toBe(30 * S);
    expect(summary(dispatcher.advance(60 * S))).toEqual([
      '30s team {}:{alertname="Down", cluster="eu"} +a,b -',
      '50s team {}:{alertname="Down", cluster="us"} +c -',
    ]);
    // A new alert in a flushed group waits for the next group_interval tick, not group_wait.
    const d = { alertname: 'Down', cluster: 'eu', instance: 'd' };
    dispatcher.receive(firingAlert(d, 100 * S), 100 * S);
    expect(dispatcher.advance(329 * S)).toEqual([]);
    expect(summary(dispatcher.advance(330 * S))).toEqual(['330s team {}:{alertname="Down", cluster="eu"} +a,b,d -']);
    // Nothing changes: each group stays quiet until repeat_interval has passed, then re-sends at its next tick.
    expect(summary(dispatcher.advance(330 * S + 4 * H - 1))).toEqual([`${50 + 4 * 3600}s team {}:{alertname="Down", cluster="us"} +c -`]);
    expect(summary(dispatcher.advance(330 * S + 4 * H))).toEqual([`${330 + 4 * 3600}s team {}:{alertname="Down", cluster="eu"} +a,b,d -`]);
  });

  it('sends a recovery only for alerts whose firing the receiver was told about', () => {
    const dispatcher = new NotificationDispatcher(parseRoutingConfig(BASE));
    const a = { alertname: 'Down', cluster: 'eu', instance: 'a' };
    const b = { alertname: 'Down', cluster: 'eu', instance: 'b' };
    dispatcher.receive(firingAlert(a, 0), 0);
    expect(summary(dispatcher.advance(30 * S))).toEqual(['30s team {}:{alertname="Down", cluster="eu"} +a -']);
    // b fires and resolves between two ticks: the receiver never hears of it.
    dispatcher.receive(firingAlert(b, 60 * S), 60 * S);
    dispatcher.receive(resolvedAlert(b, 60 * S, 90 * S), 90 * S);
    dispatcher.receive(resolvedAlert(a, 0, 100 * S), 100 * S);
    const [recovery] = dispatcher.advance(330 * S);
    expect(names(recovery)).toEqual({ firing: [], resolved: ['a'] });
    // All resolved and sent: the group is gone.
    expect(dispatcher.snapshot()).toEqual([]);
    expect(dispatcher.nextFlushAt()).toBeNull();
  });

  it('says nothing about an alert that fired and resolved within group_wait', () => {
    const dispatcher = new NotificationDispatcher(parseRoutingConfig(BASE));
    const a = { alertname: 'Blip', instance: 'a' };
    dispatcher.receive(firingAlert(a, 0), 0);
    dispatcher.receive(resolvedAlert(a, 0, 10 * S), 10 * S);
    expect(dispatcher.advance(1 * H)).toEqual([]);
  });

  it('flushes at once an alert that already waited group_wait elsewhere', () => {
    const dispatcher = new NotificationDispatcher(parseRoutingConfig(BASE));
    dispatcher.receive(firingAlert({ alertname: 'Old', instance: 'a' }, 0), 2 * M);
    expect(summary(dispatcher.advance(2 * M))).toEqual(['120s team {}:{alertname="Old"} +a -']);
  });

  it('treats a new firing of the same labels as news even within repeat_interval', () => {
    const dispatcher = new NotificationDispatcher(parseRoutingConfig(BASE));
    const a = { alertname: 'Flap', instance: 'a' };
    dispatcher.receive(firingAlert(a, 0), 0);
    dispatcher.receive(resolvedAlert(a, 0, 1 * S), 1 * S);
    dispatcher.receive(firingAlert(a, 2 * S), 2 * S);
    expect(dispatcher.advance(30 * S)).toHaveLength(1);
    dispatcher.receive(resolvedAlert(a, 2 * S, 40 * S), 40 * S);
    dispatcher.receive(firingAlert(a, 50 * S), 50 * S);
    expect(summary(dispatcher.advance(330 * S))).toEqual(['330s team {}:{alertname="Flap"} +a -']);
  });

  it('refuses time going back', () => {
    const dispatcher = new NotificationDispatcher(parseRoutingConfig(BASE));
    dispatcher.advance(10 * S);
    expect(() => dispatcher.advance(5 * S)).toThrow(RangeError);
  });
});

describe('NotificationDispatcher: routes', () => {
  const config = parseRoutingConfig(`
route:
  receiver: default
  group_by: [alertname]
  group_wait: 10s
  routes:
    - matchers: [team="db"]
      receiver: db
      continue: true
      routes:
        - matchers: [severity="critical"]
          receiver: db-pager
          group_wait: 0s
    - matchers: [severity="critical"]
      receiver: oncall
receivers: [{name: default}, {name: db}, {name: db-pager}, {name: oncall}]
`);

  it('delivers through every continuing route with inherited and overridden timers', () => {
    const dispatcher = new NotificationDispatcher(config);
    dispatcher.receive(firingAlert({ alertname: 'Lag', team: 'db', severity: 'critical', instance: 'x' }, 0), 0);
    dispatcher.receive(firingAlert({ alertname: 'Lag', team: 'db', severity: 'warning', instance: 'y' }, 0), 0);
    expect(summary(dispatcher.advance(10 * S))).toEqual([
      '0s db-pager {}/{team="db"}/{severity="critical"}:{alertname="Lag"} +x -',
      '10s oncall {}/{severity="critical"}:{alertname="Lag"} +x -',
      '10s db {}/{team="db"}:{alertname="Lag"} +y -',
    ]);
  });
});

describe('NotificationDispatcher: inhibition, silences, suppressors', () => {
  const config = parseRoutingConfig(`
route: {receiver: team, group_by: ['...'], group_wait: 30s, group_interval: 5m}
receivers: [{name: team}]
inhibit_rules:
  - source_matchers: [severity="critical"]
    target_matchers: [severity="warning"]
    equal: [cluster]
`);

  it('mutes targets that agree with a firing source on the equal labels', () => {
    const dispatcher = new NotificationDispatcher(config);
    dispatcher.receive(firingAlert({ alertname: 'Down', severity: 'critical', cluster: 'eu', instance: 's' }, 0), 0);
    dispatcher.receive(firingAlert({ alertname: 'Slow', severity: 'warning', cluster: 'eu', instance: 'e' }, 0), 0);
    dispatcher.receive(firingAlert({ alertname: 'Slow', severity: 'warning', cluster: 'us', instance: 'u' }, 0), 0);
    dispatcher.receive(firingAlert({ alertname: 'Slow', severity: 'warning', instance: 'none' }, 0), 0);
    expect(dispatcher.advance(30 * S).flatMap((n) => names(n).firing)).toEqual(['s', 'u', 'none']);
    // The source resolves: the target is no longer inhibited and is sent at its group's next tick.
    dispatcher.receive(resolvedAlert({ alertname: 'Down', severity: 'critical', cluster: 'eu', instance: 's' }, 0, M), M);
    expect(dispatcher.advance(330 * S).flatMap((n) => [...names(n).firing, ...names(n).resolved])).toEqual(['s', 'e']);
  });

  it('explains an inhibition with the rule and the source', () => {
    const dispatcher = new NotificationDispatcher(config);
    const source = { alertname: 'Down', severity: 'critical', cluster: 'eu' };
    dispatcher.receive(firingAlert(source, 0), 0);
    const [explanation] = dispatcher.explain({ alertname: 'Slow', severity: 'warning', cluster: 'eu' }, 0);
    expect(explanation?.suppressedBy).toEqual({
      kind: 'inhibition',
      ruleIndex: 0,
      sourceFingerprint: labelsFingerprint(source),
    });
    // An alert matching both sides is not muted by itself.
    expect(dispatcher.explain(source, 0)[0]?.suppressedBy).toBeNull();
  });

  it('holds back silenced alerts while the silence is active, then sends them', () => {
    const dispatcher = new NotificationDispatcher(config);
    dispatcher.putSilence(
      {
        id: 's1',
        matchers: parseMatchers('alertname="Disk"'),
        startsAt: 0,
        endsAt: 10 * M,
        createdBy: 'ana',
        comment: 'replacing the disk',
      },
      0,
    );
    dispatcher.receive(firingAlert({ alertname: 'Disk', instance: 'a' }, S), S);
    expect(dispatcher.advance(10 * M - 1)).toEqual([]);
    expect(dispatcher.explain({ alertname: 'Disk' }, 5 * M)[0]?.suppressedBy).toEqual({
      kind: 'silence',
      silenceIds: ['s1'],
    });
    expect(summary(dispatcher.advance(11 * M))).toEqual([`631s team {}:{alertname="Disk", instance="a"} +a -`]);
  });

  it('lets another module suppress an alert with a cause', () => {
    const suppressions = new MarkedSuppressions();
    const dispatcher = new NotificationDispatcher(config, { suppressors: [suppressions] });
    const host = { alertname: 'HostDown', instance: 'h1' };
    suppressions.mark(labelsFingerprint(host), { kind: 'external', source: 'dependency', reason: 'switch sw1 down' });
    dispatcher.receive(firingAlert(host, 0), 0);
    expect(dispatcher.advance(30 * S)).toEqual([]);
    suppressions.clear(labelsFingerprint(host));
    expect(names(dispatcher.advance(330 * S)[0]).firing).toEqual(['h1']);
  });
});

describe('NotificationDispatcher: time intervals', () => {
  it('sends nothing outside active intervals, following Berlin time across DST', () => {
    const dispatcher = new NotificationDispatcher(
      parseRoutingConfig(`
route:
  receiver: default
  routes:
    - matchers: [team="ops"]
      receiver: office
      group_interval: 1h
      active_time_intervals: [office]
    - matchers: [team="batch"]
      receiver: batch
      mute_time_intervals: [weekend]
receivers: [{name: default}, {name: office}, {name: batch}]
time_intervals:
  - name: office
    time_intervals:
      - {weekdays: ['monday:friday'], times: [{start_time: '09:00', end_time: '17:00'}], location: Europe/Berlin}
  - name: weekend
    time_intervals: [{weekdays: [saturday, sunday], location: Europe/Berlin}]
`),
    );
    // Friday 2026-03-27 17:00 UTC is 18:00 CET: the office is closed until Monday 09:00 CEST = 07:00 UTC.
    const friday = utc('2026-03-27T17:00:00Z');
    dispatcher.receive(firingAlert({ alertname: 'Queue', team: 'ops' }, friday), friday);
    dispatcher.receive(firingAlert({ alertname: 'Job', team: 'batch' }, friday), friday);
    const sent = dispatcher.advance(utc('2026-03-30T12:00:00Z'));
    // batch repeats every 4h except over the Berlin weekend, which ends at Monday 00:00 CEST = Sunday 22:00 UTC.
    expect(sent.map((n) => `${n.receiver} ${new Date(n.at).toISOString()}`)).toEqual([
      'batch 2026-03-27T17:00:30.000Z',
      'batch 2026-03-27T21:00:30.000Z',
      'batch 2026-03-29T22:00:30.000Z',
      'batch 2026-03-30T02:00:30.000Z',
      'batch 2026-03-30T06:00:30.000Z',
      'office 2026-03-30T07:00:30.000Z',
      'batch 2026-03-30T10:00:30.000Z',
      'office 2026-03-30T11:00:30.000Z',
    ]);
    const muted = dispatcher.explain({ team: 'batch' }, utc('2026-03-28T12:00:00Z'))[0];
    expect(muted?.routeMute).toEqual({ kind: 'mute_time_interval', name: 'weekend' });
  });
});

describe('NotificationDispatcher: restore', () => {
  it('re-routes the alerts of a group whose route a new config removed, keeping the notification log', () => {
    const before = parseRoutingConfig(`
route: {receiver: default, group_by: [alertname], routes: [{matchers: [team="db"], receiver: db}]}
receivers: [{name: default}, {name: db}]
`);
    const after = parseRoutingConfig(`
route: {receiver: default, group_by: [alertname]}
receivers: [{name: default}, {name: db}]
`);
    const dispatcher = new NotificationDispatcher(before);
    dispatcher.receive(firingAlert({ alertname: 'Lag', team: 'db', instance: 'x' }, 0), 0);
    dispatcher.receive(firingAlert({ alertname: 'Up', instance: 'y' }, 0), 0);
    expect(dispatcher.advance(30 * S).map((n) => n.receiver)).toEqual(['db', 'default']);
    const restored = NotificationDispatcher.restore(after, JSON.parse(JSON.stringify(dispatcher.exportState())));
    expect(restored.snapshot().map((g) => [g.groupKey, g.nextFlushAt])).toEqual([
      // It already waited group_wait under its old route, so its new group flushed at once, on restore.
      ['{}:{alertname="Lag"}', 330 * S],
      ['{}:{alertname="Up"}', 330 * S],
    ]);
    // The moved alert is news to its new receiver; the kept group stays quiet until repeat_interval.
    expect(summary(restored.advance(330 * S))).toEqual(['30s default {}:{alertname="Lag"} +x -']);
  });
});
