import { describe, expect, it } from 'vitest';
import { InMemorySeriesSource, PromqlEngine, type SeriesData } from '../../metrics';
import type { Labels } from '../alert-model';
import { engineQuery } from './promql-query';
import { RuleGroupEvaluator, type RuleGroupOptions } from './rule-group';
import type { AlertingRuleSpec, RuleSpec } from './rule-model';
import type { CheckState } from './rule-runtime';

const M = 60_000;

/** A series with one sample a minute from minute 0 (null: none). */
function perMinute(labels: Labels, values: Array<number | null>): SeriesData {
  return { labels, samples: values.flatMap((v, i) => (v === null ? [] : [[i * M, v] as [number, number]])) };
}

function alerting(name: string, expr: string, extra: Partial<AlertingRuleSpec> = {}): AlertingRuleSpec {
  return { kind: 'alerting', name, expr, forMs: 0, keepFiringForMs: 0, labels: {}, annotations: {}, ...extra };
}

/** A group over in-memory series that its own output is appended to, as the store would be; the clock never moves. */
function groupOver(series: SeriesData[], rules: RuleSpec[], options: Partial<RuleGroupOptions> = {}, limit = 0) {
  const store = [...series];
  const engine = new PromqlEngine(new InMemorySeriesSource(store));
  return new RuleGroupEvaluator(
    { name: 'g', limit, rules },
    {
      query: engineQuery(engine),
      clock: () => 0,
      append: async (t, samples) => {
        for (const s of samples) store.push({ labels: { ...s.labels }, samples: [[t, s.value]] });
      },
      ...options,
    },
  );
}

/** "state@minute" of the rule's only alert, or "none". */
const stateOf = (g: RuleGroupEvaluator, rule = 0) => {
  const alerts = g.rules()[rule]?.alerts ?? [];
  return alerts.length === 0 ? 'none' : alerts.map((a) => a.state).join(',');
};

describe('alerting rule life cycle across evaluations', () => {
  it('is pending for `for`, fires, resolves, keeps the resolved alert 15 minutes and sends on the resend schedule', async () => {
    const x = perMinute({ __name__: 'x', i: 'a' }, [0, 1, 1, 1, 1, 1, 1, ...Array(20).fill(0)]);
    const g = groupOver([x], [alerting('X', 'x > 0', { forMs: 3 * M })], { resendDelayMs: 2 * M });
    const states: string[] = [];
    const sends: string[] = [];
    for (let m = 0; m <= 23; m++) {
      const r = await g.evaluate(m * M);
      states.push(stateOf(g));
      for (const n of r.notices) sends.push(`${m}:${n.alert.state}:${n.startsAt / M}-${n.endsAt / M}`);
    }
    expect(states).toEqual([
      'none',
      ...Array(3).fill('pending'),
      ...Array(3).fill('firing'),
      ...Array(15).fill('inactive'), // resolved at 7m, kept while less than 15 minutes old
      'none',
      'none',
    ]);
    expect(g.rules()[0]?.health).toBe('ok');
    expect(sends).toEqual([
      '4:firing:4-12', // starts firing: valid for 4 × max(resend delay, interval)
      '6:firing:4-14', // every resend delay, on an evaluation
      '7:inactive:4-7', // resolved: sent at once, endsAt = ResolvedAt
      ...[9, 11, 13, 15, 17, 19, 21].map((m) => `${m}:inactive:4-7`),
    ]);
  });

  it('writes ALERTS and ALERTS_FOR_STATE for pending and firing alerts, and marks them stale when they end', async () => {
    const x = perMinute({ __name__: 'x', i: 'a', job: 'j' }, [1, 1, 0]);
    const g = groupOver([x], [alerting('X', 'x > 0', { forMs: M, labels: { severity: 'page' } })]);
    const base = { alertname: 'X', i: 'a', job: 'j', severity: 'page' };
    const first = await g.evaluate(0);
    expect(first.samples).toEqual([
      { labels: { ...base, __name__: 'ALERTS', alertstate: 'pending' }, value: 1 },
      { labels: { ...base, __name__: 'ALERTS_FOR_STATE' }, value: 0 },
    ]);
    const second = await g.evaluate(M);
    expect(second.samples[0]).toEqual({ labels: { ...base, __name__: 'ALERTS', alertstate: 'firing' }, value: 1 });
    expect(second.stale).toEqual([{ ...base, __name__: 'ALERTS', alertstate: 'pending' }]);
    const third = await g.evaluate(2 * M);
    expect(third.samples).toEqual([]);
    expect(third.stale).toEqual([
      { ...base, __name__: 'ALERTS', alertstate: 'firing' },
      { ...base, __name__: 'ALERTS_FOR_STATE' },
    ]);
  });

  it('holds a firing alert for keep_firing_for, restarting the hold when the expression returns', async () => {
    const x = perMinute({ __name__: 'x' }, [1, 1, 0, 0, 0, 0, 1]);
    const y = perMinute({ __name__: 'y' }, [1, 0, 1, 0, 0, 0, 0]);
    const g = groupOver([x, y], [alerting('X', 'x > 0', { keepFiringForMs: 2 * M }), alerting('Y', 'y > 0', { keepFiringForMs: 2 * M })]);
    const xs: string[] = [];
    const ys: string[] = [];
    for (let m = 0; m <= 6; m++) {
      await g.evaluate(m * M);
      xs.push(stateOf(g, 0));
      ys.push(stateOf(g, 1));
    }
    expect(xs).toEqual(['firing', 'firing', 'firing', 'firing', 'inactive', 'inactive', 'firing']);
    expect(g.rules()[0]?.alerts.map((a) => a.activeAt)).toEqual([6 * M]); // a new episode, not the resolved one
    expect(ys).toEqual(['firing', 'firing', 'firing', 'firing', 'firing', 'inactive', 'inactive']);
  });

  it('fires at the next evaluation when `for` is shorter than the interval, and at once with no `for`', async () => {
    const x = perMinute({ __name__: 'x' }, [1, 1]);
    const g = groupOver([x], [alerting('Short', 'x > 0', { forMs: 30_000 }), alerting('Zero', 'x > 0')]);
    await g.evaluate(0);
    expect([stateOf(g, 0), stateOf(g, 1)]).toEqual(['pending', 'firing']);
    await g.evaluate(M);
    expect(stateOf(g, 0)).toBe('firing');
  });
});

