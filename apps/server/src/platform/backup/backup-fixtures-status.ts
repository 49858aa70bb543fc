// biome-ignore-all lint/suspicious/noExplicitAny: fixtures write every table.
import type { Kysely } from 'kysely';

const T0 = 1_726_000_000_000;

/**
 * Rows for the table of migration 0035 (status pages): a public page showing a business service and a check with a
 * display name and a group, and a private one with unicode in its title and no components.
 */
export async function fillStatus(
  db: Kysely<any>,
  json: (v: unknown) => string,
  ciId: string,
  checkId: string,
  userId: string,
): Promise<void> {
  await db
    .insertInto('status_pages')
    .values([
      {
        id: '0190a000-0000-7000-8000-000000003501',
        title: 'Acme services',
        slug: 'acme',
        description: 'What our customers rely on.\nUpdated live.',
        public: 1,
        components: json([
          { kind: 'service', refId: ciId, displayName: 'Web shop', group: 'Customers' },
          { kind: 'check', refId: checkId, displayName: '', group: '' },
        ]),
        created_by: userId,
        created_at: T0,
        updated_at: T0 + 5,
        version: 3,
      },
      {
        id: '0190a000-0000-7000-8000-000000003502',
        title: 'Intern — Ünïcødé 🔧',
        slug: 'intern-2',
        description: '',
        public: 0,
        components: json([]),
        created_by: null,
        created_at: T0,
        updated_at: T0,
        version: 1,
      },
    ])
    .execute();
}
