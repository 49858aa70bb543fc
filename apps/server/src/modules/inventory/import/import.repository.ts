import type { Kysely } from 'kysely';
import { type Dialect, readJson } from '../../../platform/db/database';
import type { JobTables } from '../../../platform/jobs';
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

  /** One import without its content. */
  async get(id: string): Promise<Omit<ImportsTable, 'content'> | undefined> {
    return this.db.selectFrom('imports').select(IMPORT_COLUMNS).where('id', '=', id).executeTakeFirst();
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

  /**
   * Imports still `queued` or `running` whose job can no longer run them: the job is `dead`, is gone, or is still
   * marked running with an expired lease after its last attempt (its worker died and no worker of the queue has
   * polled since to bury it). Each comes with the job's last error, if any. Imports created after `before` are left
   * out, so one being started right now is never judged.
   */
  async abandoned(now: number, before: number): Promise<Array<{ id: string; lastError: string | null }>> {
    const live = await this.db
      .selectFrom('imports')
      .select('id')
      .where('status', 'in', ['queued', 'running'])
      .where('created_at', '<', before)
      .execute();
    if (live.length === 0) return [];
    const jobs = new Map<string, { status: string; lastError: string | null; expired: boolean }>();
    const db = this.db as unknown as Kysely<JobTables>;
    for (let i = 0; i < live.length; i += 500) {
      const keys = live.slice(i, i + 500).map((r) => `import:${r.id}`);
      const rows = await db
        .selectFrom('jobs')
        .select(['dedupe_key', 'status', 'last_error', 'locked_until', 'attempts', 'max_attempts'])
        .where('dedupe_key', 'in', keys)
        .execute();
      for (const r of rows) {
        const expired = r.status === 'running' && Number(r.locked_until ?? 0) <= now && Number(r.attempts) >= Number(r.max_attempts);
        jobs.set(String(r.dedupe_key), { status: r.status, lastError: r.last_error, expired });
      }
    }
    return live.flatMap((r) => {
      const job = jobs.get(`import:${r.id}`);
      if (job && job.status !== 'dead' && !job.expired) return [];
      if (!job) return [{ id: r.id, lastError: 'the job was removed' }];
      return [{ id: r.id, lastError: job.expired ? 'lease expired: its worker stopped during the last attempt' : job.lastError }];
    });
  }

  /** Reads a JSON column. */
  read<T>(value: unknown): T {
    return readJson<T>(value, this.dialect);
  }

  private json(value: unknown): string {
    return JSON.stringify(value);
  }
}