describe('rule evaluation errors', () => {
  it('makes two samples with the same alert labels an error of that rule only: no alerts sent, no series, state kept', async () => {
    const x = perMinute({ __name__: 'x', i: 'a' }, [1, 1, 1]);
    const y = perMinute({ __name__: 'y', i: 'a' }, [0, 1, 0]);
    const g = groupOver([x, y], [alerting('Dup', '{__name__=~"x|y"} > 0'), alerting('Other', 'x > 0')]);
    await g.evaluate(0);
    const bad = await g.evaluate(M);
    const [dup, other] = g.rules();
    expect(dup?.health).toBe('err');
    expect(dup?.lastError).toBe('vector contains metrics with the same labelset after applying alert labels');
    expect(bad.failures).toEqual([{ rule: 0, error: dup?.lastError }]);
    expect(bad.samples.every((s) => s.labels.alertname === 'Other')).toBe(true);
    expect(bad.notices.map((n) => n.alert.labels.alertname)).toEqual(['Other']);
    expect(dup?.alerts.map((a) => [a.state, a.activeAt])).toEqual([['firing', 0]]);
    expect(other?.health).toBe('ok');
    await g.evaluate(2 * M);
    expect(g.rules()[0]).toMatchObject({ health: 'ok', lastError: '' });
    expect(g.rules()[0]?.alerts.map((a) => a.activeAt)).toEqual([0]);
  });

  it('counts label templates that collapse two samples into one label set as duplicates too', async () => {
    const x = perMinute({ __name__: 'x', i: 'a' }, [1]);
    const x2 = perMinute({ __name__: 'x', i: 'b' }, [1]);
    const g = groupOver([x, x2], [alerting('Dup', 'x > 0', { labels: { i: 'same' } })]);
    await g.evaluate(0);
    expect(g.rules()[0]?.health).toBe('err');
  });

  it('reports a failing query, and a rule over its group limit, as the rule health', async () => {
    const failing = new RuleGroupEvaluator(
      { name: 'g', limit: 0, rules: [alerting('A', 'up')] },
      {
        query: async () => {
          throw new Error('query timed out');
        },
        clock: () => 0,
      },
    );
    await failing.evaluate(0);
    expect(failing.rules()[0]).toMatchObject({ health: 'err', lastError: 'query timed out', lastEvaluation: 0 });
    const two = [perMinute({ __name__: 'x', i: 'a' }, [1]), perMinute({ __name__: 'x', i: 'b' }, [1])];
    const limited = groupOver(two, [alerting('X', 'x > 0')], {}, 1);
    await limited.evaluate(0);
    expect(limited.rules()[0]).toMatchObject({ health: 'err', lastError: 'exceeded limit of 1 with 2 alerts', alerts: [] });
  });
});

