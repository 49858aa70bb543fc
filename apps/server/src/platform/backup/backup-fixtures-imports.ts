import type { Kysely } from 'kysely';

const T0 = 1_726_000_000_000;
const adminId = '0190a000-0000-7000-8000-000000000001';

/** Rows for the table of migrations 0004 and 0007 (CMDB imports): a finished CI import without content, a queued relationship import with it. */
// biome-ignore lint/suspicious/noExplicitAny: fixtures write every table.
export async function fillImports(db: Kysely<any>, json: (v: unknown) => string): Promise<void> {
  const base = {
    user_id: adminId,
    format: 'csv',
    ci_type: 'physical_server',
    natural_key: 'name',
    context: json({ actor: { type: 'user', id: adminId, label: 'admin@example.com' }, requestId: 'r', sourceIp: null }),
    created_at: T0,
  };
  await db
    .insertInto('imports')
    .values([
      {
        ...base,
        id: '0190a000-0000-7000-8000-0000000001a1',
        status: 'succeeded',
        kind: 'cis',
        mapping: json({ Hostname: 'name', 'Serial nº': 'serial' }),
        dry_run: 1,
        total_rows: 1,
        processed_rows: 1,
        report: json({
          counts: { created: 1, updated: 0, unchanged: 0, errors: 0 },
          rows: [{ row: 1, naturalKey: 'db-02 🗄', action: 'create', errors: [] }],
        }),
        content: null,
        finished_at: T0 + 5,
      },
      {
        ...base,
        id: '0190a000-0000-7000-8000-0000000001a2',
        status: 'queued',
        kind: 'relationships',
        ci_type: '',
        mapping: null,
        dry_run: 0,
        total_rows: null,
        processed_rows: 0,
        report: null,
        content: 'source,type,target\r\n"db, ""03""",runs_on,host-1\n',
        finished_at: null,
      },
    ])
    .execute();
}
