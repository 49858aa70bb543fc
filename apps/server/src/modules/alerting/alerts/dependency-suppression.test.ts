import type { Kysely } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ActionContext } from '../../../platform/audit/audit-log';
import { AuditLog } from '../../../platform/audit/audit-log';
import { freshDatabases, testEngines } from '../../../platform/db/test-databases';
import type { DependencyGraph, ProviderGroup } from '../../inventory';
import type { CurrentCheckState } from '../../monitoring';
import type { Notification } from '../routing';
import { parseRoutingConfig } from '../routing';
import { AlertEngine } from './alert-engine';
import { AlertStore } from './alert-store';
import { AlertsService } from './alerts.service';
import type { AlertTables } from './alerts.tables';
import { DependencySuppressor } from './dependency-suppressor';
import { Notifier } from './notifier';
import { RuleGroupService } from './rule-groups.service';
import { checkStateSource, defaultRouting, promqlQuery } from './sources';

const routingOf = (yaml: string) => {
  const config = parseRoutingConfig(yaml);
  return { current: async () => ({ version: 1, config }), silences: async () => [] };
};

const ctx: ActionContext = { actor: { type: 'system', id: null, label: 'test' }, requestId: null, sourceIp: null };
const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);
const INTERVAL = 30_000;

const RULES = `groups:
  - name: checks
    interval: 10s
    rules:
      - alert: CheckDown
        check_state:
          states: [down]
`;

/*
 * A small estate: web-1 and web-2 hang off switch sw-a; db-1 has two uplinks (sw-a and sw-b: redundant); app runs on
 * web-1. Each CI has one check every 30 s. The tests race failures of parents and children on an injected clock.
 */
const group = (type: ProviderGroup['type'], redundant: boolean, ...providers: string[]): ProviderGroup => ({ type, redundant, providers });
const GRAPH: DependencyGraph = {
  needs: new Map([
    ['web-1', [group('connected_to', true, 'sw-a')]],
    ['web-2', [group('connected_to', true, 'sw-a')]],
    ['db-1', [group('connected_to', true, 'sw-a', 'sw-b')]],
    ['app', [group('runs_on', false, 'web-1')]],
  ]),
  names: new Map([
    ['sw-a', 'switch A'],
    ['sw-b', 'switch B'],
    ['web-1', 'web-1'],
    ['web-2', 'web-2'],
    ['db-1', 'db-1'],
    ['app', 'app'],
  ]),
};

interface Host {
  state: CurrentCheckState['state'];
  since: number;
  lastRunAt: number | null;
}

