import type { BacktestAlertRulesAnswer } from '@estate/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, createTestEstate, type TestEstate, testEngines } from '../../../../test/harness';
import { newId } from '../../../platform/ids';

const BACKTEST = '/api/v1/alert-rule-groups/backtest';
const MIN = 60_000;
const HOUR = 60 * MIN;

const GROUP = `groups:
  - name: backtested
    interval: 1m
    rules:
      - alert: HotRoom
        expr: room_temperature > 50
        for: 5m
        labels:
          severity: warning
      - record: room:temperature:max
        expr: max(room_temperature)
      - alert: CheckDown
        check_state:
          states: [down]
`;

describe.each(testEngines())('rule backtest on $dialect', (engine) => {
  let t: TestEstate;
  let admin: Agent;
  let viewer: Agent;
  // Six hours ago, on a minute: the backtest's range is [base, base + 6 h].
  const base = Math.floor(Date.now() / MIN) * MIN - 6 * HOUR;

  beforeAll(async () => {
    t = await createTestEstate(engine);
    admin = await t.setupAdmin();
    viewer = await t.userWithRole('viewer');
    // 100 °C from base + 1 h to base + 1 h 30 (exclusive), 10 otherwise; one sample a minute.
    const samples = [];
    for (let at = base - 10 * MIN; at <= base + 6 * HOUR; at += MIN) {
      const hot = at >= base + HOUR && at < base + HOUR + 30 * MIN;
      samples.push({ labels: { __name__: 'room_temperature', room: 'r1' }, t: at, v: hot ? 100 : 10 });
    }
    expect((await t.estate.metrics.store.append(samples)).rejected).toEqual([]);
    // A check created before the range: up, down at +2 h, up at +3 h, down at +4 h, up at +4 h 30.
    const created = await admin.request('POST', '/api/v1/checks', { name: 'web', type: 'push', config: { periodSeconds: 60 } });
    expect(created.statusCode, created.body).toBe(201);
    const checkId = created.json().id as string;
    const db = t.estate.database.db;
    await db
      .updateTable('checks')
      .set({ created_at: base - 2 * HOUR })
      .where('id', '=', checkId)
      .execute();
    const changes: Array<[number, string]> = [
      [base - HOUR, 'up'],
      [base + 2 * HOUR, 'down'],
      [base + 3 * HOUR, 'up'],
      [base + 4 * HOUR, 'down'],
      [base + 4 * HOUR + 30 * MIN, 'up'],
    ];
    for (const [at, state] of changes) {
      await db
        .insertInto('check_state_history')
        .values({ id: newId(at), check_id: checkId, at, state, previous: null, message: 'test' })
        .execute();
    }
  });
  afterAll(() => t?.close());

  it('answers per alerting rule how often it would have fired, over PromQL and over check-state history', async () => {
    const res = await admin.request('POST', BACKTEST, { yaml: GROUP, from: base, to: base + 6 * HOUR });
    expect(res.statusCode, res.body).toBe(200);
    const answer = res.json() as BacktestAlertRulesAnswer;
    expect(answer.stepSeconds).toBe(60);
    expect(answer.evaluations).toBe(361);
    expect(answer.rules.map((r) => r.name)).toEqual(['HotRoom', 'CheckDown']);
    const [hot, down] = answer.rules;
    // Active at +1 h, firing after `for: 5m` at +1 h 05, resolved at +1 h 30.
    expect(hot).toMatchObject({ firings: 1, alerts: 1, firingSeconds: 25 * 60, errors: 0 });
    expect(hot?.episodes).toEqual([
      { labels: expect.objectContaining({ alertname: 'HotRoom', room: 'r1' }), from: base + HOUR + 5 * MIN, to: base + HOUR + 30 * MIN },
    ]);
    expect(down).toMatchObject({ firings: 2, alerts: 1, firingSeconds: 3600 + 1800, errors: 0 });
    expect(down?.episodes.map((e) => [e.from, e.to])).toEqual([
      [base + 2 * HOUR, base + 3 * HOUR],
      [base + 4 * HOUR, base + 4 * HOUR + 30 * MIN],
    ]);
    expect(down?.episodes[0]?.labels).toMatchObject({ alertname: 'CheckDown', check_name: 'web', check_type: 'push' });
  });

  it('widens the step to stay within 2,000 evaluations, and nothing is saved', async () => {
    const res = await admin.request('POST', BACKTEST, {
      yaml: GROUP,
      from: base - 7 * 24 * HOUR + 6 * HOUR,
      to: base + 6 * HOUR,
      stepSeconds: 10,
    });
    expect(res.statusCode, res.body).toBe(200);
    const answer = res.json() as BacktestAlertRulesAnswer;
    expect(answer.evaluations).toBeLessThanOrEqual(2000);
    expect(answer.stepSeconds).toBeGreaterThanOrEqual((7 * 24 * 3600) / 1999);
    const groups = await admin.request('GET', '/api/v1/alert-rule-groups');
    expect(groups.json().items.map((g: { name: string }) => g.name)).not.toContain('backtested');
  });

  it('refuses bad YAML and ranges with 400, and viewers with 403', async () => {
    const broken = GROUP.replace('room_temperature > 50', 'nonexistent_function(room_temperature)');
    const invalid = await admin.request('POST', BACKTEST, { yaml: broken, from: base, to: base + HOUR });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.headers['content-type']).toContain('application/problem+json');
    expect((await admin.request('POST', BACKTEST, { yaml: GROUP, from: base + HOUR, to: base })).statusCode).toBe(400);
    expect((await admin.request('POST', BACKTEST, { yaml: GROUP, from: base, to: base + 40 * 24 * HOUR })).statusCode).toBe(400);
    expect((await viewer.request('POST', BACKTEST, { yaml: GROUP, from: base, to: base + HOUR })).statusCode).toBe(403);
  });
});
