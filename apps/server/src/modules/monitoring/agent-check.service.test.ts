import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEstate, type TestEstate, testEngines } from '../../../test/harness';
import type { ActionContext } from '../../platform/audit/audit-log';
import { SecretBox } from '../../platform/crypto/secret-box';
import { AgentCheckService } from './agent-check.service';
import { CheckRunner } from './check-runner';
import type { MonitoringTables } from './monitoring.tables';
import { CheckRecorder } from './state/check-recorder';

const ctx: ActionContext = { actor: { type: 'system', id: null, label: 'test' }, requestId: null, sourceIp: null };
const T0 = Date.UTC(2026, 5, 1);

describe.each(testEngines())('agent-side checks on $dialect', (engine) => {
  let t: TestEstate;
  let db: Kysely<MonitoringTables>;
  let clock = T0;
  let service: AgentCheckService;
  const agentId = '0190a000-0000-7000-8000-00000000a9e1';

  beforeAll(async () => {
    t = await createTestEstate(engine);
    db = t.database.db as unknown as Kysely<MonitoringTables>;
    // biome-ignore lint/suspicious/noExplicitAny: a bare agent row, as enrollment writes it
    const raw = t.database.db as Kysely<any>;
    await raw
      .insertInto('agents')
      .values({
        id: agentId,
        hostname: 'web-1',
        status: 'active',
        version: '0.1.0',
        public_key: 'pem',
        key_fingerprint: 'f'.repeat(64),
        enrolled_at: T0,
        dropped_records: 0,
        version_no: 1,
      })
      .execute();
    service = new AgentCheckService(db, new CheckRecorder(db, undefined), SecretBox.fromKeyFile(t.config.secretKeyFile), () => clock);
  });
  afterAll(() => t?.close());

  it('lists the checks of an agent with a version, and nothing when that version is still current', async () => {
    const created = await t.estate.monitoring.checks.create(
      { name: 'ssh', type: 'systemd', config: { unit: 'ssh.service' }, intervalSeconds: 60, agentId },
      ctx,
    );
    const first = await service.assigned(agentId, undefined);
    expect(first.checks?.map((c) => [c.id, c.type, c.config])).toEqual([[created.id, 'systemd', { unit: 'ssh.service' }]]);
    expect(await service.assigned(agentId, first.version)).toEqual({ version: first.version, checks: null });
    expect((await service.assigned('0190a000-0000-7000-8000-00000000ffff', undefined)).checks).toEqual([]);
    await t.estate.monitoring.checks.update(created.id, { intervalSeconds: 120 }, created.version, ctx);
    const changed = await service.assigned(agentId, first.version);
    expect(changed.version).not.toBe(first.version);
    expect(changed.checks?.[0]?.intervalSeconds).toBe(120);
    // The server's own runner never schedules it, nor answers "run now" for it.
    const runner = new CheckRunner({
      repo: t.estate.monitoring.checks.repo,
      registry: t.estate.monitoring.registry,
      secretBox: SecretBox.fromKeyFile(t.config.secretKeyFile),
      recorder: new CheckRecorder(db, undefined),
      logger: { warn() {} },
    });
    await runner.resync();
    expect(runner.size).toBe(0);
    await expect(t.estate.monitoring.checks.runNow(created.id, ctx)).rejects.toMatchObject({ status: 409 });
    await t.estate.monitoring.checks.delete(created.id, created.version + 1, ctx);
  });

  it("records runs in order with the agent's time, skips resends and other agents' checks, and goes unknown when the agent falls silent", async () => {
    const check = await t.estate.monitoring.checks.create(
      { name: 'backup file', type: 'file', config: { path: '/var/backups/db.tar' }, intervalSeconds: 60, retries: 0, agentId },
      ctx,
    );
    // The check service stamps checks with the real clock: the agent's runs come after that.
    clock = check.updatedAt;
    const base = clock;
    const run = (at: number, status: 'up' | 'down') => ({ checkId: check.id, at, status, durationMs: 1, message: `at ${at}`, details: {} });
    const first = await service.report(agentId, { runs: [run(clock + 1_000, 'up'), run(clock + 61_000, 'down')] });
    expect(first).toEqual({ recorded: 2, ignored: 0 });
    // The same report again (a retry after a lost answer) and another agent's claim change nothing.
    expect(await service.report(agentId, { runs: [run(clock + 1_000, 'up'), run(clock + 61_000, 'down')] })).toEqual({
      recorded: 0,
      ignored: 2,
    });
    expect(await service.report('0190a000-0000-7000-8000-00000000ffff', { runs: [run(clock + 90_000, 'up')] })).toEqual({
      recorded: 0,
      ignored: 1,
    });
    let state = await db.selectFrom('check_states').selectAll().where('check_id', '=', check.id).executeTakeFirstOrThrow();
    expect([state.state, Number(state.last_run_at), state.last_message]).toEqual(['down', clock + 61_000, `at ${clock + 61_000}`]);

    // Within three intervals of the last run nothing is swept; past them the check is unknown, once.
    clock += 61_000 + 3 * 60_000;
    expect(await service.sweep()).toBe(0);
    clock += 1;
    expect(await service.sweep()).toBe(1);
    expect(await service.sweep()).toBe(0);
    state = await db.selectFrom('check_states').selectAll().where('check_id', '=', check.id).executeTakeFirstOrThrow();
    expect(state.state).toBe('unknown');
    expect(state.last_message).toBe(`Agent web-1 has not reported this check since ${new Date(base + 61_000).toISOString()}`);

    // A server that was down itself gives its agents three intervals from its start before judging them silent: a
    // collector's backlog arrives in the first seconds after the server is back.
    clock += 3_600_000;
    const restarted = new AgentCheckService(
      db,
      new CheckRecorder(db, undefined),
      SecretBox.fromKeyFile(t.config.secretKeyFile),
      () => clock,
    );
    await service.report(agentId, { runs: [run(clock - 3_000_000, 'up')] });
    clock += 3 * 60_000;
    expect(await restarted.sweep()).toBe(0);
    clock += 1;
    expect(await restarted.sweep()).toBe(1);
  });

  it('lists network checks, with their conditions and secrets, only to an agent asking as a remote collector', async () => {
    const http = await t.estate.monitoring.checks.create(
      {
        name: 'intranet',
        type: 'http',
        config: { url: 'http://10.1.2.3/health', auth: { type: 'basic', username: 'watcher' } },
        conditions: ['[STATUS] == 200'],
        warningConditions: ['[RESPONSE_TIME] < 300'],
        secrets: { password: 's3cret' },
        intervalSeconds: 30,
        agentId,
      },
      ctx,
    );
    const host = await service.assigned(agentId, undefined);
    expect(host.checks?.map((c) => c.type)).not.toContain('http');
    const asCollector = await service.assigned(agentId, undefined, true);
    expect(asCollector.version).not.toBe(host.version);
    expect(asCollector.checks?.find((c) => c.id === http.id)).toMatchObject({
      type: 'http',
      config: { url: 'http://10.1.2.3/health' },
      conditions: ['[STATUS] == 200'],
      warningConditions: ['[RESPONSE_TIME] < 300'],
      secrets: { password: 's3cret' },
      intervalSeconds: 30,
    });
    expect(await service.assigned(agentId, asCollector.version, true)).toEqual({ version: asCollector.version, checks: null });

    // A collector's run carries its condition verdicts into the stored result.
    clock = http.updatedAt + 1_000;
    const verdicts = [{ condition: '[STATUS] == 200', passed: false, reason: '[STATUS] (503) == 200' }];
    const ack = await service.report(agentId, {
      runs: [{ checkId: http.id, at: clock, status: 'down', durationMs: 4, message: 'status 503', details: {}, conditions: verdicts }],
    });
    expect(ack).toEqual({ recorded: 1, ignored: 0 });
    const results = await t.estate.monitoring.reads.results(http.id, 5);
    expect(results[0]).toMatchObject({ status: 'down', conditions: verdicts });
    await t.estate.monitoring.checks.delete(http.id, http.version, ctx);
  });

  it('assigns network checks to a collector but keeps push checks and stored credentials on the server', async () => {
    const refused = (request: Record<string, unknown>, path: string) =>
      expect(t.estate.monitoring.checks.create({ name: 'x', intervalSeconds: 60, ...request } as never, ctx)).rejects.toMatchObject({
        status: 400,
        errors: [expect.objectContaining({ path })],
      });
    await refused({ type: 'push', config: { periodSeconds: 60 }, agentId }, 'agentId');
    await refused(
      { type: 'snmp', config: { host: '10.0.0.1', oids: ['1.3.6.1.2.1.1.3.0'], credentialId: agentId }, agentId },
      'config.credentialId',
    );
    await refused({ type: 'tcp', config: { host: '10.0.0.1', port: 22 }, agentId: '0190a000-0000-7000-8000-00000000ffff' }, 'agentId');
    const tcp = await t.estate.monitoring.checks.create(
      { name: 'ssh', type: 'tcp', config: { host: '10.0.0.1', port: 22 }, intervalSeconds: 60, agentId },
      ctx,
    );
    expect(tcp.agentId).toBe(agentId);
    await t.estate.monitoring.checks.delete(tcp.id, tcp.version, ctx);
  });
});
