import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  addRoute,
  effective,
  isDuration,
  moveRoute,
  type RoutingDraft,
  readRoutingDraft,
  removeRoute,
  updateRoute,
} from './route-tree-edit';

const CONFIG = `# our paging setup
route:
  receiver: default
  group_by: [alertname]
  routes:
    # the database team
    - match:
        team: db
      match_re:
        severity: critical|warning
      receiver: db-pager
      group_wait: 10s
    - matchers: ['service=~"web|api"', 'env!="dev"']
      receiver: web
      continue: true
      routes:
        - matchers: [severity="info"]
          receiver: default
receivers:
  - name: default
  - name: db-pager
    estate_channels: [pager]
  - name: web
time_intervals:
  - name: nights
    time_intervals: [{ times: [{ start_time: '22:00', end_time: '06:00' }] }]
`;

const draftOf = (text: string): RoutingDraft => {
  const draft = readRoutingDraft(text);
  if ('error' in draft) throw new Error(draft.error);
  return draft;
};

describe('the routing tree editor model', () => {
  it('reads the tree, legacy match/match_re and matchers strings alike, with the names a route may use', () => {
    const draft = draftOf(CONFIG);
    expect(draft.receivers).toEqual(['default', 'db-pager', 'web']);
    expect(draft.timeIntervals).toEqual(['nights']);
    expect(draft.root).toMatchObject({ path: [], receiver: 'default', groupBy: ['alertname'], matchers: [] });
    const [db, web] = draft.root.children;
    expect(db?.matchers).toEqual([
      { name: 'team', type: '=', value: 'db' },
      { name: 'severity', type: '=~', value: 'critical|warning' },
    ]);
    expect(db).toMatchObject({ path: [0], receiver: 'db-pager', groupWait: '10s', continue: false, groupBy: undefined });
    expect(web?.matchers).toEqual([
      { name: 'service', type: '=~', value: 'web|api' },
      { name: 'env', type: '!=', value: 'dev' },
    ]);
    expect(web).toMatchObject({ path: [1], continue: true });
    expect(web?.children[0]).toMatchObject({
      path: [1, 0],
      receiver: 'default',
      matchers: [{ name: 'severity', type: '=', value: 'info' }],
    });
  });

  it('says why it cannot edit: YAML that does not parse, or no route', () => {
    expect(readRoutingDraft('route: [unclosed')).toHaveProperty('error');
    expect(readRoutingDraft('receivers: []\n')).toEqual({ error: 'There is no `route` mapping to edit.' });
  });

  it('changes one route and keeps the rest of the file, comments included', () => {
    const text = updateRoute(CONFIG, [0], {
      receiver: 'web',
      matchers: [{ name: 'team', type: '=', value: 'db "core"' }],
      groupWait: undefined,
      repeatInterval: '1h',
      continue: true,
    });
    expect(text).toContain('# our paging setup');
    expect(text).toContain('# the database team');
    const route = parse(text).route.routes[0];
    // Legacy maps are replaced by one matchers list; the value is quoted and escaped.
    expect(route).toEqual({ matchers: ['team="db \\"core\\""'], receiver: 'web', repeat_interval: '1h', continue: true });
    expect(draftOf(text).root.children[0]?.matchers).toEqual([{ name: 'team', type: '=', value: 'db "core"' }]);
    // Untouched: the sibling, the receivers, the time intervals.
    expect(parse(text).route.routes[1]).toEqual(parse(CONFIG).route.routes[1]);
    expect(parse(text).receivers).toEqual(parse(CONFIG).receivers);
  });

  it('removes keys set back to inherit or to their default', () => {
    const text = updateRoute(CONFIG, [1], { continue: false, receiver: undefined, muteTimeIntervals: [], groupBy: undefined });
    expect(parse(text).route.routes[1]).toEqual({
      matchers: ['service=~"web|api"', 'env!="dev"'],
      routes: [{ matchers: ['severity="info"'], receiver: 'default' }],
    });
    const muted = updateRoute(CONFIG, [1, 0], { muteTimeIntervals: ['nights'], groupBy: ['...'] });
    expect(parse(muted).route.routes[1].routes[0]).toMatchObject({ mute_time_intervals: ['nights'], group_by: ['...'] });
  });

  it('adds a child route (creating the list where there is none), removes one, and moves one among its siblings', () => {
    const added = addRoute(CONFIG, [0], [{ name: 'severity', type: '=', value: 'critical' }]);
    expect(parse(added).route.routes[0].routes).toEqual([{ matchers: ['severity="critical"'] }]);
    const second = addRoute(added, [], []);
    expect(parse(second).route.routes).toHaveLength(3);
    expect(parse(second).route.routes[2]).toEqual({ matchers: [] });

    const moved = moveRoute(CONFIG, [1], -1);
    expect(parse(moved).route.routes.map((r: { receiver: string }) => r.receiver)).toEqual(['web', 'db-pager']);
    expect(parse(moveRoute(CONFIG, [0], -1))).toEqual(parse(CONFIG));
    expect(parse(moveRoute(CONFIG, [1], 1)).route.routes[1].receiver).toBe('web');

    const removed = removeRoute(CONFIG, [1, 0]);
    expect(parse(removed).route.routes[1].routes).toBeUndefined();
    expect(parse(removeRoute(CONFIG, [0])).route.routes.map((r: { receiver: string }) => r.receiver)).toEqual(['web']);
    expect(() => removeRoute(CONFIG, [])).toThrow(/root/);
  });

  it('works out what a route inherits: its parent, else Alertmanager’s defaults', () => {
    const draft = draftOf(CONFIG);
    const root = effective(draft.root);
    expect(root).toEqual({ receiver: 'default', groupBy: ['alertname'], groupWait: '30s', groupInterval: '5m', repeatInterval: '4h' });
    const db = draft.root.children[0];
    expect(db && effective(db, root)).toEqual({ ...root, receiver: 'db-pager', groupWait: '10s' });
  });

  it('accepts Prometheus durations only', () => {
    expect(['30s', '1h30m', '0s', '2d', '500ms'].every(isDuration)).toBe(true);
    expect(['', '30', '1.5h', 's', '5 m'].some(isDuration)).toBe(false);
  });
});
