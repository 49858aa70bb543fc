import type { Kysely } from 'kysely';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { ActionContext } from '../../../platform/audit/audit-log';
import { AuditLog } from '../../../platform/audit/audit-log';
import { freshDatabases, type TestDatabase, testEngines } from '../../../platform/db/test-databases';
import type { CurrentCheckState } from '../../monitoring';
import type { Notification } from '../routing';
import { AlertEngine } from './alert-engine';
import { AlertStore } from './alert-store';
import { AlertsService } from './alerts.service';
import type { AlertTables } from './alerts.tables';
import { ExternalAlerts } from './external-alerts';
import { RuleGroupService } from './rule-groups.service';
import { checkStateSource, defaultRouting, promqlQuery } from './sources';

const ctx: ActionContext = { actor: { type: 'system', id: null, label: 'test' }, requestId: null, sourceIp: null };
const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);

const RULES = `groups:
  - name: checks
    interval: 10s
    rules:
      - alert: CheckDown
        check_state:
          states: [down]
        labels:
          severity: critical
        annotations:
          summary: '{{ $labels.check_name }} is down'
`;

const PENDING_RULES = `groups:
  - name: slow
    interval: 10s
    rules:
      - alert: CheckDownAWhile
        check_state:
          states: [down]
        for: 1m
`;

function check(state: CurrentCheckState['state'], since: number, name = 'web'): CurrentCheckState {
  return {
    checkId: `c-${name}`,
    name,
    type: 'http',
    target: `https://${name}.example.org/`,
    cis: [],
    state,
    since,
    lastRunAt: since,
    intervalMs: 10_000,
  };
}

