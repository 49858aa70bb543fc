import type { JobWorker } from '../jobs';
import { deliveryQueue, type EventBus } from './event-bus';
import type { DeliveryJobPayload } from './outbox';

/**
 * Registers on `worker` one handler per subscriber of `bus` (queue `event:<subscriber>`), which hands each delivery
 * job to the subscriber's handler. A subscriber that throws is retried with the worker's backoff up to the
 * subscription's `maxAttempts`; then its delivery job is `dead`, and other subscribers are unaffected. Freezes the
 * bus, so subscribe everything first. Call once per worker.
 */
export function registerEventDelivery(worker: JobWorker, bus: EventBus): void {
  bus.freeze();
  for (const subscription of bus.subscriptions()) {
    worker.handle<DeliveryJobPayload>(deliveryQueue(subscription.name), async (job) => {
      const { eventId, topic, payload, publishedAt } = job.payload;
      await subscription.handler({ id: eventId, topic, payload, publishedAt, attempt: job.attempt, signal: job.signal });
    });
  }
}
