import fc from 'fast-check';
import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { ActionContext } from '../../../platform/audit/audit-log';
import { AuditLog } from '../../../platform/audit/audit-log';
import { freshDatabases, testEngines } from '../../../platform/db/test-databases';
import type { CurrentCheckState } from '../../monitoring';
import type { Notification } from '../routing';
import { parseRoutingConfig } from '../routing';
import { AlertEngine } from './alert-engine';
import { AlertStore } from './alert-store';
import { AlertsService } from './alerts.service';
import type { AlertTables } from './alerts.tables';
import { RuleGroupService } from './rule-groups.service';
import { checkStateSource, promqlQuery } from './sources';

/*
 * The whole engine (rules, episodes, dispatcher, acknowledgements, saved state and hand-over) under random
 * sequences of checks failing and recovering, acknowledgements, time passing and restarts, on a real database:
 * - no page after acknowledgement: an acknowledged episode is never in a later firing notification;
 * - no recovery without a problem: a resolved alert is only sent to a group that was sent its firing;
 * - no lost alert: an episode firing, unacknowledged, for longer than group_wait + group_interval + the rules'
 *   interval has been sent.
 */

const ctx: ActionContext = { actor: { type: 'system', id: null, label: 'test' }, requestId: null, sourceIp: null };
const T0 = Date.UTC(2026, 5, 1, 12, 0, 0);
const CHECKS = 3;
const GROUP_WAIT = 10_000;
const GROUP_INTERVAL = 30_000;
const EVAL = 5_000;

const RULES = `groups:
  - name: checks
    interval: 5s
    rules:
      - alert: CheckDown
        check_state:
          states: [down]
`;
const ROUTING = parseRoutingConfig(`route:
  receiver: ops
  group_by: [alertname]
  group_wait: 10s
  group_interval: 30s
  repeat_interval: 1m
receivers:
  - name: ops
`);

type Step =
  | { kind: 'down'; check: number }
  | { kind: 'up'; check: number }
  | { kind: 'ack'; check: number }
  | { kind: 'wait'; seconds: number }
  | { kind: 'restart' };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('down' as const), check: fc.nat(CHECKS - 1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('up' as const), check: fc.nat(CHECKS - 1) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('ack' as const), check: fc.nat(CHECKS - 1) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('wait' as const), seconds: fc.integer({ min: 1, max: 90 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'restart' as const }) },
);

describe.each(testEngines().slice(0, 1))('the engine under random event sequences on $dialect', (engine) => {
  const fresh = freshDatabases(engine);

  it('never pages after acknowledgement, never recovers what was not sent, never loses an alert', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 5, maxLength: 25 }), async (steps) => {
        const database = await fresh();
        let clock = T0;
        const states = new Map<number, { state: 'up' | 'down'; since: number }>();
        for (let i = 0; i < CHECKS; i++) states.set(i, { state: 'up', since: T0 - 60_000 });
        const read = async (): Promise<CurrentCheckState[]> =>
          [...states].map(([i, s]) => ({
            checkId: `c${i}`,
            name: `check ${i}`,
            type: 'tcp',
            target: `host-${i}:22`,
            cis: [],
            state: s.state,
            since: s.since,
            lastRunAt: clock,
            intervalMs: 10_000,
          }));
        const db = database.db as unknown as Kysely<AlertTables>;
        const store = new AlertStore(db, database.dialect);
        const audit = new AuditLog(database);
        const groups = new RuleGroupService(db, audit, () => clock);
        const alerts = new AlertsService(store, groups, audit, () => clock);
        await groups.create(RULES, true, ctx);
        const sent: Array<{ at: number; n: Notification }> = [];
        let generation = 0;
        const newEngine = () =>
          new AlertEngine({
            store,
            query: promqlQuery(undefined),
            checkStates: checkStateSource(read),
            routing: { current: async () => ({ version: 1, config: ROUTING }), silences: async () => [] },
            now: () => clock,
            processName: `p${++generation}`,
            notify: async (_trx, n) => {
              sent.push({ at: clock, n });
            },
          });
        let e = newEngine();
        /** Acknowledged episodes: `fingerprint@activeAt` → when. */
        const acked = new Map<string, number>();
        const advance = async (ms: number) => {
          const until = clock + ms;
          while (clock < until) {
            clock += 1_000;
            await e.cycle(clock);
          }
        };
        for (const step of steps) {
          if (step.kind === 'down' || step.kind === 'up') {
            const s = states.get(step.check) as { state: string };
            if (s.state !== step.kind) states.set(step.check, { state: step.kind, since: clock });
            await advance(1_000);
          } else if (step.kind === 'ack') {
            const open = (await alerts.list({ state: 'firing' })).items.find((a) => a.labels.check_id === `c${step.check}`);
            if (open) {
              // As if in another process: the engine is not told, it reads acknowledgements itself.
              await alerts.acknowledge(open.id, undefined, ctx);
              acked.set(`${open.fingerprint}@${open.activeAt}`, clock);
            }
            await advance(1_000);
          } else if (step.kind === 'wait') {
            await advance(step.seconds * 1_000);
          } else {
            await e.stop();
            e = newEngine();
            await advance(1_000);
          }
        }
        await advance(GROUP_WAIT + GROUP_INTERVAL + 2 * EVAL);

        // No page after acknowledgement (a flush may already have been under way in the same second).
        for (const { at, n } of sent) {
          for (const f of n.firing) {
            const ackedAt = acked.get(`${f.fingerprint}@${f.alert.activeAt}`);
            if (ackedAt !== undefined) expect(at, `episode ${f.fingerprint} paged after acknowledgement`).toBeLessThanOrEqual(ackedAt);
          }
        }
        // No recovery without a problem sent to that group.
        const told = new Set<string>();
        for (const { n } of sent) {
          for (const f of n.firing) told.add(`${n.groupKey}|${f.fingerprint}@${f.alert.firedAt ?? f.alert.activeAt}`);
          for (const r of n.resolved) expect(told.has(`${n.groupKey}|${r.fingerprint}@${r.alert.firedAt ?? r.alert.activeAt}`)).toBe(true);
        }
        // No lost alert: every episode still firing long enough, never acknowledged, was sent.
        const sentEpisodes = new Set(sent.flatMap(({ n }) => n.firing.map((f) => `${f.fingerprint}@${f.alert.activeAt}`)));
        for (const a of (await alerts.list({ state: 'firing' })).items) {
          const key = `${a.fingerprint}@${a.activeAt}`;
          if (acked.has(key) || a.acknowledgedAt !== null) continue;
          if (clock - (a.firedAt ?? a.activeAt) > GROUP_WAIT + GROUP_INTERVAL + EVAL)
            expect(sentEpisodes.has(key), `episode ${key} never sent`).toBe(true);
        }
      }),
      { numRuns: 15 },
    );
  }, 300_000);
});