describe.each(testEngines())('the alert engine on $dialect', (engine) => {
  const fresh = freshDatabases(engine);
  let database: TestDatabase;
  let clock: number;
  let checks: CurrentCheckState[];
  let sent: Notification[];
  let store: AlertStore;
  let groups: RuleGroupService;
  let alerts: AlertsService;

  const newEngine = (processName: string) =>
    new AlertEngine({
      store,
      query: promqlQuery(undefined),
      checkStates: checkStateSource(async () => checks),
      routing: defaultRouting(),
      now: () => clock,
      processName,
      notify: async (_trx, n) => {
        sent.push(n);
      },
    });

  /** Cycles every `step` (the worker's timer: once a second) until `until`. */
  async function runUntil(e: AlertEngine, until: number, step = 1_000) {
    while (clock < until) {
      clock += step;
      await e.cycle(clock);
    }
  }

  beforeEach(async () => {
    database = await fresh();
    clock = T0;
    checks = [check('up', T0 - 60_000)];
    sent = [];
    store = new AlertStore(database.db as unknown as Kysely<AlertTables>, database.dialect);
    const audit = new AuditLog(database);
    groups = new RuleGroupService(database.db as unknown as Kysely<AlertTables>, audit, () => clock);
    alerts = new AlertsService(store, groups, audit, () => clock);
  });
  afterAll(() => undefined);

  it('fires on a check down, notifies after group_wait, resolves and sends the recovery to the same receiver', async () => {
    await groups.create(RULES, true, ctx);
    const e = newEngine('p1');
    await runUntil(e, T0 + 20_000);
    expect((await alerts.list({})).items).toEqual([]);

    checks = [check('down', T0 + 21_000)];
    await runUntil(e, T0 + 35_000);
    const [firing] = (await alerts.list({})).items;
    expect(firing).toMatchObject({ name: 'CheckDown', state: 'firing', severity: 'critical', notified: false });
    expect(firing?.labels).toMatchObject({ alertname: 'CheckDown', check_name: 'web', severity: 'critical' });
    expect(firing?.annotations.summary).toBe('web is down');
    expect(sent).toEqual([]); // group_wait (30 s) has not passed

    await runUntil(e, T0 + 70_000);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.receiver).toBe('default');
    expect(sent[0]?.firing.map((a) => a.alert.labels.check_name)).toEqual(['web']);
    const detail = await alerts.detail(firing?.id as string);
    expect(detail.alert.notified).toBe(true);
    expect(detail.timeline.map((ev) => ev.kind)).toEqual(['pending', 'firing', 'notified']);

    checks = [check('up', T0 + 80_000)];
    await runUntil(e, T0 + 90_000);
    const resolved = await alerts.detail(firing?.id as string);
    expect(resolved.alert.state).toBe('resolved');
    // The recovery goes at the group's next flush (group_interval 5 m after the first).
    await runUntil(e, T0 + 70_000 + 300_000);
    expect(sent.map((n) => [n.firing.length, n.resolved.length])).toEqual([
      [1, 0],
      [0, 1],
    ]);
    expect((await alerts.detail(firing?.id as string)).timeline.map((ev) => ev.kind)).toContain('recovery-notified');
  });

  it('picks up a rule group created by another process within a cycle', async () => {
    const e = newEngine('p1');
    checks = [check('down', T0)];
    await runUntil(e, T0 + 5_000);
    expect((await alerts.list({})).items).toEqual([]);
    await groups.create(RULES, true, ctx); // this service does not tell the engine
    await runUntil(e, T0 + 20_000);
    expect((await alerts.list({})).items.map((a) => a.name)).toEqual(['CheckDown']);
  });

  it('drops a pending alert whose check recovered before `for` passed, and never notifies it', async () => {
    await groups.create(PENDING_RULES, true, ctx);
    const e = newEngine('p1');
    checks = [check('down', T0)];
    await runUntil(e, T0 + 30_000);
    expect((await alerts.list({})).items.map((a) => a.state)).toEqual(['pending']);
    checks = [check('up', T0 + 31_000)];
    await runUntil(e, T0 + 200_000);
    expect((await alerts.list({})).items).toEqual([]);
    expect((await alerts.list({ state: 'resolved' })).items).toEqual([]);
    expect(sent).toEqual([]);
  });

  it('counts `for` from when the check went down, across a restart of the engine', async () => {
    await groups.create(PENDING_RULES, true, ctx);
    checks = [check('down', T0)];
    const first = newEngine('p1');
    await runUntil(first, T0 + 40_000);
    await first.stop();
    const second = newEngine('p2');
    await runUntil(second, T0 + 75_000);
    const [alert] = (await alerts.list({})).items;
    expect(alert?.state).toBe('firing');
    expect(alert?.activeAt).toBe(T0);
    expect((await alerts.list({ state: 'resolved' })).items).toEqual([]);
  });

  it('lets one process at a time evaluate, and hands over when the holder stops', async () => {
    await groups.create(RULES, true, ctx);
    const a = newEngine('a');
    const b = newEngine('b');
    clock += 1_000;
    expect(await a.cycle(clock)).toBe(true);
    expect(await b.cycle(clock)).toBe(false);
    await a.stop();
    expect(await b.cycle(clock)).toBe(true);
    expect(await a.cycle(clock)).toBe(false);
  });

  it('sends nothing new after a restart for what was already notified, and the recovery still goes', async () => {
    await groups.create(RULES, true, ctx);
    checks = [check('down', T0)];
    const first = newEngine('p1');
    await runUntil(first, T0 + 60_000);
    expect(sent).toHaveLength(1);
    await first.stop();
    const second = newEngine('p2');
    await runUntil(second, T0 + 200_000);
    expect(sent).toHaveLength(1);
    checks = [check('up', T0 + 201_000)];
    await runUntil(second, T0 + 700_000);
    expect(sent.map((n) => [n.firing.length, n.resolved.length])).toEqual([
      [1, 0],
      [0, 1],
    ]);
  });

  it('does not repeat an acknowledged alert, and still sends its recovery', async () => {
    await groups.create(RULES, true, ctx);
    checks = [check('down', T0)];
    const e = newEngine('p1');
    await runUntil(e, T0 + 60_000);
    expect(sent).toHaveLength(1);
    const [alert] = (await alerts.list({})).items;
    await alerts.acknowledge(alert?.id as string, 'looking', ctx);
    e.acknowledgementsChanged();
    // repeat_interval is 4 h: without the acknowledgement it would be sent again.
    await runUntil(e, T0 + 60_000 + 4 * 3_600_000 + 600_000, 10_000);
    expect(sent).toHaveLength(1);
    const detail = await alerts.detail(alert?.id as string);
    expect(detail.alert.acknowledgedAt).not.toBeNull();
    expect(detail.alert.suppressedBy).toMatchObject({ kind: 'acknowledged' });
    checks = [check('up', clock + 1_000)];
    await runUntil(e, clock + 400_000);
    expect(sent.map((n) => [n.firing.length, n.resolved.length])).toEqual([
      [1, 0],
      [0, 1],
    ]);
  }, 120_000);

  it('refuses to resolve a rule alert by hand, and acknowledging twice keeps the first acknowledgement', async () => {
    await groups.create(RULES, true, ctx);
    checks = [check('down', T0)];
    const e = newEngine('p1');
    await runUntil(e, T0 + 15_000);
    const [alert] = (await alerts.list({})).items;
    await expect(alerts.resolve(alert?.id as string, undefined, ctx)).rejects.toMatchObject({ status: 409 });
    const first = await alerts.acknowledge(alert?.id as string, undefined, ctx);
    clock += 5_000;
    const again = await alerts.acknowledge(alert?.id as string, undefined, ctx);
    expect(again.acknowledgedAt).toBe(first.acknowledgedAt);
  });

  it('serves the Prometheus rules and alerts bodies from what the evaluator saved', async () => {
    await groups.create(RULES, true, ctx);
    checks = [check('down', T0), check('up', T0, 'db')];
    const e = newEngine('p1');
    await runUntil(e, T0 + 15_000);
    const rules = await alerts.prometheusRules({});
    const rule = rules.data.groups[0]?.rules[0];
    expect(rules.data.groups[0]).toMatchObject({ name: 'checks', interval: 10 });
    expect(rule).toMatchObject({ name: 'CheckDown', state: 'firing', health: 'ok', type: 'alerting' });
    const body = await alerts.prometheusAlerts();
    expect(body.data.alerts.map((a) => [a.labels.check_name, a.state])).toEqual([['web', 'firing']]);
    const [listed] = await alerts.ruleGroups();
    expect(listed?.rules[0]).toMatchObject({ name: 'CheckDown', kind: 'check-state', firing: 1, health: 'ok' });
  });
});

