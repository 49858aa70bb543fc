import type {
  CreateStatusPageRequest,
  StatusComponent,
  StatusComponentInput,
  StatusComponentKind,
  StatusPage,
  StatusPageListQuery,
  UpdateStatusPageRequest,
} from '@estate/contract';
import type { Kysely } from 'kysely';
import type { ActionContext, AuditLog } from '../../platform/audit/audit-log';
import { readJson } from '../../platform/db/database';
import { withTransaction } from '../../platform/db/transaction';
import { decodeCursor, toPage } from '../../platform/http/pagination';
import { type FieldError, problems } from '../../platform/http/problem';
import { newId } from '../../platform/ids';
import type { StatusPagesTable, StatusTables } from './status.tables';
import { StatusPageRepository } from './status-page.repository';

/** A component as stored: what it refers to, and how the page names and groups it. */
export interface StoredComponent {
  kind: StatusComponentKind;
  refId: string;
  displayName: string;
  group: string;
}

/** What the status page service is built from. */
export interface StatusPageServiceDeps {
  db: Kysely<StatusTables>;
  audit: AuditLog;
  now: () => number;
}

const SLUG_TAKEN = 'Another status page already has this slug.';

/** Status pages: stored with their components, validated against the inventory and checks, every change audited. */
export class StatusPageService {
  readonly repo: StatusPageRepository;

  constructor(private readonly deps: StatusPageServiceDeps) {
    this.repo = new StatusPageRepository(deps.db);
  }

  async list(query: StatusPageListQuery): Promise<{ items: StatusPage[]; nextCursor: string | null }> {
    const limit = query.limit ?? 50;
    const after = query.cursor === undefined ? undefined : (decodeCursor(query.cursor, 2).map(String) as [string, string]);
    const page = toPage(await this.repo.list(limit + 1, after), limit, (r) => [r.title, r.id]);
    const names = await this.namesOf(page.items);
    return { items: page.items.map((row) => present(row, names)), nextCursor: page.nextCursor };
  }

  async get(id: string): Promise<StatusPage> {
    const row = await this.repo.get(id);
    if (!row) throw problems.notFound('The status page');
    return present(row, await this.namesOf([row]));
  }

  async create(request: CreateStatusPageRequest, ctx: ActionContext): Promise<StatusPage> {
    const now = this.deps.now();
    const components = normalise(request.components);
    return withTransaction(
      this.deps.db,
      async (trx) => {
        const names = await this.checkComponents(trx, components);
        const row: StatusPagesTable = {
          id: newId(now),
          title: request.title.trim(),
          slug: request.slug,
          description: request.description ?? '',
          public: request.public ? 1 : 0,
          components: JSON.stringify(components),
          created_by: ctx.actor.type === 'user' || ctx.actor.type === 'token' ? ctx.actor.id : null,
          created_at: now,
          updated_at: now,
          version: 1,
        };
        await this.repo.insert(trx, row);
        const created = present(row, names);
        await this.deps.audit.append(trx, ctx, {
          action: 'status_page.create',
          targetType: 'status_page',
          targetId: row.id,
          after: created,
        });
        return created;
      },
      { conflict: SLUG_TAKEN },
    );
  }

  async update(id: string, request: UpdateStatusPageRequest, expected: number, ctx: ActionContext): Promise<StatusPage> {
    const now = this.deps.now();
    return withTransaction(
      this.deps.db,
      async (trx) => {
        const current = await this.repo.get(id, trx);
        if (!current) throw problems.notFound('The status page');
        if (current.version !== expected) throw problems.preconditionFailed();
        const components = request.components ? normalise(request.components) : readJson<StoredComponent[]>(current.components);
        const names = await this.checkComponents(trx, components, request.components !== undefined);
        const row: StatusPagesTable = {
          ...current,
          title: request.title?.trim() ?? current.title,
          slug: request.slug ?? current.slug,
          description: request.description ?? current.description,
          public: request.public === undefined ? current.public : request.public ? 1 : 0,
          components: JSON.stringify(components),
          updated_at: now,
          version: current.version + 1,
        };
        if (!(await this.repo.update(trx, row, expected))) throw problems.preconditionFailed();
        const updated = present(row, names);
        await this.deps.audit.append(trx, ctx, {
          action: 'status_page.update',
          targetType: 'status_page',
          targetId: id,
          before: present(current, names),
          after: updated,
        });
        return updated;
      },
      { conflict: SLUG_TAKEN },
    );
  }