describe.each(testEngines())('dependency suppression on $dialect', (engine) => {
  const fresh = freshDatabases(engine);
  let clock: number;
  let hosts: Map<string, Host>;
  let sent: Notification[];
  let rechecked: string[];
  let alerts: AlertsService;
  let e: AlertEngine;

  const states = async (): Promise<CurrentCheckState[]> =>
    [...hosts].map(([ci, h]) => ({
      checkId: `check-${ci}`,
      name: ci,
      type: 'icmp',
      target: ci,
      cis: [{ id: ci, name: ci }],
      state: h.state,
      since: h.since,
      lastRunAt: h.lastRunAt,
      intervalMs: INTERVAL,
    }));

  /** A check run of `ci` at the current time with this outcome; a change pokes the engine, as check.state.changed does. */
  const run = (ci: string, state: Host['state']) => {
    const h = hosts.get(ci) as Host;
    hosts.set(ci, { state, since: h.state === state ? h.since : clock, lastRunAt: clock });
    if (h.state !== state) e.poke();
  };

  async function runUntil(until: number) {
    while (clock < until) {
      clock += 1_000;
      await e.cycle(clock);
    }
  }

  const notifiedFor = () => sent.flatMap((n) => n.firing.map((a) => a.alert.labels.ci_id));
  const alertOf = async (ci: string) => (await alerts.list({})).items.find((a) => a.labels.ci_id === ci);

  beforeEach(async () => {
    const database = await fresh();
    clock = T0;
    sent = [];
    rechecked = [];
    hosts = new Map(
      ['sw-a', 'sw-b', 'web-1', 'web-2', 'db-1', 'app'].map((ci) => [ci, { state: 'up', since: T0 - 600_000, lastRunAt: T0 - 5_000 }]),
    );
    const store = new AlertStore(database.db as unknown as Kysely<AlertTables>, database.dialect);
    const audit = new AuditLog(database);
    const groups = new RuleGroupService(database.db as unknown as Kysely<AlertTables>, audit, () => clock);
    alerts = new AlertsService(store, groups, audit, () => clock);
    await groups.create(RULES, true, ctx);
    const dependencies = new DependencySuppressor({ graph: async () => GRAPH, checks: states, recheck: (ids) => rechecked.push(...ids) });
    e = new AlertEngine({
      store,
      query: promqlQuery(undefined),
      checkStates: checkStateSource(states),
      routing: defaultRouting(),
      suppressors: [dependencies],
      beforeCycle: (at) => dependencies.refresh(at),
      now: () => clock,
      processName: 'p1',
      notify: async (_trx, n) => {
        sent.push(n);
      },
    });
  });

  it('parent down first: the children fire, are marked as caused by the switch, and only the switch is paged', async () => {
    run('sw-a', 'down');
    await runUntil(T0 + 5_000);
    run('web-1', 'down');
    run('web-2', 'down');
    run('app', 'down');
    await runUntil(T0 + 60_000);
    expect(notifiedFor()).toEqual(['sw-a']);
    expect((await alertOf('web-1'))?.suppressedBy).toMatchObject({ kind: 'dependency', reason: 'switch A is down', ref: 'sw-a' });
    // app runs on web-1, which is cut off by the switch: the cause named is the root, the switch.
    expect((await alertOf('app'))?.suppressedBy).toMatchObject({ kind: 'dependency', ref: 'sw-a' });
    expect((await alertOf('web-2'))?.state).toBe('firing');
  });

  it('child down first, parent a few seconds later: the child is held until the parent is re-checked, never paged', async () => {
    run('web-1', 'down');
    await runUntil(T0 + 3_000);
    // The switch's check last ran before web-1 failed: it is asked to run again, and web-1 waits.
    expect(rechecked).toContain('check-sw-a');
    expect((await alertOf('web-1'))?.suppressedBy).toMatchObject({
      kind: 'dependency',
      reason: 'waiting for switch A to be checked again',
    });
    run('sw-a', 'down');
    await runUntil(T0 + 90_000);
    expect(notifiedFor()).toEqual(['sw-a']);
    expect((await alertOf('web-1'))?.suppressedBy).toMatchObject({ reason: 'switch A is down' });
  });

  it('child down, parent re-checked and fine: the child is paged after the re-check, not after a whole interval', async () => {
    run('web-1', 'down');
    await runUntil(T0 + 3_000);
    run('sw-a', 'up');
    await runUntil(T0 + 8_000);
    expect(notifiedFor()).toEqual([]); // group_wait (30 s) still runs from when it fired
    await runUntil(T0 + 40_000);
    expect(notifiedFor()).toEqual(['web-1']);
  });

  it('holds a child for at most one interval of its parent when the parent is never re-checked', async () => {
    run('web-1', 'down');
    await runUntil(T0 + 29_000);
    expect((await alertOf('web-1'))?.suppressedBy).toMatchObject({ kind: 'dependency' });
    await runUntil(T0 + 80_000);
    expect(notifiedFor()).toEqual(['web-1']);
  });

  it('redundant uplinks: one switch down pages the database, both down holds it as caused by both', async () => {
    run('sw-b', 'down');
    await runUntil(T0 + 2_000);
    run('db-1', 'down');
    run('sw-a', 'up');
    await runUntil(T0 + 60_000);
    expect(notifiedFor().sort()).toEqual(['db-1', 'sw-b']);
    run('sw-a', 'down');
    await runUntil(T0 + 70_000);
    expect((await alertOf('db-1'))?.suppressedBy).toMatchObject({ kind: 'dependency', reason: 'switch A, switch B are down' });
  });

  it('when the parent recovers, the children it cut off are re-checked at once and a child still down is paged', async () => {
    run('sw-a', 'down');
    await runUntil(T0 + 2_000);
    run('web-1', 'down');
    run('web-2', 'down');
    await runUntil(T0 + 40_000);
    expect(notifiedFor()).toEqual(['sw-a']);
    rechecked = [];
    run('sw-a', 'up');
    await runUntil(T0 + 42_000);
    expect(rechecked.sort()).toEqual(['check-web-1', 'check-web-2']);
    run('web-1', 'up');
    run('web-2', 'down');
    await runUntil(T0 + 400_000);
    expect(notifiedFor()).toContain('web-2');
    expect(notifiedFor()).not.toContain('web-1');
  });
});

