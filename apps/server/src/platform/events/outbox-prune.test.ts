import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, testEngines } from '../db/test-databases';
import { pruneDispatchedEvents } from './outbox';

const DAY = 86_400_000;

for (const engine of testEngines()) {
  describe(`pruning dispatched events on ${engine.dialect}`, () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await engine.create();
    });
    afterAll(() => database?.cleanup());

    it('deletes events dispatched before the retention, in batches, and keeps recent and undispatched ones', async () => {
      const now = Date.UTC(2026, 11, 3);
      const old = now - 8 * DAY;
      const event = (id: string, createdAt: number, dispatchedAt: number | null) => ({
        id,
        topic: 'ci.updated',
        payload: '{}',
        created_at: createdAt,
        dispatched_at: dispatchedAt,
      });
      await database.db
        .insertInto('outbox')
        .values([
          event('e1-old', old, old),
          event('e2-old', old, old + 1),
          event('e3-old', old, old + 2),
          event('e4-recent', old, now - DAY),
          event('e5-undispatched', old, null),
        ])
        .execute();
      const left = async () => (await database.db.selectFrom('outbox').select('id').orderBy('id').execute()).map((r) => r.id);
      expect(await pruneDispatchedEvents(database.db, 7 * DAY, { now, batchSize: 2 })).toBe(3);
      expect(await left()).toEqual(['e4-recent', 'e5-undispatched']);
      expect(await pruneDispatchedEvents(database.db, 7 * DAY, { now })).toBe(0);
      expect(await pruneDispatchedEvents(database.db, 0, { now })).toBe(1);
      expect(await left()).toEqual(['e5-undispatched']);
    });
  });
}
