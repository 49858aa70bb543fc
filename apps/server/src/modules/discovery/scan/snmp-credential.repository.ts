import type { Kysely } from 'kysely';
import type { SnmpCredentialsTable } from '../discovery.tables';
import type { ScanTables } from './scan.repository';

/** A credential row with the number of scans that use it. */
export type SnmpCredentialRow = SnmpCredentialsTable & { used_by: number };

/** SQL for SNMP credentials. The sealed `secret` column is read only by `sealed`, never by listings. */
export class SnmpCredentialRepository {
  constructor(readonly db: Kysely<ScanTables>) {}

  private select(executor: Kysely<ScanTables>) {
    return executor
      .selectFrom('snmp_credentials as c')
      .selectAll('c')
      .select((eb) =>
        eb
          .selectFrom('discovery_scan_credentials as u')
          .select((s) => s.fn.countAll<number | string>().as('n'))
          .whereRef('u.credential_id', '=', 'c.id')
          .as('used_by'),
      );
  }

  /** One credential with its usage count, or undefined. */
  async get(id: string, executor: Kysely<ScanTables> = this.db): Promise<SnmpCredentialRow | undefined> {
    const row = await this.select(executor).where('c.id', '=', id).executeTakeFirst();
    return row ? { ...row, used_by: Number(row.used_by ?? 0) } : undefined;
  }

  /** Credentials in name order after `afterName` (keyset on the unique name). */
  async list(limit: number, afterName?: string): Promise<SnmpCredentialRow[]> {
    let q = this.select(this.db);
    if (afterName !== undefined) q = q.where('c.name', '>', afterName);
    const rows = await q.orderBy('c.name').limit(limit).execute();
    return rows.map((r) => ({ ...r, used_by: Number(r.used_by ?? 0) }));
  }

  /** The sealed secrets and parameters of the given credentials (for a scan run); unknown ids are left out. */
  async sealed(ids: string[]): Promise<SnmpCredentialsTable[]> {
    if (ids.length === 0) return [];
    return this.db.selectFrom('snmp_credentials').selectAll().where('id', 'in', ids).execute();
  }

  /** Which of `ids` exist. */
  async existing(executor: Kysely<ScanTables>, ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await executor.selectFrom('snmp_credentials').select('id').where('id', 'in', ids).execute();
    return new Set(rows.map((r) => r.id));
  }

  async insert(executor: Kysely<ScanTables>, row: SnmpCredentialsTable): Promise<void> {
    await executor
      .insertInto('snmp_credentials')
      .values({ ...row, params: JSON.stringify(row.params) })
      .execute();
  }

  /** Writes a new version when the stored one is `expected`; false when it is not (a concurrent change). */
  async update(executor: Kysely<ScanTables>, row: SnmpCredentialsTable, expected: number): Promise<boolean> {
    const result = await executor
      .updateTable('snmp_credentials')
      .set({
        name: row.name,
        snmp_version: row.snmp_version,
        params: JSON.stringify(row.params),
        secret: row.secret,
        updated_at: row.updated_at,
        version: row.version,
      })
      .where('id', '=', row.id)
      .where('version', '=', expected)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }

  /** Names of up to `limit` scans that use the credential. */
  async usedByScans(executor: Kysely<ScanTables>, id: string, limit = 5): Promise<string[]> {
    const rows = await executor
      .selectFrom('discovery_scan_credentials as u')
      .innerJoin('discovery_scans as s', 's.id', 'u.scan_id')
      .select('s.name')
      .where('u.credential_id', '=', id)
      .orderBy('s.name')
      .limit(limit)
      .execute();
    return rows.map((r) => r.name);
  }

  async delete(executor: Kysely<ScanTables>, id: string): Promise<void> {
    await executor.deleteFrom('snmp_credentials').where('id', '=', id).execute();
  }
}
