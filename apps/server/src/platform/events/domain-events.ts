import type { DomainEvents } from '@estate/contract';
import type { Executor } from '../jobs';
import { publish } from './outbox';

/**
 * Publishes a domain event of the catalogue in `@estate/contract` (`DomainEvents`): `payload` is type-checked
 * against `topic`. Written to the outbox with `executor`, which must be the transaction making the change the event
 * describes, so the event exists exactly when the change commits (a rolled-back or refused change publishes
 * nothing). Returns the event id.
 */
export function publishEvent<T extends keyof DomainEvents>(executor: Executor, topic: T, payload: DomainEvents[T]): Promise<string> {
  return publish(executor, topic, payload);
}
