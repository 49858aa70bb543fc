import { sql } from 'kysely';
import { identifierKeys, serialsClash } from '../modules/inventory/ci-identifiers';
import { AuditLog } from '../platform/audit/audit-log';
import type { Database } from '../platform/db/database';
import { newId } from '../platform/ids';
import type { AnyDb, EstateMigration } from './types';

/** Rows read and updated per statement. */
const CHUNK = 300;
/** The most un-indexed CIs the audit entry lists by id (all are counted, and each gets a history entry). */
const LISTED = 1000;

const ACTOR = { type: 'system' as const, id: null, label: 'migration 0018-ci-unique-identifiers' };

interface Row {
  id: string;
  type: string;
  name: string;
  serial: string | null;
  manufacturer: string | null;
  asset_tag: string | null;
}

interface Duplicate {
  ciId: string;
  field: 'serial' | 'assetTag';
  value: string;
  heldBy: { id: string; type: string; name: string };
}

/**
 * Serial numbers and asset tags unique per CI type family (ci-identifiers.ts): the comparison keys `serial_key`,
 * `serial_maker` and `asset_tag_key` on `cis`, filled for every CI, and unique indexes over them.
 *
 * Existing duplicates do not fail the upgrade. CIs are visited oldest first; the oldest CI holding a value keeps it
 * indexed, and each later one keeps its value but gets a null key (it does not hold the value, so the index
 * allows it) and a `conflict` history entry naming the CI that holds it. One `inventory.duplicate_identifiers`
 * audit entry counts and lists them, and a warning names the count, so an administrator can merge or correct them.
 */
export const ciUniqueIdentifiers: EstateMigration = (dialect) => ({
  async up(db: AnyDb) {
    for (const column of ['serial_key', 'serial_maker', 'asset_tag_key']) {
      await db.schema.alterTable('cis').addColumn(column, 'text').execute();
    }

    const serialHolders = new Map<string, Array<{ maker: string; row: Row }>>();
    const tagHolders = new Map<string, Row>();
    const duplicates: Duplicate[] = [];
    const updates: Array<[string, string | null, string | null, string | null]> = [];
    let last: { created_at: number; id: string } | undefined;
    for (;;) {
      let q = db
        .selectFrom('cis')
        .select(['id', 'type', 'name', 'serial', 'manufacturer', 'asset_tag', 'created_at'])
        .where((eb) => eb.or([eb('serial', 'is not', null), eb('asset_tag', 'is not', null)]));
      if (last !== undefined) {
        const after = last;
        q = q.where((eb) =>
          eb.or([eb('created_at', '>', after.created_at), eb.and([eb('created_at', '=', after.created_at), eb('id', '>', after.id)])]),
        );
      }
      const rows = (await q.orderBy('created_at').orderBy('id').limit(CHUNK).execute()) as Array<Row & { created_at: number | string }>;
      if (rows.length === 0) break;
      const tail = rows[rows.length - 1] as Row & { created_at: number | string };
      last = { created_at: Number(tail.created_at), id: tail.id };
      for (const row of rows) {
        const keys = identifierKeys({ type: row.type, serial: row.serial, manufacturer: row.manufacturer, assetTag: row.asset_tag });
        let { serialKey, serialMaker, assetTagKey } = keys;
        if (serialKey !== null) {
          const holders = serialHolders.get(serialKey) ?? [];
          const holder = holders.find((h) => serialsClash(keys, { serialKey, serialMaker: h.maker }));
          if (holder) {
            duplicates.push({ ciId: row.id, field: 'serial', value: (row.serial ?? '').trim(), heldBy: labelOf(holder.row) });
            serialKey = serialMaker = null;
          } else serialHolders.set(serialKey, [...holders, { maker: serialMaker ?? '', row }]);
        }
        if (assetTagKey !== null) {
          const holder = tagHolders.get(assetTagKey);
          if (holder) {
            duplicates.push({ ciId: row.id, field: 'assetTag', value: (row.asset_tag ?? '').trim(), heldBy: labelOf(holder) });
            assetTagKey = null;
          } else tagHolders.set(assetTagKey, row);
        }
        if (serialKey !== null || assetTagKey !== null) updates.push([row.id, serialKey, serialMaker, assetTagKey]);
      }
    }

    for (let i = 0; i < updates.length; i += CHUNK) {
      const values = sql.join(updates.slice(i, i + CHUNK).map((u) => sql`(${sql.join(u)})`));
      await sql`update cis set serial_key = v.column2, serial_maker = v.column3, asset_tag_key = v.column4
        from (values ${values}) as v where cis.id = v.column1`.execute(db);
    }
    await db.schema.createIndex('cis_serial_key_uq').on('cis').columns(['serial_key', 'serial_maker']).unique().execute();
    await db.schema.createIndex('cis_asset_tag_key_uq').on('cis').column('asset_tag_key').unique().execute();

    if (duplicates.length > 0) await report(db, dialect, duplicates);
  },
});

function labelOf(row: Row): Duplicate['heldBy'] {
  return { id: row.id, type: row.type, name: row.name };
}

/** A `conflict` history entry on each un-indexed CI, one audit entry listing them, and a warning with the count. */
async function report(db: AnyDb, dialect: Database['dialect'], duplicates: Duplicate[]): Promise<void> {
  const at = Date.now();
  const byCi = new Map<string, Duplicate[]>();
  for (const d of duplicates) byCi.set(d.ciId, [...(byCi.get(d.ciId) ?? []), d]);
  const entries = [...byCi].map(([ciId, list]) => ({
    id: newId(at),
    ci_id: ciId,
    at,
    kind: 'conflict',
    source: 'manual',
    actor_type: ACTOR.type,
    actor_id: ACTOR.id,
    actor_label: ACTOR.label,
    changes: JSON.stringify(list.map((d) => ({ field: d.field, from: { heldBy: d.heldBy }, to: d.value }))),
  }));
  for (let i = 0; i < entries.length; i += CHUNK)
    await db
      .insertInto('ci_history')
      .values(entries.slice(i, i + CHUNK))
      .execute();
  const audit = new AuditLog({ db, dialect, describe: 'migration', close: async () => {} });
  await audit.append(
    db,
    { actor: ACTOR, requestId: null, sourceIp: null },
    {
      action: 'inventory.duplicate_identifiers',
      targetType: 'ci',
      after: {
        count: duplicates.length,
        duplicates: duplicates.slice(0, LISTED).map((d) => ({ ciId: d.ciId, field: d.field, value: d.value, heldBy: d.heldBy.id })),
      },
    },
  );
  console.warn(
    `[migrate] ${duplicates.length} serial numbers or asset tags duplicate another CI of the same family; they stay on their CIs ` +
      'but are not held (each CI has a conflict entry in its history, and the audit log lists them under inventory.duplicate_identifiers).',
  );
}
