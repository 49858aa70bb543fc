import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../db/database';
import { type TestDatabase, testEngines } from '../db/test-databases';
import { getJob, JobWorker } from '../jobs';
import { type DeliveredEvent, EventBus, topicMatches } from './event-bus';
import { registerEventDelivery } from './event-delivery';
import { dispatchOutbox, publish } from './outbox';
import { OutboxDispatcher } from './outbox-dispatcher';

const quiet = { warn: () => {}, error: () => {} };

describe('topicMatches', () => {
  it('matches exact topics, prefixes ending in *, and * for everything', () => {
    expect(topicMatches('incident.opened', 'incident.opened')).toBe(true);
    expect(topicMatches('incident.opened', 'incident.opened.late')).toBe(false);
    expect(topicMatches('incident.*', 'incident.closed')).toBe(true);
    expect(topicMatches('incident.*', 'incidents.closed')).toBe(false);
    expect(topicMatches('*', 'anything')).toBe(true);
  });

  it('rejects ambiguous subscriptions', () => {
    const bus = new EventBus();
    bus.subscribe('a', 'x.*', () => {});
    expect(() => bus.subscribe('a', 'y', () => {})).toThrow(/already registered/);
    expect(() => bus.subscribe('b:c', 'y', () => {})).toThrow(/Invalid subscriber name/);
    expect(() => bus.subscribe('d', 'x.*.y', () => {})).toThrow(/Invalid topic pattern/);
    bus.freeze();
    expect(() => bus.subscribe('e', 'y', () => {})).toThrow(/before event delivery starts/);
  });
});

