/**
 * Events: `publish` into the outbox inside the caller's transaction, subscribers registered in code on an
 * `EventBus`, an `OutboxDispatcher` that turns events into one durable job per subscriber, and
 * `registerEventDelivery`, which lets a `JobWorker` deliver them at least once, with retries. Modules publish the
 * domain events of the contract's catalogue with `publishEvent`, which type-checks each payload against its topic.
 */
export { publishEvent } from './domain-events';
export {
  DEFAULT_DELIVERY_ATTEMPTS,
  type DeliveredEvent,
  deliveryQueue,
  EventBus,
  type EventHandler,
  type SubscribeOptions,
  type Subscription,
  topicMatches,
} from './event-bus';
export { registerEventDelivery } from './event-delivery';
export {
  type DeliveryJobPayload,
  dispatchOutbox,
  eventsPublished,
  type OutboxTable,
  type OutboxTables,
  pruneDispatchedEvents,
  publish,
} from './outbox';
export { OutboxDispatcher, type OutboxDispatcherOptions } from './outbox-dispatcher';
