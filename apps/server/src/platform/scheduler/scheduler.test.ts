import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../db/database';
import { type TestDatabase, testEngines } from '../db/test-databases';
import { Scheduler } from './scheduler';

const quiet = { warn: () => {} };

for (const engine of testEngines()) {
  describe(`scheduler on ${engine.dialect}`, () => {
    let database: TestDatabase;
    /** A second process's own connection to the same store. */
    let other: Database;
    beforeAll(async () => {
      database = await engine.create();
      other =
        engine.dialect === 'postgres'
          ? await openDatabase({ databaseUrl: database.location, poolSize: 2 })
          : await openDatabase({ sqliteFile: database.location });
    });
    afterAll(async () => {
      await other.close();
      await database.cleanup();
    });

    it('runs a new task at once, then once per period, and never before it is due', async () => {
      const runs: number[] = [];
      const scheduler = new Scheduler(database, { logger: quiet });
      scheduler.every('test.periodic', 60_000, async (now) => {
        runs.push(now);
      });
      expect(await scheduler.tick(1_000_000)).toEqual(['test.periodic']);
      expect(await scheduler.tick(1_030_000)).toEqual([]);
      expect(await scheduler.tick(1_059_999)).toEqual([]);
      expect(await scheduler.tick(1_060_000)).toEqual(['test.periodic']);
      expect(runs).toEqual([1_000_000, 1_060_000]);
    });

    it('runs each period in one process only when several processes tick at the same moment', async () => {
      const ran: string[] = [];
      const a = new Scheduler(database, { logger: quiet, processName: 'a' });
      const b = new Scheduler(other, { logger: quiet, processName: 'b' });
      for (const [s, name] of [
        [a, 'a'],
        [b, 'b'],
      ] as const) {
        s.every('test.shared', 10_000, async () => {
          ran.push(name);
        });
      }
      for (let period = 0; period < 5; period++) {
        const now = 2_000_000 + period * 10_000;
        const [fromA, fromB] = await Promise.all([a.tick(now), b.tick(now)]);
        expect(fromA.length + fromB.length).toBe(1);
      }
      expect(ran).toHaveLength(5);
      const row = await database.db.selectFrom('schedules').selectAll().where('name', '=', 'test.shared').executeTakeFirstOrThrow();
      expect(Number(row.next_run_at)).toBe(2_050_000);
      expect(['a', 'b']).toContain(row.last_run_by);
    });

    it('records a failed run, keeps the other tasks running, and clears the error once a run succeeds', async () => {
      let fail = true;
      const scheduler = new Scheduler(database, { logger: quiet });
      scheduler.every('test.flaky', 1_000, async () => {
        if (fail) throw new Error('disk on fire');
      });
      const after: string[] = [];
      scheduler.every('test.after', 1_000, async () => {
        after.push('ran');
      });
      expect(await scheduler.tick(5_000_000)).toEqual(['test.flaky', 'test.after']);
      expect(after).toEqual(['ran']);
      const errorOf = async () =>
        (await database.db.selectFrom('schedules').select('last_error').where('name', '=', 'test.flaky').executeTakeFirstOrThrow())
          .last_error;
      expect(await errorOf()).toBe('disk on fire');
      fail = false;
      await scheduler.tick(5_001_000);
      expect(await errorOf()).toBeNull();
    });

    it('refuses a task registered twice or with a period that is not positive', () => {
      const scheduler = new Scheduler(database);
      scheduler.every('test.once', 1_000, async () => {});
      expect(() => scheduler.every('test.once', 1_000, async () => {})).toThrow(/registered twice/);
      expect(() => scheduler.every('test.zero', 0, async () => {})).toThrow(/positive period/);
    });
  });
}