for (const engine of testEngines()) {
  describe(`events on ${engine.dialect}`, () => {
    let database: TestDatabase;
    const stoppers: Array<() => Promise<void>> = [];
    beforeAll(async () => {
      database = await engine.create();
    });
    beforeEach(async () => {
      await database.db.deleteFrom('jobs').execute();
      await database.db.deleteFrom('outbox').execute();
    });
    afterEach(async () => {
      for (const stop of stoppers.splice(0)) await stop();
    });
    afterAll(async () => {
      await database.cleanup();
    });

    /** A bus with recording subscribers, and the worker that delivers to them (not started). */
    function setUp(subscribe: (bus: EventBus) => void) {
      const bus = new EventBus();
      subscribe(bus);
      const worker = new JobWorker(database, { logger: quiet, backoff: { baseMs: 5, capMs: 20 }, pollIntervalMs: 60_000 });
      registerEventDelivery(worker, bus);
      const dispatcher = new OutboxDispatcher(database, bus, { logger: quiet, pollIntervalMs: 60_000 });
      stoppers.push(
        () => worker.stop(),
        () => dispatcher.stop(),
      );
      return { bus, worker, dispatcher, deliver: async () => (await dispatcher.drain()) + (await worker.drain()) };
    }
    const jobRows = () => database.db.selectFrom('jobs').select(['id', 'queue', 'status', 'dedupe_key']).orderBy('queue').execute();

    it('delivers an event published in a committed transaction, with its id, topic and payload', async () => {
      const got: DeliveredEvent[] = [];
      const { deliver } = setUp((bus) => bus.subscribe('audit-trail', 'incident.*', (e) => void got.push(e)));
      const id = await database.db.transaction().execute((trx) => publish(trx, 'incident.opened', { incidentId: 'i1', title: '"quoted"' }));
      await deliver();
      expect(got).toHaveLength(1);
      expect(got[0]).toMatchObject({ id, topic: 'incident.opened', payload: { incidentId: 'i1', title: '"quoted"' }, attempt: 1 });
      expect(got[0]?.publishedAt).toBeTypeOf('number');
      expect(await jobRows()).toMatchObject([{ queue: 'event:audit-trail', status: 'succeeded', dedupe_key: `${id}:audit-trail` }]);
    });

    it('publishes nothing when the transaction rolls back', async () => {
      const got: DeliveredEvent[] = [];
      const { deliver } = setUp((bus) => bus.subscribe('audit-trail', '*', (e) => void got.push(e)));
      await expect(
        database.db.transaction().execute(async (trx) => {
          await publish(trx, 'incident.opened', { incidentId: 'i2' });
          throw new Error('the change failed');
        }),
      ).rejects.toThrow('the change failed');
      await publish(database.db, 'incident.closed', 'committed');
      await deliver();
      expect(got.map((e) => e.payload)).toEqual(['committed']);
      expect(await database.db.selectFrom('outbox').select('topic').execute()).toEqual([{ topic: 'incident.closed' }]);
    });

    it('retries a throwing subscriber until it succeeds', async () => {
      const attempts: number[] = [];
      const { dispatcher, worker } = setUp((bus) =>
        bus.subscribe('flaky-notifier', 'incident.opened', (e) => {
          attempts.push(e.attempt);
          if (e.attempt < 3) throw new Error(`smtp unavailable (attempt ${e.attempt})`);
        }),
      );
      await publish(database.db, 'incident.opened', { incidentId: 'i3' });
      expect(await dispatcher.drain()).toBe(1);
      await vi.waitFor(
        async () => {
          await worker.drain();
          expect(attempts).toEqual([1, 2, 3]);
        },
        { timeout: 3_000, interval: 10 },
      );
      const [row] = await jobRows();
      expect(await getJob(database.db, row!.id)).toMatchObject({ status: 'succeeded', attempts: 3 });
      expect((await getJob(database.db, row!.id))?.lastError).toMatch(/attempt 2/);
    });

    it('fans one event out to every matching subscriber, each delivered once, and no other', async () => {
      const got: string[] = [];
      const { deliver } = setUp((bus) => {
        bus.subscribe('notifications', 'incident.*', (e) => void got.push(`notifications:${e.topic}`));
        bus.subscribe('sla-clock', 'incident.opened', (e) => void got.push(`sla-clock:${e.topic}`));
        bus.subscribe('inventory-index', 'inventory.*', (e) => void got.push(`inventory-index:${e.topic}`));
      });
      await publish(database.db, 'incident.opened', {});
      await deliver();
      expect(got.sort()).toEqual(['notifications:incident.opened', 'sla-clock:incident.opened']);
      expect((await jobRows()).map((r) => r.queue)).toEqual(['event:notifications', 'event:sla-clock']);
    });

    it('makes dispatching an event again harmless', async () => {
      const got: string[] = [];
      const { bus, deliver } = setUp((b) => b.subscribe('once', '*', (e) => void got.push(e.id)));
      const id = await publish(database.db, 'incident.opened', {});
      await deliver();
      // Simulates a dispatcher that crashed after creating the jobs but before its mark was seen.
      await database.db.updateTable('outbox').set({ dispatched_at: null }).execute();
      expect(await dispatchOutbox(database, bus)).toBe(1);
      await deliver();
      expect(got).toEqual([id]);
      expect(await jobRows()).toHaveLength(1);
    });

    it('delivers promptly in one process without waiting for either poll', async () => {
      const got: unknown[] = [];
      const { worker, dispatcher } = setUp((bus) => bus.subscribe('live', '*', (e) => void got.push(e.payload)));
      worker.start();
      dispatcher.start();
      await sleep(50);
      await publish(database.db, 'incident.opened', 'direct');
      await vi.waitFor(() => expect(got).toEqual(['direct']), { timeout: 5_000, interval: 10 });
      await database.db.transaction().execute(async (trx) => {
        await publish(trx, 'incident.opened', 'in transaction');
        await sleep(30);
      });
      await vi.waitFor(() => expect(got).toEqual(['direct', 'in transaction']), { timeout: 5_000, interval: 10 });
    });

    // Registered only on PostgreSQL (SQLite has one writer), so no engine reports it as skipped.
    (engine.dialect === 'postgres' ? it : () => undefined)(
      'lets several dispatchers run at once without dispatching an event twice',
      async () => {
        const bus = new EventBus();
        bus.subscribe('counter', '*', () => {});
        await database.db.transaction().execute(async (trx) => {
          for (let i = 0; i < 300; i++) await publish(trx, 'metric.sample', i);
        });
        const other = await openDatabase({ databaseUrl: database.location, poolSize: 4 });
        let counts: number[];
        try {
          const run = async (handle: typeof other) => {
            let total = 0;
            for (let n = -1; n !== 0; total += n) n = await dispatchOutbox(handle, bus, { batchSize: 15 });
            return total;
          };
          counts = await Promise.all([run(database), run(other), run(database), run(other)]);
        } finally {
          await other.close();
        }
        expect(counts.reduce((a, b) => a + b, 0)).toBe(300);
        expect(counts.filter((n) => n > 0).length).toBeGreaterThan(1);
        expect(await jobRows()).toHaveLength(300);
      },
    );
  });
}
