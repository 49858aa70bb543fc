import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { newId } from '../ids';
import {
  cutoffOf,
  deleteInBatches,
  type EnqueueOptions,
  type Executor,
  enqueueMany,
  jobsAnnounced,
  jsonText,
  ProcessSignal,
  type PruneOptions,
  parseJsonText,
} from '../jobs';
import { deliveryQueue, type EventBus } from './event-bus';

/** Row shape of the `outbox` table (migration 0001). Times are epoch milliseconds. */
export interface OutboxTable {
  id: string;
  topic: string;
  payload: unknown;
  created_at: number;
  dispatched_at: number | null;
}

/** The tables the events module reads and writes. */
export interface OutboxTables {
  outbox: OutboxTable;
}

/** The payload of a delivery job: a self-contained copy of the event. */
export interface DeliveryJobPayload {
  eventId: string;
  topic: string;
  payload: unknown;
  publishedAt: number;
}

/**
 * Announced in this process after every publish, so an idle dispatcher here can look at once. It may fire before the
 * publishing transaction commits; dispatchers look again shortly after, and poll in any case.
 */
export const eventsPublished = new ProcessSignal<string>();

/**
 * Publishes an event by writing it to the outbox with `executor`, which should be the transaction making the change
 * the event describes: the event then exists exactly when the change commits, and a rolled-back transaction
 * publishes nothing. `payload` is any JSON value. Returns the event id. Throws on an invalid topic.
 */
export async function publish<P>(executor: Executor, topic: string, payload: P): Promise<string> {
  if (!topic || topic.includes('*')) throw new Error(`Invalid event topic "${topic}"`);
  const now = Date.now();
  const id = newId(now);
  await (executor as Kysely<OutboxTables>)
    .insertInto('outbox')
    .values({ id, topic, payload: JSON.stringify(payload ?? null), created_at: now, dispatched_at: null })
    .execute();
  eventsPublished.emit(topic);
  return id;
}

/**
 * Moves up to `batchSize` undispatched events, oldest first, into delivery jobs: one per matching subscriber, queue
 * `event:<subscriber>`, dedupe key `<eventId>:<subscriber>`, so dispatching an event twice creates nothing twice.
 * Marking the events and creating their jobs happen in one transaction; on PostgreSQL the events are picked with
 * `FOR UPDATE SKIP LOCKED`, so several processes can dispatch at once without taking the same events. Events no
 * subscriber matches are marked dispatched and dropped. Returns how many events were dispatched.
 */
export async function dispatchOutbox(database: Database, bus: EventBus, options: { batchSize?: number } = {}): Promise<number> {
  const batchSize = options.batchSize ?? 100;
  const queues = new Set<string>();
  const dispatched = await (database.db as Kysely<OutboxTables>).transaction().execute(async (trx) => {
    const now = Date.now();
    // Marking first makes the first statement a write, so SQLite takes its write lock before reading.
    const rows = await trx
      .updateTable('outbox')
      .set({ dispatched_at: now })
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('outbox')
          .select('id')
          .where('dispatched_at', 'is', null)
          .orderBy('id')
          .limit(batchSize)
          .$if(database.dialect === 'postgres', (q) => q.forUpdate().skipLocked()),
      )
      .where('dispatched_at', 'is', null)
      .returning(['id', 'topic', jsonText('payload').as('payload'), 'created_at'])
      .execute();
    const jobs: EnqueueOptions<DeliveryJobPayload>[] = [];
    for (const row of rows) {
      const event = { eventId: row.id, topic: row.topic, payload: parseJsonText(row.payload), publishedAt: row.created_at };
      for (const subscription of bus.subscriptionsFor(row.topic)) {
        const queue = deliveryQueue(subscription.name);
        queues.add(queue);
        jobs.push({ queue, payload: event, maxAttempts: subscription.maxAttempts, dedupeKey: `${row.id}:${subscription.name}` });
      }
    }
    await enqueueMany(trx, jobs);
    return rows.length;
  });
  // Now that the jobs are committed, workers in this process can certainly see them.
  for (const queue of queues) jobsAnnounced.emit(queue);
  return dispatched;
}

/**
 * Deletes outbox events dispatched more than `olderThanMs` milliseconds before now (their delivery jobs carry their
 * own copy of the event), in batches (see {@link PruneOptions}); undispatched events are never touched. Idempotent;
 * returns how many it deleted.
 */
export async function pruneDispatchedEvents(executor: Executor, olderThanMs: number, options: PruneOptions = {}): Promise<number> {
  const cutoff = cutoffOf(olderThanMs, options.now);
  const db = executor as Kysely<OutboxTables>;
  return deleteInBatches(options.batchSize ?? 1000, async (size) => {
    const result = await db
      .deleteFrom('outbox')
      // The pending index (dispatched_at, id) serves this range; NULL (undispatched) never compares below a cutoff.
      .where('id', 'in', (eb) => eb.selectFrom('outbox').select('id').where('dispatched_at', '<', cutoff).limit(size))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  });
}
