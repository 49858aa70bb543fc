import { describe, expect, it } from 'vitest';
import { groupKeyOf, groupLabelsOf, matchRoutes } from './route-matching';
import { parseRoutingConfig } from './routing-config';

const config = parseRoutingConfig(`
route:
  receiver: default
  group_by: [alertname]
  routes:
    - matchers: [team="db"]
      receiver: db
      routes:
        - matchers: [severity="critical"]
          receiver: db-pager
          group_by: [alertname, instance]
    - matchers: [env="prod"]
      receiver: audit
      continue: true
      group_by: ['...']
    - matchers: [env="prod"]
      receiver: prod
    - matchers: [env="prod"]
      receiver: never
receivers: [{name: default}, {name: db}, {name: db-pager}, {name: audit}, {name: prod}, {name: never}]
`);

function receivers(labels: Record<string, string>): string[] {
  return matchRoutes(config.route, labels).map((route) => route.receiver);
}

describe('matchRoutes', () => {
  it('falls back to the root when no child matches', () => {
    expect(receivers({ alertname: 'Down' })).toEqual(['default']);
  });

  it('takes the deepest match, and the parent when no grandchild matches', () => {
    expect(receivers({ team: 'db', severity: 'critical' })).toEqual(['db-pager']);
    expect(receivers({ team: 'db', severity: 'warning' })).toEqual(['db']);
  });

  it('stops at the first matching sibling unless it continues', () => {
    expect(receivers({ env: 'prod' })).toEqual(['audit', 'prod']);
    // The db route matched and does not continue, so the prod routes are never tried.
    expect(receivers({ team: 'db', env: 'prod' })).toEqual(['db']);
  });

  it('groups by the listed labels an alert has, or by all of them', () => {
    const [pager] = matchRoutes(config.route, { team: 'db', severity: 'critical', alertname: 'Lag', instance: 'a' });
    if (!pager) throw new Error('no route');
    expect(groupLabelsOf(pager, { alertname: 'Lag', instance: 'a', team: 'db' })).toEqual({
      alertname: 'Lag',
      instance: 'a',
    });
    expect(groupLabelsOf(pager, { alertname: 'Lag' })).toEqual({ alertname: 'Lag' });
    const [audit] = matchRoutes(config.route, { env: 'prod', b: '2', a: '1' });
    if (!audit) throw new Error('no route');
    const labels = groupLabelsOf(audit, { env: 'prod', b: '2', a: '1' });
    expect(groupKeyOf(audit, labels)).toBe('{}/{env="prod"}:{a="1", b="2", env="prod"}');
    expect(groupKeyOf(audit, { 'service.name': 'api' })).toBe('{}/{env="prod"}:{"service.name"="api"}');
  });
});