describe.each(testEngines())('alerts sent in from outside, on $dialect', (engine) => {
  const fresh = freshDatabases(engine);
  let clock: number;
  let sent: Notification[];
  let store: AlertStore;
  let alerts: AlertsService;
  let external: ExternalAlerts;
  let e: AlertEngine;

  async function runUntil(until: number, step = 2_000) {
    while (clock < until) {
      clock += step;
      await e.cycle(clock);
    }
  }

  beforeEach(async () => {
    const database = await fresh();
    clock = T0;
    sent = [];
    store = new AlertStore(database.db as unknown as Kysely<AlertTables>, database.dialect);
    const audit = new AuditLog(database);
    const groups = new RuleGroupService(database.db as unknown as Kysely<AlertTables>, audit, () => clock);
    alerts = new AlertsService(store, groups, audit, () => clock);
    external = new ExternalAlerts(store, () => clock);
    e = new AlertEngine({
      store,
      query: promqlQuery(undefined),
      checkStates: checkStateSource(async () => []),
      routing: defaultRouting(),
      now: () => clock,
      processName: 'p1',
      notify: async (_trx, n) => {
        sent.push(n);
      },
    });
  });

  it('routes Alertmanager-shaped alerts, keeps them while they are sent again, and resolves them at their end', async () => {
    const alert = { labels: { alertname: 'HighLoad', instance: 'db-1' }, annotations: { summary: 'load is high' } };
    await external.receive([{ ...alert, startsAt: T0 - 5_000, endsAt: T0 + 120_000 }], 'prometheus');
    await runUntil(T0 + 40_000);
    expect(sent.map((n) => n.firing.map((a) => a.alert.labels.instance))).toEqual([['db-1']]);
    // Sent again with a later end: still one episode, no new notification.
    await external.receive([{ ...alert, startsAt: T0 - 5_000, endsAt: T0 + 240_000 }], 'prometheus');
    await runUntil(T0 + 200_000);
    expect((await alerts.list({})).items).toHaveLength(1);
    expect(sent).toHaveLength(1);
    // Not sent again: it resolves at its end, and the recovery goes at the next flush.
    await runUntil(T0 + 600_000);
    const [resolved] = (await alerts.list({ state: 'resolved' })).items;
    expect(resolved).toMatchObject({ name: 'HighLoad', source: 'prometheus', resolvedAt: T0 + 240_000 });
    expect(sent.map((n) => [n.firing.length, n.resolved.length])).toEqual([
      [1, 0],
      [0, 1],
    ]);
  });

  it('refuses alerts with invalid labels and takes none of the batch', async () => {
    await expect(
      external.receive([{ labels: { alertname: 'Fine' } }, { labels: { 'bad-name': 'x' } }], 'alertmanager'),
    ).rejects.toMatchObject({ status: 400 });
    expect((await alerts.list({})).items).toEqual([]);
  });

  it('opens, refreshes, acknowledges and resolves an event by its dedup key', async () => {
    const first = await external.event(
      { action: 'trigger', dedupKey: 'disk-7', summary: 'Disk 7 failing', source: 'nas-1', severity: 'error' },
      ctx,
    );
    const again = await external.event(
      { action: 'trigger', dedupKey: 'disk-7', summary: 'Disk 7 failed', source: 'nas-1', severity: 'error' },
      ctx,
    );
    expect(again.alertId).toBe(first.alertId);
    await runUntil(T0 + 35_000);
    expect(sent).toHaveLength(1);
    await external.event({ action: 'acknowledge', dedupKey: 'disk-7' }, ctx);
    let detail = await alerts.detail(first.alertId as string);
    expect(detail.alert).toMatchObject({ state: 'firing', annotations: { summary: 'Disk 7 failed' } });
    expect(detail.alert.acknowledgedAt).not.toBeNull();
    await external.event({ action: 'resolve', dedupKey: 'disk-7' }, ctx);
    await runUntil(T0 + 400_000);
    detail = await alerts.detail(first.alertId as string);
    expect(detail.alert.state).toBe('resolved');
    expect(detail.timeline.map((x) => x.kind)).toEqual(
      expect.arrayContaining(['firing', 'notified', 'acknowledged', 'resolved', 'recovery-notified']),
    );
    const fresh = await external.event({ action: 'trigger', summary: 'no key given' }, ctx);
    expect(fresh.dedupKey).toMatch(/^[0-9a-f-]{36}$/);
    await expect(external.event({ action: 'resolve' }, ctx)).rejects.toMatchObject({ status: 400 });
  });
});