  async delete(id: string, expected: number, ctx: ActionContext): Promise<void> {
    await withTransaction(this.deps.db, async (trx) => {
      const current = await this.repo.get(id, trx);
      if (!current) throw problems.notFound('The status page');
      if (current.version !== expected || !(await this.repo.delete(trx, id, expected))) throw problems.preconditionFailed();
      await this.deps.audit.append(trx, ctx, {
        action: 'status_page.delete',
        targetType: 'status_page',
        targetId: id,
        before: present(current, await this.namesOf([current], trx)),
      });
    });
  }

  /** The names of what the pages' components refer to (two statements for any number of pages). */
  async namesOf(rows: readonly StatusPagesTable[], db: Kysely<StatusTables> = this.deps.db): Promise<ReferenceNames> {
    const components = rows.flatMap((row) => readJson<StoredComponent[]>(row.components));
    const found = await this.repo.referenced(
      components.filter((c) => c.kind === 'service').map((c) => c.refId),
      components.filter((c) => c.kind === 'check').map((c) => c.refId),
      db,
    );
    return { cis: new Map([...found.cis].map(([id, ci]) => [id, ci.name])), checks: found.checks };
  }

  /**
   * Refuses components that name a CI that is not a business service, a check that does not exist, or the same
   * thing twice. With `strict` false (components unchanged by an update), only reads the names.
   */
  private async checkComponents(trx: Kysely<StatusTables>, components: readonly StoredComponent[], strict = true): Promise<ReferenceNames> {
    const services = components.filter((c) => c.kind === 'service').map((c) => c.refId);
    const checks = components.filter((c) => c.kind === 'check').map((c) => c.refId);
    const found = await this.repo.referenced(services, checks, trx);
    if (strict) {
      const seen = new Set<string>();
      const errors: FieldError[] = [];
      components.forEach((c, i) => {
        const path = `components[${i}].refId`;
        const key = `${c.kind}:${c.refId}`;
        if (seen.has(key)) errors.push({ path, message: 'is already on the page' });
        seen.add(key);
        if (c.kind === 'check' && !found.checks.has(c.refId)) errors.push({ path, message: `no check ${c.refId}` });
        if (c.kind === 'service') {
          const ci = found.cis.get(c.refId);
          if (!ci) errors.push({ path, message: `no configuration item ${c.refId}` });
          else if (ci.type !== 'business_service') errors.push({ path, message: `${ci.name} is a ${ci.type}, not a business service` });
        }
      });
      if (errors.length > 0) throw problems.validation('The components name things that cannot be shown.', errors);
    }
    return { cis: new Map([...found.cis].map(([id, ci]) => [id, ci.name])), checks: found.checks };
  }
}

/** The names of the CIs and checks pages refer to, by id; a deleted one is absent. */
export interface ReferenceNames {
  cis: ReadonlyMap<string, string>;
  checks: ReadonlyMap<string, string>;
}

function normalise(inputs: readonly StatusComponentInput[]): StoredComponent[] {
  return inputs.map((c) => ({ kind: c.kind, refId: c.refId, displayName: (c.displayName ?? '').trim(), group: (c.group ?? '').trim() }));
}

function present(row: StatusPagesTable, names: ReferenceNames): StatusPage {
  return {
    id: row.id,
    title: row.title,
    slug: row.slug,
    description: row.description,
    public: row.public === 1,
    components: readJson<StoredComponent[]>(row.components).map(
      (c): StatusComponent => ({ ...c, refName: (c.kind === 'service' ? names.cis.get(c.refId) : names.checks.get(c.refId)) ?? null }),
    ),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    version: row.version,
  };
}
