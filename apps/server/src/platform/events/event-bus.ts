/** One delivery of an event to a subscriber. */
export interface DeliveredEvent<P = unknown> {
  /** The event's id (the outbox row id); the same on every retry and for every subscriber. */
  id: string;
  topic: string;
  payload: P;
  /** When the publishing transaction wrote the event, epoch milliseconds. */
  publishedAt: number;
  /** Which delivery attempt this is for this subscriber, from 1. */
  attempt: number;
  /** Aborted when the delivery's job lease is lost or the worker stops. */
  signal: AbortSignal;
}

/**
 * Handles an event. Delivery is at least once and unordered: the same event may arrive again after a crash or a
 * failed attempt, and events may arrive in any order, so a handler must be idempotent (key its effects on
 * `event.id`) and must not assume order. A throw is retried with backoff up to the subscription's `maxAttempts`.
 */
export type EventHandler<P = unknown> = (event: DeliveredEvent<P>) => unknown;

/** Options of one subscription. */
export interface SubscribeOptions {
  /** Delivery attempts before the delivery job is `dead`. Default 10 (about 8.5 minutes with the default backoff). */
  maxAttempts?: number;
}

/** A registered subscriber. */
export interface Subscription {
  /** Unique, stable name; it is part of the delivery queue and dedupe key, so renaming one re-keys its deliveries. */
  readonly name: string;
  /** An exact topic (`incident.opened`), a prefix ending in `*` (`incident.*`), or `*` for every topic. */
  readonly pattern: string;
  readonly handler: EventHandler;
  readonly maxAttempts: number;
}

/** Default delivery attempts per subscriber and event. */
export const DEFAULT_DELIVERY_ATTEMPTS = 10;

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The job queue that carries deliveries to the named subscriber. */
export function deliveryQueue(subscriberName: string): string {
  return `event:${subscriberName}`;
}

/** True when `topic` matches `pattern`: equal, or starting with the part before a trailing `*`. */
export function topicMatches(pattern: string, topic: string): boolean {
  return pattern.endsWith('*') ? topic.startsWith(pattern.slice(0, -1)) : pattern === topic;
}

/**
 * The subscribers of this process, registered in code at start-up. Every process that dispatches the outbox must
 * register the same subscribers: an event is fanned out to the subscribers the dispatching process knows, once.
 * After {@link freeze} (done by `registerEventDelivery`) no subscriber can be added.
 */
export class EventBus {
  readonly #subscriptions = new Map<string, Subscription>();
  #frozen = false;

  /**
   * Subscribes `handler`, under the unique `name`, to the topics `pattern` matches. Events published before the
   * subscription existed are not delivered to it. Throws on a duplicate or invalid name, or once frozen.
   */
  subscribe<P = unknown>(name: string, pattern: string, handler: EventHandler<P>, options: SubscribeOptions = {}): void {
    if (this.#frozen) throw new Error(`Cannot subscribe "${name}": subscribers must be registered before event delivery starts`);
    if (!NAME.test(name)) throw new Error(`Invalid subscriber name "${name}": use letters, digits, '.', '_' and '-'`);
    if (this.#subscriptions.has(name)) throw new Error(`A subscriber named "${name}" is already registered`);
    const star = pattern.indexOf('*');
    if (!pattern || (star !== -1 && star !== pattern.length - 1))
      throw new Error(`Invalid topic pattern "${pattern}": '*' may only end it`);
    const maxAttempts = options.maxAttempts ?? DEFAULT_DELIVERY_ATTEMPTS;
    this.#subscriptions.set(name, { name, pattern, handler: handler as EventHandler, maxAttempts });
  }

  /** The subscriptions whose pattern matches `topic`, in registration order. */
  subscriptionsFor(topic: string): Subscription[] {
    return [...this.#subscriptions.values()].filter((s) => topicMatches(s.pattern, topic));
  }

  /** Every subscription, in registration order. */
  subscriptions(): Subscription[] {
    return [...this.#subscriptions.values()];
  }

  /** Refuses further subscriptions, so the set a worker delivers to cannot drift from the set it registered. */
  freeze(): void {
    this.#frozen = true;
  }
}