describe.each(testEngines())('a storm behind one switch on $dialect', (engine) => {
  const fresh = freshDatabases(engine);
  const CHILDREN = 5_000;

  it(`${CHILDREN} servers behind one switch fail together: exactly one page, naming the switch and the business service`, async () => {
    const database = await fresh();
    let clock = T0;
    const names = new Map<string, string>([
      ['sw', 'core switch'],
      ['shop', 'Web shop'],
    ]);
    const types = new Map<string, string>([
      ['sw', 'switch'],
      ['shop', 'business_service'],
    ]);
    const needs = new Map<string, ProviderGroup[]>();
    for (let i = 0; i < CHILDREN; i++) {
      names.set(`srv-${i}`, `srv-${i}`);
      types.set(`srv-${i}`, 'physical_server');
      needs.set(`srv-${i}`, [group('connected_to', true, 'sw')]);
    }
    needs.set('shop', [group('depends_on', false, 'srv-0', 'srv-1')]);
    const graph: DependencyGraph = { needs, names, types };
    let failed = false;
    const states = async (): Promise<CurrentCheckState[]> =>
      ['sw', ...Array.from({ length: CHILDREN }, (_, i) => `srv-${i}`)].map((ci) => ({
        checkId: `check-${ci}`,
        name: names.get(ci) as string,
        type: 'icmp',
        target: ci,
        cis: [{ id: ci, name: names.get(ci) as string }],
        state: failed ? 'down' : 'up',
        since: failed ? T0 + 10_000 : T0 - 600_000,
        lastRunAt: failed ? T0 + 10_000 : T0,
        intervalMs: INTERVAL,
      }));
    const store = new AlertStore(database.db as unknown as Kysely<AlertTables>, database.dialect);
    const audit = new AuditLog(database);
    const groups = new RuleGroupService(database.db as unknown as Kysely<AlertTables>, audit, () => clock);
    await groups.create(RULES, true, ctx);
    const dependencies = new DependencySuppressor({ graph: async () => graph, checks: states });
    const notifier = new Notifier({
      queue: { enqueueWithin: async () => undefined },
      escalations: { start: async () => true, acknowledge: async () => true, resolve: async () => true, tick: async () => 0 },
      publicUrl: 'https://estate.example.org',
      impacted: (labels) => dependencies.impacted(labels),
    });
    const pages: ReturnType<Notifier['message']>[] = [];
    const e = new AlertEngine({
      store,
      query: promqlQuery(undefined),
      checkStates: checkStateSource(states),
      // One group per alert: without suppression every server would be its own page.
      routing: routingOf('route:\n  receiver: on-call\n  group_by: [alertname, ci_id]\n  group_wait: 5s\nreceivers:\n  - name: on-call\n'),
      suppressors: [dependencies],
      beforeCycle: (at) => dependencies.refresh(at),
      now: () => clock,
      processName: 'p1',
      notify: async (_trx, n) => {
        pages.push(notifier.message(n));
      },
    });
    clock = T0 + 10_000;
    failed = true;
    e.poke();
    while (clock < T0 + 60_000) {
      clock += 1_000;
      await e.cycle(clock);
    }
    expect(pages).toHaveLength(1);
    expect(pages[0]?.firing.map((a) => a.labels.ci_name)).toEqual(['core switch']);
    expect(pages[0]?.impacted).toEqual(['Web shop']);
    const alerts = new AlertsService(store, groups, audit, () => clock);
    const summary = await alerts.summary();
    expect(summary).toMatchObject({ firing: CHILDREN + 1, suppressed: CHILDREN });
  }, 120_000);
});
