import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import type { MonitoringTables } from '../src/modules/monitoring';
import { phaseOf } from '../src/modules/monitoring/scheduler/slot-grid';
import type { ActionContext } from '../src/platform/audit/audit-log';
import { eventually } from '../src/platform/db/test-databases';
import { type EstateProcess, startEstateRole } from './fixtures/estate-process';
import { createTestEstate, type TestEstate, testEngines } from './harness';

/**
 * "A worker killed on PostgreSQL loses no check": two real `estate serve --role worker` processes share 40 HTTP checks
 * (10 s interval) through leased shards; one is SIGKILLed. Its shards move to the survivor, every check keeps
 * running, and no check ever runs twice for the same slot of its grid (judged by the requests the target received).
 */

const CHECKS = 40;
const INTERVAL_MS = 10_000;
const ctx: ActionContext = { actor: { type: 'system', id: null, label: 'test' }, requestId: null, sourceIp: null };
const repoRoot = path.resolve(import.meta.dirname, '../../..');

const postgres = testEngines().filter((e) => e.dialect === 'postgres');
if (postgres.length === 0) console.warn('[tests] worker kill test skipped: it needs PostgreSQL (ESTATE_TEST_DATABASE_URL).');

describe.each(postgres)('check workers on $dialect', (engine) => {
  let t: TestEstate | undefined;
  const workers: Omit<EstateProcess, 'url' | 'setupToken'>[] = [];
  const dirs: string[] = [];
  let target: http.Server | undefined;
  afterAll(async () => {
    for (const w of workers) await w.kill9();
    target?.close();
    await t?.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('moves a killed worker’s checks to the survivor within an interval, and runs none twice in one slot', async () => {
    // The target: every request remembered by check, with when it arrived.
    const arrivals = new Map<number, number[]>();
    target = http.createServer((req, res) => {
      const n = Number(/^\/c\/(\d+)$/.exec(req.url ?? '')?.[1]);
      arrivals.set(n, [...(arrivals.get(n) ?? []), Date.now()]);
      res.end('ok');
    });
    target.listen(0, '127.0.0.1');
    await once(target, 'listening');
    const port = (target.address() as AddressInfo).port;

    t = await createTestEstate(engine);
    const db = t.database.db as unknown as Kysely<MonitoringTables>;
    const ids: string[] = [];
    for (let i = 0; i < CHECKS; i++) {
      const check = await t.estate.monitoring.checks.create(
        { name: `c${i}`, type: 'http', intervalSeconds: INTERVAL_MS / 1000, config: { url: `http://127.0.0.1:${port}/c/${i}` } },
        ctx,
      );
      ids.push(check.id);
    }

    const start = () => {
      const dataDir = mkdtempSync(path.join(tmpdir(), 'estate-worker-'));
      dirs.push(dataDir);
      return startEstateRole(
        'worker',
        { DATABASE_URL: t!.database.location, ESTATE_DATA_DIR: dataDir, ESTATE_SECRET_KEY_FILE: t!.config.secretKeyFile },
        { cwd: repoRoot, timeoutMs: 90_000 },
      );
    };
    workers.push(...(await Promise.all([start(), start()])));
    const holders = async () => {
      const rows = await db.selectFrom('check_shards').select('worker_id').execute();
      const count = new Map<string, number>();
      for (const r of rows) if (r.worker_id) count.set(r.worker_id, (count.get(r.worker_id) ?? 0) + 1);
      return count;
    };
    // Both take half: the first takes all, gives back its surplus when the second says it is alive.
    await eventually(async () => [...(await holders()).values()].join() === '32,32', 30_000);

    // Two intervals with both running, then the first worker dies without a word.
    await new Promise((r) => setTimeout(r, 2 * INTERVAL_MS));
    const [victim] = workers as [(typeof workers)[number]];
    await victim.kill9();
    const killedAt = Date.now();
    await eventually(async () => [...(await holders()).values()].join() === '64', 30_000);
    const movedAt = Date.now();
    // Two more intervals on the survivor alone.
    await new Promise((r) => setTimeout(r, 2 * INTERVAL_MS + 2_000));

    for (const [i, id] of ids.entries()) {
      const times = arrivals.get(i) ?? [];
      // The slot each request was for: runs start at their slot or a little after (never more than half an interval).
      const phase = phaseOf(id, INTERVAL_MS);
      const slots = times.map((at) => Math.floor((at - phase + INTERVAL_MS / 4) / INTERVAL_MS));
      expect(new Set(slots).size, `check c${i} ran twice in one slot: ${slots.join(', ')}`).toBe(slots.length);
      // It ran before the kill and kept running after its shard moved.
      expect(
        times.some((at) => at < killedAt),
        `check c${i} never ran before the kill`,
      ).toBe(true);
      expect(times.filter((at) => at > movedAt).length, `check c${i} stopped after the kill`).toBeGreaterThanOrEqual(2);
    }
    // The survivor recorded them: every check's state row was written after the move.
    const states = await db.selectFrom('check_states').select(['check_id', 'last_run_at', 'state']).execute();
    expect(states).toHaveLength(CHECKS);
    for (const s of states) {
      expect(Number(s.last_run_at)).toBeGreaterThan(movedAt);
      expect(s.state).toBe('up');
    }
  }, 240_000);
});
