import type { CiHistoryEntry, Source } from '@estate/contract';
import type { Kysely } from 'kysely';
import type { ActionContext } from '../../platform/audit/audit-log';
import { type Dialect, readJson } from '../../platform/db/database';
import { decodeCursor, toPage } from '../../platform/http/pagination';
import { newId } from '../../platform/ids';
import type { CiHistoryTable, InventoryTables } from './inventory.tables';

/** One change to record against a CI. `changes` lists every field (or relationship) with its old and new value. */
export interface HistoryRecord {
  ciId: string;
  kind: CiHistoryEntry['kind'];
  source: Source;
  changes: Array<{ field: string; from: unknown; to: unknown }>;
  at?: number;
}

/**
 * The CI history: every change to every field and relationship, with actor, source and time. Written in the
 * transaction of the change; never updated. Rows outlive their CI, so a deleted CI's history stays readable.
 */
export class CiHistoryRepository {
  constructor(
    private readonly db: Kysely<InventoryTables>,
    private readonly dialect: Dialect,
  ) {}

  /** Appends one entry inside `trx`. Entries with no changes are skipped. */
  async append(trx: Kysely<InventoryTables>, ctx: ActionContext, record: HistoryRecord): Promise<void> {
    if (record.changes.length === 0 && record.kind === 'updated') return;
    const at = record.at ?? Date.now();
    await trx
      .insertInto('ci_history')
      .values({
        id: newId(at),
        ci_id: record.ciId,
        at,
        kind: record.kind,
        source: record.source,
        actor_type: ctx.actor.type,
        actor_id: ctx.actor.id,
        actor_label: ctx.actor.label,
        changes: JSON.stringify(record.changes),
      })
      .execute();
  }

  /** Newest first, keyset-paginated; `until` limits to entries at or before a time. */
  async list(
    ciId: string,
    options: { limit: number; cursor?: string; until?: number },
  ): Promise<{ items: CiHistoryEntry[]; nextCursor: string | null }> {
    let q = this.db.selectFrom('ci_history').selectAll().where('ci_id', '=', ciId);
    if (options.until !== undefined) q = q.where('at', '<=', options.until);
    if (options.cursor) q = q.where('id', '<', String(decodeCursor(options.cursor, 1)[0]));
    const rows = await q
      .orderBy('id', 'desc')
      .limit(options.limit + 1)
      .execute();
    const page = toPage(rows, options.limit, (r) => [r.id]);
    return { items: page.items.map((r) => this.toEntry(r)), nextCursor: page.nextCursor };
  }

  /** Every entry of a CI up to `until`, oldest first: the input for rebuilding the CI as of a past time. */
  async replay(ciId: string, until: number): Promise<CiHistoryEntry[]> {
    const rows = await this.db
      .selectFrom('ci_history')
      .selectAll()
      .where('ci_id', '=', ciId)
      .where('at', '<=', until)
      .orderBy('id', 'asc')
      .execute();
    return rows.map((r) => this.toEntry(r));
  }

  private toEntry(row: CiHistoryTable): CiHistoryEntry {
    return {
      id: row.id,
      ciId: row.ci_id,
      at: Number(row.at),
      kind: row.kind as CiHistoryEntry['kind'],
      source: row.source as Source,
      actorType: row.actor_type,
      actorId: row.actor_id,
      actorLabel: row.actor_label,
      changes: readJson(row.changes, this.dialect),
    };
  }
}
