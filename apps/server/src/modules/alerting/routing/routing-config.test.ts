import { describe, expect, it } from 'vitest';
import { RoutingConfigError } from './config-issues';
import { formatMatchers } from './matchers';
import { parseRoutingConfig } from './routing-config';

const PASTED = `
global:
  resolve_timeout: 5m
route:
  receiver: default
  group_by: [alertname, cluster]
  routes:
    - matchers: ['team="db"']
      receiver: db-pager
      group_wait: 10s
      routes:
        - matchers: ['{severity=~"warning|info", "service.name"!="batch"}']
          receiver: db-mail
          repeat_interval: 12h
          mute_time_intervals: [nights]
    - match: { team: frontend }
      match_re: { env: prod|staging }
      group_by: ['...']
      continue: true
      active_time_intervals: [office]
receivers:
  - name: default
  - name: db-pager
    pagerduty_configs: [{ routing_key: abc }]
  - name: db-mail
  - name: frontend
inhibit_rules:
  - source_matchers: [severity="critical"]
    target_matchers: [severity="warning"]
    equal: [alertname, cluster]
time_intervals:
  - name: office
    time_intervals:
      - weekdays: ['monday:friday']
        times: [{ start_time: '09:00', end_time: '17:00' }]
        location: Europe/Berlin
mute_time_intervals:
  - name: nights
    time_intervals: [{ times: [{ start_time: '00:00', end_time: '06:00' }] }]
`;

function issuesOf(input: unknown): string[] {
  try {
    parseRoutingConfig(input);
  } catch (error) {
    if (error instanceof RoutingConfigError) return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    throw error;
  }
  throw new Error('parsed without issues');
}

describe('parseRoutingConfig', () => {
  it('reads a pasted Alertmanager config with defaults and inheritance', () => {
    const config = parseRoutingConfig(PASTED);
    const { route } = config;
    expect(route).toMatchObject({ receiver: 'default', groupWaitMs: 30_000, groupIntervalMs: 300_000 });
    expect(route.repeatIntervalMs).toBe(4 * 3_600_000);
    const db = route.routes[0];
    const dbMail = db?.routes[0];
    // Children inherit receiver, group_by and timers they do not set; time intervals are not inherited.
    expect(db).toMatchObject({ receiver: 'db-pager', groupBy: ['alertname', 'cluster'], groupWaitMs: 10_000 });
    expect(dbMail).toMatchObject({ receiver: 'db-mail', groupWaitMs: 10_000, repeatIntervalMs: 12 * 3_600_000 });
    expect(dbMail?.muteTimeIntervals).toEqual(['nights']);
    expect(dbMail?.key).toBe('{}/{team="db"}/{severity=~"warning|info", "service.name"!="batch"}');
    const frontend = route.routes[1];
    expect(frontend).toMatchObject({ receiver: 'default', groupByAll: true, continue: true, muteTimeIntervals: [] });
    expect(formatMatchers(frontend?.matchers ?? [])).toBe('{env=~"prod|staging", team="frontend"}');
    expect(config.inhibitRules[0]?.equal).toEqual(['alertname', 'cluster']);
    expect([...config.timeIntervals.keys()].sort()).toEqual(['nights', 'office']);
    expect(config.receivers.get('db-pager')?.integrations).toEqual({ pagerduty_configs: [{ routing_key: 'abc' }] });
    expect(config.global).toEqual({ resolve_timeout: '5m' });
  });

  it('takes the same config as a JSON object', () => {
    const config = parseRoutingConfig({
      route: { receiver: 'a', group_wait: '0', group_interval: '1m30s' },
      receivers: [{ name: 'a' }],
    });
    expect(config.route).toMatchObject({ groupWaitMs: 0, groupIntervalMs: 90_000, groupBy: [], groupByAll: false });
  });

  it('names the path of every problem', () => {
    expect(
      issuesOf({
        route: {
          receiver: 'a',
          routes: [
            { receiver: 'a' },
            { receiver: 'missing' },
            { matchers: ['team="db"', 'env=~"("'], group_wiat: '1m', group_interval: '5 minutes' },
          ],
        },
        receivers: [{ name: 'a' }, { name: 'a' }],
        inhibit_rules: [{ source_matchers: ['a='], target_match_re: { b: '[' }, equal: 'x' }],
      }),
    ).toEqual([
      'receivers[1].name: receiver "a" is defined twice',
      'route.routes[1].receiver: no receiver named "missing"',
      'route.routes[2].group_wiat: unknown field "group_wiat"',
      expect.stringMatching(/^route\.routes\[2\]\.matchers\[1\]: invalid regular expression/),
      'route.routes[2].group_interval: "5 minutes" is not a duration like 30s, 5m or 4h',
      expect.stringMatching(/^inhibit_rules\[0\]\.target_match_re\.b: invalid regular expression: .*Unterminated/),
      'inhibit_rules[0].equal: must be a list',
    ]);
  });

  it('holds the root route to its rules', () => {
    expect(
      issuesOf({
        route: { matchers: ['a="b"'], continue: true, mute_time_intervals: ['x'], group_by: ['...', 'a'] },
        receivers: [],
        time_intervals: [{ name: 'x', time_intervals: [{}] }],
      }),
    ).toEqual([
      'route.receiver: the root route must name a receiver',
      "route.group_by: '...' must be the only entry: it already groups by every label",
      'route: the root route must not have matchers: it receives every alert',
      'route.continue: the root route cannot continue',
      'route.mute_time_intervals: the root route cannot have time intervals',
    ]);
  });

  it('rejects unknown time interval references, zero intervals and broken YAML', () => {
    expect(
      issuesOf({
        route: { receiver: 'a', repeat_interval: '0', routes: [{ active_time_intervals: ['nope'] }] },
        receivers: [{ name: 'a' }],
      }),
    ).toEqual([
      'route.repeat_interval: must be greater than zero',
      'route.routes[0].active_time_intervals[0]: no time interval named "nope"',
    ]);
    expect(issuesOf('route: [unclosed')[0]).toMatch(/^: YAML: /);
    expect(issuesOf('route: {receiver: a}\nroute: {}\nreceivers: []')[0]).toMatch(/^: YAML: .*[Dd]uplicate|unique/);
  });

  it('keeps sibling routes with the same matchers apart', () => {
    const config = parseRoutingConfig({
      route: { receiver: 'a', routes: [{ matchers: ['x="1"'] }, { matchers: ['x="1"'] }] },
      receivers: [{ name: 'a' }],
    });
    expect(config.route.routes.map((route) => route.key)).toEqual(['{}/{x="1"}', '{}/{x="1"}/1']);
  });
});
