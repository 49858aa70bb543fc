// biome-ignore-all lint/suspicious/noExplicitAny: fixtures write every table.
import type { Kysely } from 'kysely';

const T0 = 1_726_000_000_000;
const CHECK = '0190a000-0000-7000-8000-0000000001a1';
const PUSH = '0190a000-0000-7000-8000-0000000001a2';
const PLUGIN = '0190a000-0000-7000-8000-0000000001a3';
/** The agent of the discovery fixtures. */
const AGENT = '0190a000-0000-7000-8000-0000000002a1';

/**
 * Rows for every table of migrations 0026, 0027 and 0028 (monitoring): an HTTP check with a sealed secret, bound to
 * a CI, a push check with an open run, and a Nagios plugin check assigned to a host agent; a state row with a
 * fractional duration and flapping; a result in the ring with conditions and details; a state change with no
 * previous state; a worker holding a shard lease.
 */
export async function fillMonitoring(db: Kysely<any>, json: (v: unknown) => string, ciId: string, userId: string): Promise<void> {
  const base = {
    enabled: 1,
    interval_ms: 60_000,
    timeout_ms: 9_500,
    retries: 2,
    warning_conditions: json(['[RESPONSE_TIME] < 500']),
    created_by: userId,
    created_at: T0,
    updated_at: T0 + 1,
    version: 2,
  };
  await db
    .insertInto('checks')
    .values([
      {
        ...base,
        id: CHECK,
        name: 'Shop “health” ✔',
        type: 'http',
        target: 'https://shop.example.org/health',
        config: json({ url: 'https://shop.example.org/health', auth: { type: 'basic', username: 'mön' } }),
        conditions: json(['[STATUS] == any(200, 204)', '[BODY].ok == true']),
        secret: 'enc:v1:sealed-secret',
        secret_names: json(['password']),
        push_token: null,
        push_started_at: null,
        push_run_id: null,
        agent_id: null,
        agent_result_at: null,
      },
      {
        ...base,
        id: PUSH,
        name: 'Nightly backup',
        type: 'push',
        target: 'push',
        config: json({ schedule: '0 3 * * *', timezone: 'Europe/Berlin', graceSeconds: 1800 }),
        conditions: json([]),
        secret: null,
        secret_names: json([]),
        push_token: 'AbCdEfGhIjKlMnOpQrStUvWx',
        push_started_at: T0 + 5,
        push_run_id: 'run ü-1',
        agent_id: null,
        agent_result_at: null,
      },
      {
        ...base,
        id: PLUGIN,
        name: 'Load (plugin)',
        type: 'nagios',
        target: 'nagios load',
        config: json({ plugin: 'load', args: ['-r'] }),
        conditions: json([]),
        secret: null,
        secret_names: json([]),
        push_token: null,
        push_started_at: null,
        push_run_id: null,
        agent_id: AGENT,
        agent_result_at: T0 + 30,
      },
    ])
    .execute();
  await db
    .insertInto('check_cis')
    .values([{ check_id: CHECK, ci_id: ciId }])
    .execute();
  await db
    .insertInto('check_states')
    .values([
      {
        check_id: CHECK,
        state: 'degraded',
        since: T0 + 10,
        last_run_at: T0 + 20,
        last_status: 'degraded',
        last_duration_ms: 123.456,
        last_message: 'Warning: [RESPONSE_TIME] (612ms) < 500',
        consecutive_failures: 0,
        flapping: 1,
        changes: json([T0, T0 + 10]),
        results: 51,
        updated_at: T0 + 20,
      },
    ])
    .execute();
  await db
    .insertInto('check_results')
    .values([
      {
        check_id: CHECK,
        slot: 0,
        at: T0 + 20,
        status: 'degraded',
        duration_ms: 612.5,
        message: 'Warning: [RESPONSE_TIME] (612ms) < 500',
        conditions: json([{ condition: '[STATUS] == any(200, 204)', passed: true, reason: '[STATUS] (200) == any(200, 204)' }]),
        details: json({ hops: [{ url: 'https://shop.example.org/health', status: 200, timings: { totalMs: 612.5 } }] }),
      },
    ])
    .execute();
  await db
    .insertInto('check_state_history')
    .values([
      { id: '0190a000-0000-7000-8000-0000000001b1', check_id: CHECK, at: T0, state: 'up', previous: null, message: 'first run' },
      { id: '0190a000-0000-7000-8000-0000000001b2', check_id: CHECK, at: T0 + 10, state: 'degraded', previous: 'up', message: 'slow' },
    ])
    .execute();
  // Migration 0028: a worker that said it is alive, holding one shard; another shard free.
  await db
    .insertInto('check_workers')
    .values([{ worker_id: 'db1.example.org-4242-a1b2c3d4', host: 'db1.example.org', pid: 4242, started_at: T0, alive_until: T0 + 6_000 }])
    .execute();
  await db
    .insertInto('check_shards')
    .values([
      { shard: 0, worker_id: 'db1.example.org-4242-a1b2c3d4', expires_at: T0 + 6_000, moves: 3 },
      { shard: 1, worker_id: null, expires_at: 0, moves: 0 },
    ])
    .execute();
}
