import type { CreateSavedViewRequest, SavedView } from '@estate/contract';
import type { Kysely } from 'kysely';
import type { ActionContext, AuditLog } from '../../platform/audit/audit-log';
import { decodeCursor, toPage } from '../../platform/http/pagination';
import { problems } from '../../platform/http/problem';
import { newId } from '../../platform/ids';
import { isCiSort, parseCiFilter } from './ci-list.service';
import type { InventoryTables, SavedViewsTable } from './inventory.tables';
import type { SavedViewRepository } from './saved-view.repository';

/** The most views one user may keep, so listing them stays bounded. */
export const MAX_SAVED_VIEWS_PER_USER = 200;

function toSavedView(row: SavedViewsTable): SavedView {
  return {
    id: row.id,
    resource: 'cis',
    name: row.name,
    query: (row.query ?? {}) as Record<string, string>,
    createdAt: Number(row.created_at),
  };
}

/** Saved views: named list queries, private to the user who saved them. Creating and deleting are audited. */
export class SavedViewService {
  constructor(
    private readonly db: Kysely<InventoryTables>,
    private readonly views: SavedViewRepository,
    private readonly audit: AuditLog,
  ) {}

  /** The user's own views, oldest first, keyset-paginated by id. */
  async list(userId: string, query: { limit?: number; cursor?: string; resource?: 'cis' }) {
    const limit = query.limit ?? 50;
    const after = query.cursor ? String(decodeCursor(query.cursor, 1)[0]) : undefined;
    const rows = await this.views.listOwn(userId, query.resource ?? 'cis', limit + 1, after);
    const page = toPage(rows, limit, (r) => [r.id]);
    return { items: page.items.map(toSavedView), nextCursor: page.nextCursor };
  }

  /**
   * Saves a view for the user. Its query must be a valid list query (the filters of GET /api/v1/cis and `sort`),
   * else a 400; a user past {@link MAX_SAVED_VIEWS_PER_USER} views gets a 409.
   */
  async create(userId: string, request: CreateSavedViewRequest, ctx: ActionContext): Promise<SavedView> {
    parseCiFilter(request.query, ['sort']);
    if (request.query.sort !== undefined && !isCiSort(request.query.sort)) {
      throw problems.validation('The view query is not valid.', [{ path: 'query.sort', message: 'unknown sort' }]);
    }
    const now = Date.now();
    const row: SavedViewsTable = {
      id: newId(now),
      user_id: userId,
      resource: request.resource ?? 'cis',
      name: request.name,
      query: request.query,
      created_at: now,
    };
    await this.db.transaction().execute(async (trx) => {
      if ((await this.views.countOwn(trx, userId, MAX_SAVED_VIEWS_PER_USER)) >= MAX_SAVED_VIEWS_PER_USER) {
        throw problems.conflict(`You already have ${MAX_SAVED_VIEWS_PER_USER} saved views; delete one first.`);
      }
      await this.views.insert(trx, row);
      await this.audit.append(trx, ctx, {
        action: 'saved_view.create',
        targetType: 'saved_view',
        targetId: row.id,
        after: toSavedView(row),
      });
    });
    return toSavedView(row);
  }

  /** Deletes one of the user's views; another user's view, like a missing one, is a 404. */
  async delete(userId: string, id: string, ctx: ActionContext): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const row = await this.views.deleteOwn(trx, userId, id);
      if (!row) throw problems.notFound('The saved view');
      await this.audit.append(trx, ctx, { action: 'saved_view.delete', targetType: 'saved_view', targetId: id, before: toSavedView(row) });
    });
  }
}
