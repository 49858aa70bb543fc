import { DOMAIN_EVENTS, type DomainEvents } from '@estate/contract';
import type { Kysely } from 'kysely';
import { Value } from 'typebox/value';
import type { Executor } from '../jobs';
import { jsonText, parseJsonText } from '../jobs';
import type { OutboxTables } from './outbox';

/**
 * For tests: the payloads of the events of `topic` in the outbox, oldest first, each checked against its schema in
 * the contract's catalogue (a payload that does not match throws). `where` keeps only the matching payloads.
 */
export async function publishedEvents<T extends keyof DomainEvents>(
  db: Executor,
  topic: T,
  where: (payload: DomainEvents[T]) => boolean = () => true,
): Promise<Array<DomainEvents[T]>> {
  const rows = await (db as Kysely<OutboxTables>)
    .selectFrom('outbox')
    .select(jsonText('payload').as('payload'))
    .where('topic', '=', topic)
    .orderBy('id')
    .execute();
  const payloads = rows.map((r) => parseJsonText(r.payload));
  for (const payload of payloads) {
    if (!Value.Check(DOMAIN_EVENTS[topic], payload)) {
      throw new Error(`An ${topic} event does not match its schema: ${JSON.stringify(payload)}`);
    }
  }
  return (payloads as Array<DomainEvents[T]>).filter(where);
}
