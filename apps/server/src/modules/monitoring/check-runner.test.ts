import { type CheckType, CheckTypeRegistry, concludeRun, parseCheckConditions } from '@estate/checks/checks/check-executor';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEstate, type TestEstate, testEngines } from '../../../test/harness';
import type { ActionContext } from '../../platform/audit/audit-log';
import { SecretBox } from '../../platform/crypto/secret-box';
import { CheckService } from './check.service';
import { CheckRunner } from './check-runner';
import type { MonitoringTables } from './monitoring.tables';
import { FakeClock, settle } from './scheduler/scheduler-clock.fixtures';
import { CheckRecorder } from './state/check-recorder';

const ctx: ActionContext = { actor: { type: 'system', id: null, label: 'test' }, requestId: null, sourceIp: null };

/** A check type whose runs pass or fail as the test says, at once, with a target of its own name. */
function switchType(
  verdicts: Map<string, boolean>,
): CheckType<{ name: string; conditions: ReturnType<typeof parseCheckConditions>['parsed'] }> {
  return {
    type: 'switch',
    placeholders: ['CONNECTED'],
    defaultConditions: ['[CONNECTED] == true'],
    validate(raw) {
      const r = raw as { name?: unknown; conditions?: unknown };
      if (typeof r.name !== 'string' || r.name === 'refused') throw new (class extends Error {})('bad');
      return { name: r.name, conditions: parseCheckConditions(r.conditions, ['CONNECTED'], ['[CONNECTED] == true']).parsed };
    },
    target: (config) => config.name,
    run: async (config) =>
      concludeRun({
        conditions: config.conditions,
        context: { connected: verdicts.get(config.name) ?? true },
        startedAt: performance.now(),
        summary: 'ok',
        details: {},
      }),
  };
}

describe.each(testEngines())('check runner on $dialect', (engine) => {
  let t: TestEstate;
  const verdicts = new Map<string, boolean>();
  const appended: Array<{ name: string; v: number }> = [];
  let clock: FakeClock;
  let service: CheckService;
  let runner: CheckRunner;
  let recorder: CheckRecorder;

  beforeAll(async () => {
    t = await createTestEstate(engine);
    clock = new FakeClock(Date.UTC(2026, 5, 1));
    const db = t.database.db as unknown as Kysely<MonitoringTables>;
    const registry = new CheckTypeRegistry([switchType(verdicts) as CheckType<unknown>]);
    recorder = new CheckRecorder(db, async (samples) => {
      for (const s of samples) appended.push({ name: s.labels.__name__ as string, v: s.v });
    });
    const secretBox = SecretBox.fromKeyFile(t.config.secretKeyFile);
    service = new CheckService({
      db,
      audit: t.estate.audit,
      secretBox,
      registry,
      recorder,
      now: () => clock.now(),
      changed: (id) => void runner.changed(id),
    });
    runner = new CheckRunner({
      repo: service.repo,
      registry,
      secretBox,
      recorder,
      logger: { warn: () => undefined },
      clock,
      pollEveryMs: 3_600_000,
      flushEveryMs: 3_600_000,
      fullSyncEveryMs: 3_600_000,
      scheduler: { resolutionMs: 0 },
    });
    await runner.start();
  });
  afterAll(async () => {
    await runner?.stop();
    await t?.close();
  });

  const state = (id: string) => t.database.db.selectFrom('check_states').selectAll().where('check_id', '=', id).executeTakeFirst();

  it('schedules a check saved through the service, runs it on its interval and records each run', async () => {
    const check = await service.create({ name: 'alpha', type: 'switch', config: { name: 'alpha' }, intervalSeconds: 10, retries: 0 }, ctx);
    await runner.changed([check.id]);
    expect(runner.size).toBe(1);
    await clock.advance(10_000);
    await recorder.flush();
    expect(await state(check.id)).toMatchObject({ state: 'up', consecutive_failures: 0 });
    verdicts.set('alpha', false);
    await clock.advance(10_000);
    await recorder.flush();
    expect(await state(check.id)).toMatchObject({ state: 'down', consecutive_failures: 1 });
    const ring = await t.database.db
      .selectFrom('check_results')
      .select(['slot', 'status'])
      .where('check_id', '=', check.id)
      .orderBy('slot')
      .execute();
    expect(ring).toEqual([
      { slot: 0, status: 'up' },
      { slot: 1, status: 'down' },
    ]);
    // Each result reached the metric store too: an up sample and a duration per run.
    expect(appended.filter((s) => s.name === 'estate_check_up').map((s) => s.v)).toEqual([1, 0]);
    expect(appended.filter((s) => s.name === 'estate_check_duration_seconds')).toHaveLength(2);
  });

  it('drops a disabled check, picks up one changed by another process when polling, and one deleted elsewhere on a full sync', async () => {
    const beta = await service.create({ name: 'beta', type: 'switch', config: { name: 'beta' }, intervalSeconds: 10 }, ctx);
    await runner.changed([beta.id]);
    const gamma = await service.create({ name: 'gamma', type: 'switch', config: { name: 'gamma' }, intervalSeconds: 10 }, ctx);
    await runner.changed([gamma.id]);
    expect(runner.size).toBe(3);
    await service.update(beta.id, { enabled: false }, beta.version, ctx);
    await settle();
    await runner.poll();
    expect(runner.size).toBe(2);
    // Another process turns it back on: only the database says so.
    await t.database.db.updateTable('checks').set({ enabled: 1, version: 3, updated_at: clock.now() }).where('id', '=', beta.id).execute();
    await runner.poll();
    expect(runner.size).toBe(3);
    await t.database.db.deleteFrom('checks').where('id', '=', gamma.id).execute();
    await runner.resync();
    expect(runner.size).toBe(2);
  });

  it('does not schedule a check its type now refuses, and says why in its state', async () => {
    const check = await service.create({ name: 'delta', type: 'switch', config: { name: 'delta' }, intervalSeconds: 10 }, ctx);
    await runner.changed([check.id]);
    const before = runner.size;
    await t.database.db
      .updateTable('checks')
      .set({ config: JSON.stringify({ name: 'refused' }), version: 2, updated_at: clock.now() })
      .where('id', '=', check.id)
      .execute();
    await runner.resync();
    await settle();
    await recorder.flush();
    expect(runner.size).toBe(before - 1);
    const row = await state(check.id);
    expect(row?.state).toBe('unknown');
    expect(row?.last_message).toMatch(/^The check cannot run as saved: /);
  });
});
