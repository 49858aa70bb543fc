import { describe, expect, it } from 'vitest';
import { RuleGroupEvaluator } from './rule-group';
import { alertsResponse, goTime, rulesResponse } from './rules-api';

const T0 = Date.UTC(2026, 0, 2, 3, 4, 5, 500);

/** A group whose query answers `x{i="a"} 15` then nothing, and whose clock ticks 250 ms per reading. */
function group() {
  let tick = 0;
  let answer = [{ labels: { __name__: 'x', i: 'a' }, value: 15 }];
  const g = new RuleGroupEvaluator(
    {
      name: 'node',
      intervalMs: 30_000,
      limit: 0,
      rules: [
        { kind: 'recording', name: 'x:sum', expr: 'sum(x)', labels: {} },
        {
          kind: 'alerting',
          name: 'X',
          expr: 'x > 1',
          forMs: 60_000,
          keepFiringForMs: 0,
          labels: { severity: 'page' },
          annotations: { summary: 'v={{ $value }}' },
        },
      ],
    },
    { query: async () => answer, file: '/etc/estate/node.yml', clock: () => (tick += 250) },
  );
  return { g, clear: () => (answer = []) };
}

describe('Prometheus API bodies', () => {
  it('prints times as Go does', () => {
    expect(goTime(T0)).toBe('2026-01-02T03:04:05.5Z');
    expect(goTime(Date.UTC(2026, 0, 1))).toBe('2026-01-01T00:00:00Z');
    expect(goTime(null)).toBe('0001-01-01T00:00:00Z');
  });

  it('answers /api/v1/rules before and after an evaluation, in Prometheus’ shape', async () => {
    const { g } = group();
    expect(rulesResponse([g]).data.groups[0]?.rules[1]).toMatchObject({
      health: 'unknown',
      state: 'inactive',
      lastEvaluation: '0001-01-01T00:00:00Z',
      alerts: [],
    });
    await g.evaluate(T0);
    expect(rulesResponse([g])).toEqual({
      status: 'success',
      data: {
        groups: [
          {
            name: 'node',
            file: '/etc/estate/node.yml',
            interval: 30,
            limit: 0,
            evaluationTime: 1.25,
            lastEvaluation: '2026-01-02T03:04:05.5Z',
            rules: [
              {
                name: 'x:sum',
                query: 'sum(x)',
                labels: {},
                health: 'ok',
                evaluationTime: 0.25,
                lastEvaluation: '2026-01-02T03:04:05.5Z',
                type: 'recording',
              },
              {
                state: 'pending',
                name: 'X',
                query: 'x > 1',
                duration: 60,
                keepFiringFor: 0,
                labels: { severity: 'page' },
                annotations: { summary: 'v={{ $value }}' },
                alerts: [
                  {
                    labels: { alertname: 'X', i: 'a', severity: 'page' },
                    annotations: { summary: 'v=15' },
                    state: 'pending',
                    activeAt: '2026-01-02T03:04:05.5Z',
                    value: '1.5e+01',
                  },
                ],
                health: 'ok',
                evaluationTime: 0.25,
                lastEvaluation: '2026-01-02T03:04:05.5Z',
                type: 'alerting',
              },
            ],
          },
        ],
      },
    });
  });

  it('filters rules by type, name and group, and can leave alerts out', async () => {
    const { g } = group();
    await g.evaluate(T0);
    expect(rulesResponse([g], { type: 'record' }).data.groups[0]?.rules.map((r) => r.name)).toEqual(['x:sum']);
    expect(rulesResponse([g], { ruleName: ['X'], excludeAlerts: true }).data.groups[0]?.rules[0]).not.toHaveProperty('alerts');
    expect(rulesResponse([g], { ruleGroup: ['other'] }).data.groups).toEqual([]);
    expect(rulesResponse([g], { ruleName: ['nothing'] }).data.groups).toEqual([]);
  });

  it('answers /api/v1/alerts with pending and firing alerts only', async () => {
    const { g, clear } = group();
    await g.evaluate(T0);
    await g.evaluate(T0 + 60_000);
    expect(alertsResponse([g]).data.alerts.map((a) => [a.state, a.activeAt])).toEqual([['firing', '2026-01-02T03:04:05.5Z']]);
    expect(rulesResponse([g]).data.groups[0]?.rules[1]).toMatchObject({ state: 'firing' });
    clear();
    await g.evaluate(T0 + 120_000);
    expect(alertsResponse([g])).toEqual({ status: 'success', data: { alerts: [] } });
    expect(rulesResponse([g]).data.groups[0]?.rules[1]).toMatchObject({ state: 'inactive', alerts: [] });
  });
});