describe('templates and recording rules in a group', () => {
  it('expands labels and annotations per alert, with external labels', async () => {
    const x = perMinute({ __name__: 'disk_used_ratio', instance: 'db1', mount: '/' }, [0.934]);
    // A label template that expands to nothing removes the label.
    const rule = alerting('DiskFull', 'disk_used_ratio > 0.9', {
      labels: { severity: 'critical', owner: '{{ $labels.instance }}-ops', mount: '' },
      annotations: {
        summary: '{{ $labels.instance }}:{{ $labels.mount }} is {{ $value | humanizePercentage }} full in {{ $externalLabels.site }}',
      },
    });
    const g = groupOver([x], [rule], { externalLabels: { site: 'ams' } });
    await g.evaluate(0);
    const [alert] = g.rules()[0]?.alerts ?? [];
    expect(alert?.labels).toEqual({ alertname: 'DiskFull', instance: 'db1', severity: 'critical', owner: 'db1-ops' });
    expect(alert?.annotations).toEqual({ summary: 'db1:/ is 93.4% full in ams' });
    expect(alert?.value).toBe(0.934);
  });

  it('lets a rule read what an earlier rule recorded in the same evaluation', async () => {
    const series = [perMinute({ __name__: 'up', i: 'a' }, [1]), perMinute({ __name__: 'up', i: 'b' }, [1])];
    const g = groupOver(series, [
      { kind: 'recording', name: 'up:sum', expr: 'sum(up)', labels: { source: 'rule' } },
      alerting('TwoUp', 'up:sum == 2'),
    ]);
    const r = await g.evaluate(0);
    expect(r.samples[0]).toEqual({ labels: { __name__: 'up:sum', source: 'rule' }, value: 2 });
    expect(stateOf(g, 1)).toBe('firing');
  });
});

describe('check-state rules', () => {
  it('fires when a check has been in a listed state for `for`, counting from the check’s own since', async () => {
    const web = { check_id: '7', check_name: 'web', ci_id: 'ci-1' };
    const db = { check_id: '8', check_name: 'db', ci_id: 'ci-2' };
    const statesAt = async (t: number): Promise<CheckState[]> => [
      t < 20 * M ? { labels: web, status: 'down', since: 10 * M } : { labels: web, status: 'up', since: 20 * M },
      { labels: db, status: 'down', since: 0 },
      { labels: { check_id: '9', check_name: 'mail' }, status: 'degraded', since: 0 },
    ];
    const g = new RuleGroupEvaluator(
      {
        name: 'checks',
        limit: 0,
        rules: [
          {
            kind: 'check-state',
            name: 'CheckDown',
            states: ['down'],
            match: {},
            forMs: 5 * M,
            keepFiringForMs: 0,
            labels: { severity: 'page' },
            annotations: { summary: '{{ $labels.check_name }} down for {{ $value | humanizeDuration }}' },
          },
        ],
      },
      { query: async () => [], checkStates: statesAt, clock: () => 0 },
    );
    const view = () =>
      (g.rules()[0]?.alerts ?? []).map((a) => `${a.labels.check_name}:${a.state}:${a.activeAt / M}:${a.annotations.summary}`).sort();
    await g.evaluate(11 * M);
    expect(view()).toEqual(['db:firing:0:db down for 11m 0s', 'web:pending:10:web down for 1m 0s']);
    await g.evaluate(15 * M);
    expect(view()).toEqual(['db:firing:0:db down for 15m 0s', 'web:firing:10:web down for 5m 0s']);
    const r = await g.evaluate(20 * M);
    expect(view()).toEqual(['db:firing:0:db down for 20m 0s', 'web:inactive:10:web down for 5m 0s']);
    expect(r.notices.map((n) => [n.alert.labels.check_name, n.alert.state, n.endsAt / M])).toContainEqual(['web', 'inactive', 20]);
    expect(g.rules()[0]?.alerts[0]?.labels).toMatchObject({ alertname: 'CheckDown', severity: 'page', ci_id: expect.any(String) });
  });

  it('is an evaluation error without a check-state source', async () => {
    const g = new RuleGroupEvaluator(
      {
        name: 'checks',
        limit: 0,
        rules: [{ kind: 'check-state', name: 'C', states: ['down'], match: {}, forMs: 0, keepFiringForMs: 0, labels: {}, annotations: {} }],
      },
      { query: async () => [], clock: () => 0 },
    );
    await g.evaluate(0);
    expect(g.rules()[0]).toMatchObject({ health: 'err', lastError: 'no check state source is configured' });
  });
});
