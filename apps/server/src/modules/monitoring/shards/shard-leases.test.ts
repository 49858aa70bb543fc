import type { Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { type TestDatabase, testEngines } from '../../../platform/db/test-databases';
import type { MonitoringTables } from '../monitoring.tables';
import { phaseOf } from '../scheduler/slot-grid';
import { ShardLeases, shardOf } from './shard-leases';

const LEASE_MS = 6_000;
const RENEW_MS = 1_500;

/** A worker's leases with a listener that records what it was told, on a clock the test moves. */
function worker(database: TestDatabase, id: string, clock: { now: number }) {
  const events: string[] = [];
  const leases = new ShardLeases({
    db: database.db as unknown as Kysely<MonitoringTables>,
    dialect: database.dialect,
    workerId: id,
    leaseMs: LEASE_MS,
    renewEveryMs: RENEW_MS,
    now: () => clock.now,
  });
  const listener = {
    gained: (shards: readonly number[]) => void events.push(`gained ${shards.length}`),
    lost: (shards: readonly number[]) => {
      // What the runner does: by the time `lost` resolves, nothing of these shards runs here.
      for (const shard of shards) expect(leases.owned()).not.toContain(shard);
      events.push(`lost ${shards.length}`);
    },
  };
  return { leases, events, listener };
}

async function holders(database: TestDatabase): Promise<Record<string, number>> {
  const rows = await (database.db as unknown as Kysely<MonitoringTables>).selectFrom('check_shards').select(['worker_id']).execute();
  const out: Record<string, number> = {};
  for (const row of rows) out[row.worker_id ?? 'nobody'] = (out[row.worker_id ?? 'nobody'] ?? 0) + 1;
  return out;
}

describe.each(testEngines())('shard leases on $dialect', (engine) => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.cleanup();
    database = undefined;
  });

  it('splits the shards between workers, moves a dead worker’s shards to the survivor, and never lets two hold one', async () => {
    database = await engine.create();
    const clock = { now: Date.UTC(2026, 0, 1) };
    const a = worker(database, 'a', clock);
    const b = worker(database, 'b', clock);

    await a.leases.start(a.listener);
    expect(a.leases.owned()).toHaveLength(64);
    expect(a.events).toEqual(['gained 64']);

    // b joins: every shard is held, so it takes none yet; a gives back its surplus at its next round, then b takes it.
    await b.leases.start(b.listener);
    expect(b.leases.owned()).toEqual([]);
    clock.now += RENEW_MS;
    await a.leases.renew();
    expect(a.leases.owned()).toHaveLength(32);
    expect(a.events).toEqual(['gained 64', 'lost 32']);
    await b.leases.renew();
    expect(b.leases.owned()).toHaveLength(32);
    expect(new Set([...a.leases.owned(), ...b.leases.owned()]).size).toBe(64);
    expect(await holders(database)).toEqual({ a: 32, b: 32 });

    // a dies (stops renewing). Until its leases run out b takes nothing; then b takes them all.
    for (let t = 0; t < LEASE_MS - RENEW_MS; t += RENEW_MS) {
      clock.now += RENEW_MS;
      await b.leases.renew();
      expect(b.leases.owned()).toHaveLength(32);
    }
    clock.now += RENEW_MS;
    await b.leases.renew();
    expect(b.leases.owned()).toHaveLength(64);
    expect(await holders(database)).toEqual({ b: 64 });
    // Had a only been cut off from the database, it would have stopped running them a renewal period before then.
    await a.leases.expireLocal();
    expect(a.leases.owned()).toEqual([]);
    expect(a.events.at(-1)).toBe('lost 32');
  });

  it('stops running shards whose renewals failed before their lease can lapse, and gives them back when it can', async () => {
    database = await engine.create();
    const clock = { now: Date.UTC(2026, 0, 1) };
    const a = worker(database, 'a', clock);
    await a.leases.start(a.listener);
    clock.now += LEASE_MS - RENEW_MS - 1;
    await a.leases.expireLocal();
    expect(a.leases.owned()).toHaveLength(64);
    clock.now += 1;
    await a.leases.expireLocal();
    expect(a.leases.owned()).toEqual([]);
    expect(a.events).toEqual(['gained 64', 'lost 64']);
    // Its next round (the database answers again) gives the lapsed leases back and takes its share afresh.
    await a.leases.renew();
    expect(a.leases.owned()).toHaveLength(64);
    expect(a.events).toEqual(['gained 64', 'lost 64', 'gained 64']);
  });

  it('gives every shard back when it stops, so a survivor takes them at once instead of after the lease', async () => {
    database = await engine.create();
    const clock = { now: Date.UTC(2026, 0, 1) };
    const a = worker(database, 'a', clock);
    const b = worker(database, 'b', clock);
    await a.leases.start(a.listener);
    await b.leases.start(b.listener);
    await a.leases.stop();
    expect(a.events.at(-1)).toBe('lost 64');
    expect(await holders(database)).toEqual({ nobody: 64 });
    await b.leases.renew();
    expect(b.leases.owned()).toHaveLength(64);
    await b.leases.stop();
  });
});

it('spreads checks over the shards independently of where they fall in their interval', () => {
  const counts: number[] = new Array(64).fill(0);
  const quarters: number[] = [0, 0, 0, 0];
  for (let i = 0; i < 64_000; i++) {
    const id = `0190a000-0000-7000-8000-${String(i).padStart(12, '0')}`;
    const shard = shardOf(id, 64);
    counts[shard] = (counts[shard] ?? 0) + 1;
    const quarter = Math.floor(phaseOf(id, 10_000) / 2_500);
    if (shard === 0) quarters[quarter] = (quarters[quarter] ?? 0) + 1;
  }
  expect(Math.min(...counts)).toBeGreaterThan(800);
  expect(Math.max(...counts)).toBeLessThan(1_200);
  // One shard's checks fall all over the interval, so a worker's load is as even as the whole grid's.
  for (const quarter of quarters) expect(quarter).toBeGreaterThan((counts[0] ?? 0) / 4 - 80);
});
