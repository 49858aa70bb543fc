// biome-ignore-all lint/suspicious/noExplicitAny: fixtures write every table.
import type { Kysely } from 'kysely';

const T0 = 1_726_000_000_000;

/**
 * Rows for every table of migration 0033 (suppression): an expired and an active silence with unicode and regex
 * matchers, a recurring maintenance window scoped by CI and tag, and the routing configuration with its history.
 */
export async function fillSuppression(db: Kysely<any>, json: (v: unknown) => string, ciId: string, userId: string): Promise<void> {
  await db
    .insertInto('alert_silences')
    .values([
      {
        id: '0190a000-0000-7000-8000-000000003301',
        matchers: json([{ name: 'alertname', type: '=', value: 'Disk "full" 💾' }]),
        matchers_text: '{alertname="Disk \\"full\\" 💾"}',
        starts_at: T0,
        ends_at: T0 + 3_600_000,
        comment: 'Replacing\nthe disk',
        created_by: 'admin@example.com',
        created_by_user: userId,
        created_at: T0,
        updated_at: T0 + 1,
        version: 2,
      },
      {
        id: '0190a000-0000-7000-8000-000000003302',
        matchers: json([{ name: 'instance', type: '=~', value: 'db-.*' }]),
        matchers_text: '{instance=~"db-.*"}',
        starts_at: T0,
        ends_at: 8_640_000_000_000_000,
        comment: 'forever',
        created_by: 'api script',
        created_by_user: null,
        created_at: T0,
        updated_at: T0,
        version: 1,
      },
    ])
    .execute();
  await db
    .insertInto('maintenance_windows')
    .values([
      {
        id: '0190a000-0000-7000-8000-000000003311',
        name: 'Patch Sunday',
        description: 'ä',
        time_zone: 'Europe/Berlin',
        schedule: json({ kind: 'weekly', days: ['sun'], startTime: '01:30', durationMinutes: 120 }),
        scope: json({ ciIds: [ciId], checkIds: [], tags: ['patch-a'], matchers: [] }),
        active_from: 0,
        active_until: null,
        created_by: userId,
        created_at: T0,
        updated_at: T0,
        version: 1,
      },
    ])
    .execute();
  const yaml = 'route:\n  receiver: ops\nreceivers:\n  - name: ops\n';
  await db
    .insertInto('alert_routing_config')
    .values([{ id: 1, yaml, version: 2, updated_by: userId, updated_at: T0 + 2 }])
    .execute();
  await db
    .insertInto('alert_routing_config_history')
    .values([
      { version: 1, yaml: 'route:\n  receiver: default\nreceivers:\n  - name: default\n', updated_by: null, updated_at: T0 + 1 },
      { version: 2, yaml, updated_by: userId, updated_at: T0 + 2 },
    ])
    .execute();
}
