// biome-ignore-all lint/suspicious/noExplicitAny: fixtures write every table.
import type { Kysely } from 'kysely';

const T0 = 1_726_000_000_000;
const CHANNEL = '0190a000-0000-7000-8000-0000000003a1';
const DELIVERY = '0190a000-0000-7000-8000-0000000003b1';

/**
 * Rows for every table of migration 0032 (notification channels): a webhook channel with a sealed secret, a
 * delivery that was retried and then delivered, and its two attempts (one left without an outcome by a crash).
 */
export async function fillChannels(db: Kysely<any>, json: (v: unknown) => string, userId: string): Promise<void> {
  await db
    .insertInto('notification_channels')
    .values({
      id: CHANNEL,
      name: 'Ops “webhook” ✔',
      type: 'webhook',
      settings: json({ method: 'POST', contentType: 'application/json', signatureHeader: 'X-Estate-Signature' }),
      secret: 'v1.sealed.secret.value',
      secret_names: json(['url']),
      send_resolved: 1,
      enabled: 0,
      created_by: userId,
      created_at: T0,
      updated_at: T0 + 1,
      version: 2,
    })
    .execute();
  await db
    .insertInto('notification_deliveries')
    .values({
      id: DELIVERY,
      dedup_key: `01JNOTIFICATION:${CHANNEL}`,
      notification_id: '01JNOTIFICATION',
      channel_id: CHANNEL,
      group_key: '{}:{alertname="HostDown", env="prod"}',
      receiver: 'ops ü',
      notification: json({ id: '01JNOTIFICATION', receiver: 'ops ü', firing: [], resolved: [], groupLabels: { a: 'b' } }),
      status: 'delivered',
      attempts: 2,
      round: 1,
      next_attempt_at: null,
      last_error: null,
      provider_id: '<01JNOTIFICATION.abc@estate.invalid>',
      created_at: T0,
      updated_at: T0 + 2,
      finished_at: T0 + 2,
    })
    .execute();
  await db
    .insertInto('notification_attempts')
    .values([
      {
        delivery_id: DELIVERY,
        number: 1,
        started_at: T0,
        finished_at: T0 + 1,
        outcome: 'unknown',
        detail: 'worker stopped',
        http_status: null,
      },
      { delivery_id: DELIVERY, number: 2, started_at: T0 + 1, finished_at: T0 + 2, outcome: 'delivered', detail: null, http_status: 202 },
    ])
    .execute();
}
