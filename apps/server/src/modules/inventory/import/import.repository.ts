import type { Kysely } from 'kysely';
import { type Dialect, readJson } from '../../../platform/db/database';
import type { InventoryTables } from '../inventory.tables';

/** Row shape of `imports` (migration 0004). Times are epoch ms; JSON columns are jsonb/text. */
export interface ImportsTable {
  id: string;
  user_id: string | null;
  status: string;
  /** `cis` or `relationships` (migration 0007). */
  kind: string;
  format: string;
  ci_type: string;
  mapping: unknown;
  natural_key: string;
  dry_run: number;
  /** The ActionContext of the request that started the import (actor, request id, IP), for audit and history. */
  context: unknown;
  total_rows: number | null;
  processed_rows: number;
  report: unknown;
  /** The uploaded file until the import finishes; null afterwards. */
  content: string | null;
  created_at: number;
  finished_at: number | null;
}

/** The inventory tables plus `imports`. */
export type ImportTables = InventoryTables & { imports: ImportsTable };

/** SQL for import runs. */
/** Every column of an import but its (possibly large) uploaded content. */
const IMPORT_COLUMNS = [
  'id',
  'user_id',
  'status',
  'kind',
  'format',
  'ci_type',
  'mapping',
  'natural_key',
  'dry_run',
  'context',
  'total_rows',
  'processed_rows',
  'report',
  'created_at',
  'finished_at',
] as const;

export class ImportRepository {
  constructor(
    readonly db: Kysely<ImportTables>,
    private readonly dialect: Dialect,
  ) {}

  /** Writes a new import (in `executor`, e.g. the transaction that enqueues its job). */
  async insert(executor: Kysely<ImportTables>, row: ImportsTable): Promise<void> {
    await executor
      .insertInto('imports')
      .values({ ...row, mapping: row.mapping === null ? null : this.json(row.mapping), context: this.json(row.context) })
      .execute();
  }

  /** One import without its content, read with `executor` (an open transaction, or the database by default). */
  async get(id: string, executor: Kysely<ImportTables> = this.db): Promise<Omit<ImportsTable, 'content'> | undefined> {
    return executor.selectFrom('imports').select(IMPORT_COLUMNS).where('id', '=', id).executeTakeFirst();
  }

  /** The uploaded file of an import, or null once it finished. */
  async content(id: string): Promise<string | null> {
    const row = await this.db.selectFrom('imports').select('content').where('id', '=', id).executeTakeFirst();
    return row?.content ?? null;
  }

  /** A user's imports, newest first, after the id `afterId` (keyset). Without content. */
  async listOwn(userId: string, limit: number, beforeId?: string): Promise<Array<Omit<ImportsTable, 'content'>>> {
    let q = this.db.selectFrom('imports').select(IMPORT_COLUMNS).where('user_id', '=', userId);
    if (beforeId !== undefined) q = q.where('id', '<', beforeId);
    return q.orderBy('id', 'desc').limit(limit).execute();
  }

  /** Records progress (and the status, the total and a report when given). */
  async progress(
    id: string,
    set: { status?: string; total?: number; processed?: number; report?: unknown },
    executor: Kysely<ImportTables> = this.db,
  ): Promise<void> {
    await executor
      .updateTable('imports')
      .set({
        ...(set.status !== undefined ? { status: set.status } : {}),
        ...(set.total !== undefined ? { total_rows: set.total } : {}),
        ...(set.processed !== undefined ? { processed_rows: set.processed } : {}),
        ...(set.report !== undefined ? { report: this.json(set.report) } : {}),
      })
      .where('id', '=', id)
      .execute();
  }

  /** Finishes an import: final status and report, content dropped. */
  async finish(id: string, status: 'succeeded' | 'failed', report: unknown, executor: Kysely<ImportTables> = this.db): Promise<void> {
    await executor
      .updateTable('imports')
      .set({ status, report: this.json(report), content: null, finished_at: Date.now() })
      .where('id', '=', id)
      .execute();
  }

  /** Reads a JSON column. */
  read<T>(value: unknown): T {
    return readJson<T>(value, this.dialect);
  }

  private json(value: unknown): string {
    return JSON.stringify(value);
  }
}
