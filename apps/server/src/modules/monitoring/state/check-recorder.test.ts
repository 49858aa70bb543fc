import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEstate, type TestEstate, testEngines } from '../../../../test/harness';
import type { ActionContext } from '../../../platform/audit/audit-log';
import type { MonitoringTables } from '../monitoring.tables';
import { CheckRecorder, RESULT_RING_SIZE } from './check-recorder';

const ctx: ActionContext = { actor: { type: 'system', id: null, label: 'test' }, requestId: null, sourceIp: null };

describe.each(testEngines())('check recorder on $dialect', (engine) => {
  let t: TestEstate;

  beforeAll(async () => {
    t = await createTestEstate(engine);
  });
  afterAll(() => t?.close());

  it('writes a flush of many results in slices, keeps the last 50 per check in its ring, and every state change', async () => {
    const db = t.database.db as unknown as Kysely<MonitoringTables>;
    const ids: string[] = [];
    for (const name of ['a', 'b', 'c']) {
      ids.push(
        (await t.estate.monitoring.checks.create({ name, type: 'tcp', config: { host: '127.0.0.1', port: 9 }, retries: 0 }, ctx)).id,
      );
    }
    const appended: number[] = [];
    const recorder = new CheckRecorder(db, async (samples) => void appended.push(samples.length));
    const start = Date.UTC(2026, 0, 1);
    // 3 checks × 200 results: more than two slices in one flush; the ring of each check wraps four times.
    for (let i = 0; i < 200; i++) {
      for (const [n, id] of ids.entries()) {
        const status = i % 100 === 99 ? 'down' : 'up';
        await recorder.record(
          { id, name: `check ${n}`, type: 'tcp', intervalMs: 10_000, retries: 0, ciIds: [] },
          { at: start + i * 10_000, status, durationMs: i, message: `run ${i}`, conditions: [], details: { i } },
        );
      }
    }
    expect(recorder.backlog).toBe(600);
    await recorder.flush();
    expect(recorder.backlog).toBe(0);
    for (const id of ids) {
      const state = await db.selectFrom('check_states').selectAll().where('check_id', '=', id).executeTakeFirstOrThrow();
      expect(Number(state.results)).toBe(200);
      expect(state.last_message).toBe('run 199');
      expect(state.state).toBe('down');
      const ring = await db.selectFrom('check_results').select(['slot', 'message']).where('check_id', '=', id).orderBy('at').execute();
      expect(ring).toHaveLength(RESULT_RING_SIZE);
      expect(ring[0]?.message).toBe('run 150');
      expect(ring[49]).toEqual({ slot: 199 % RESULT_RING_SIZE, message: 'run 199' });
      const history = await db.selectFrom('check_state_history').select('state').where('check_id', '=', id).orderBy('at').execute();
      expect(history.map((h) => h.state)).toEqual(['up', 'down', 'up', 'down']);
    }
    // Each result's samples went to the metric store, one append per slice.
    expect(appended.reduce((a, b) => a + b, 0)).toBe(600 * 2);
    expect(appended.length).toBe(3);
  });

  it("stores the series a run measured with the check's id and name, which a series' own labels cannot replace", async () => {
    const db = t.database.db as unknown as Kysely<MonitoringTables>;
    const { id } = await t.estate.monitoring.checks.create({ name: 'ifaces', type: 'tcp', config: { host: '127.0.0.1', port: 9 } }, ctx);
    const appended: { labels: Record<string, string>; t: number; v: number }[] = [];
    const recorder = new CheckRecorder(db, async (samples) => void appended.push(...samples));
    const at = Date.UTC(2026, 0, 2);
    await recorder.record(
      { id, name: 'ifaces', type: 'snmp', intervalMs: 10_000, retries: 0, ciIds: [] },
      { at, status: 'up', durationMs: 3, message: 'ok', conditions: [], details: {} },
      [
        { name: 'if_in_bps', labels: { ifName: 'eth0', check_id: 'forged' }, value: 1200 },
        { name: 'node_load1', value: 0.5, t: at - 1000 },
      ],
    );
    await recorder.flush();
    const own = appended.filter((s) => !s.labels.__name__?.startsWith('estate_check_'));
    expect(own).toEqual([
      { labels: { __name__: 'if_in_bps', ifName: 'eth0', check_id: id, check_name: 'ifaces' }, t: at, v: 1200 },
      { labels: { __name__: 'node_load1', check_id: id, check_name: 'ifaces' }, t: at - 1000, v: 0.5 },
    ]);
    const stored = await db.selectFrom('check_results').select('details').where('check_id', '=', id).executeTakeFirstOrThrow();
    expect(String(stored.details)).not.toContain('if_in_bps');
  });

  it('starts from the stored state after refresh, so two processes recording one push check count its failures together', async () => {
    const db = t.database.db as unknown as Kysely<MonitoringTables>;
    const id = (
      await t.estate.monitoring.checks.create({ name: 'shared', type: 'tcp', config: { host: '127.0.0.1', port: 9 }, retries: 1 }, ctx)
    ).id;
    const check = { id, name: 'shared', type: 'tcp', intervalMs: 60_000, retries: 1, ciIds: [] };
    // Two API processes, each with its own recorder, receive the check's results in turn.
    const first = new CheckRecorder(db, undefined);
    const second = new CheckRecorder(db, undefined);
    const at = Date.UTC(2026, 1, 1);
    const run = async (recorder: CheckRecorder, i: number, status: 'up' | 'down') => {
      await recorder.refresh([id]);
      const after = await recorder.record(check, {
        at: at + i * 60_000,
        status,
        durationMs: 1,
        message: `run ${i}`,
        conditions: [],
        details: {},
      });
      await recorder.flush();
      return after;
    };
    expect((await run(first, 0, 'up')).state).toBe('up');
    expect((await run(second, 1, 'up')).state).toBe('up');
    // One failure (retries 1) is not down yet; the second, recorded by the other process, is.
    expect((await run(first, 2, 'down')).consecutiveFailures).toBe(1);
    const second_ = await run(second, 3, 'down');
    expect([second_.state, second_.consecutiveFailures]).toEqual(['down', 2]);
    expect((await run(first, 4, 'up')).state).toBe('up');
    const state = await db.selectFrom('check_states').selectAll().where('check_id', '=', id).executeTakeFirstOrThrow();
    expect([state.state, Number(state.results), state.last_message]).toEqual(['up', 5, 'run 4']);
    const ring = await db.selectFrom('check_results').select('message').where('check_id', '=', id).orderBy('at').execute();
    expect(ring.map((r) => r.message)).toEqual(['run 0', 'run 1', 'run 2', 'run 3', 'run 4']);
    const history = await db.selectFrom('check_state_history').select('state').where('check_id', '=', id).orderBy('at').execute();
    expect(history.map((h) => h.state)).toEqual(['up', 'down', 'up']);
  });
});
