import type {
  CreateMaintenanceWindowRequest,
  MaintenanceOccurrence,
  MaintenanceScopeInput,
  MaintenanceWindow,
  MaintenanceWindowListQuery,
  UpdateMaintenanceWindowRequest,
} from '@estate/contract';
import type { Kysely } from 'kysely';
import type { ActionContext, AuditLog } from '../../../platform/audit/audit-log';
import { readJson } from '../../../platform/db/database';
import { withTransaction } from '../../../platform/db/transaction';
import { decodeCursor, toPage } from '../../../platform/http/pagination';
import { type FieldError, problems } from '../../../platform/http/problem';
import { newId } from '../../../platform/ids';
import { formatMatchers } from '../routing';
import { MaintenanceRepository } from './maintenance.repository';
import {
  type MaintenanceSchedule,
  type Occurrence,
  occurrenceAt,
  occurrencesBetween,
  scheduleBounds,
  scheduleProblems,
} from './maintenance-schedule';
import {
  type ActiveMaintenance,
  type ActiveMaintenanceWindow,
  activeMaintenance,
  type MaintenanceScopeSpec,
  type MaintenanceWindowSpans,
} from './maintenance-scope';
import { matchersFromInput, plainMatchers, storedMatchers } from './matchers-input';
import type { MaintenanceWindowsTable, SuppressionTables } from './suppression.tables';
import { bumpRevision } from './suppression-revision';

/** What the maintenance service is built from. */
export interface MaintenanceServiceDeps {
  db: Kysely<SuppressionTables>;
  audit: AuditLog;
  now: () => number;
  changed: () => void;
}

/** The longest range a calendar may ask occurrences for. */
export const MAX_OCCURRENCE_RANGE_MS = 62 * 86_400_000;
/** The most occurrences one calendar read answers. */
export const MAX_OCCURRENCES = 5_000;
/** How far ahead a window's next occurrence is looked for. */
const NEXT_HORIZON_MS = 62 * 86_400_000;

interface StoredScope {
  ciIds: string[];
  checkIds: string[];
  tags: string[];
  matchers: { name: string; type: '=' | '!=' | '=~' | '!~'; value: string }[];
}

/**
 * Maintenance windows: one-off or recurring in an IANA zone, scoped to CIs, checks, tags or label matchers. Stored
 * with the span their occurrences can cover, so "what holds now" and a calendar read only the windows that can.
 */
export class MaintenanceService {
  private readonly repo: MaintenanceRepository;

  constructor(private readonly deps: MaintenanceServiceDeps) {
    this.repo = new MaintenanceRepository(deps.db);
  }

  async list(query: MaintenanceWindowListQuery): Promise<{ items: MaintenanceWindow[]; nextCursor: string | null }> {
    const limit = query.limit ?? 50;
    const after = query.cursor === undefined ? undefined : (decodeCursor(query.cursor, 2).map(String) as [string, string]);
    const page = toPage(await this.repo.list(query.q, limit + 1, after), limit, (r) => [r.name, r.id]);
    const now = this.deps.now();
    return { items: page.items.map((r) => present(r, now)), nextCursor: page.nextCursor };
  }

  async get(id: string): Promise<MaintenanceWindow> {
    const row = await this.repo.get(id);
    if (!row) throw problems.notFound('The maintenance window');
    return present(row, this.deps.now());
  }

  async create(request: CreateMaintenanceWindowRequest, ctx: ActionContext): Promise<MaintenanceWindow> {
    const now = this.deps.now();
    const scope = scopeFromInput(request.scope);
    validateSchedule(request.schedule, request.timeZone);
    const bounds = scheduleBounds(request.schedule, request.timeZone);
    const row: MaintenanceWindowsTable = {
      id: newId(now),
      name: request.name.trim(),
      description: request.description ?? '',
      time_zone: request.timeZone,
      schedule: JSON.stringify(request.schedule),
      scope: JSON.stringify(scope),
      active_from: bounds.from,
      active_until: bounds.until,
      created_by: ctx.actor.type === 'user' || ctx.actor.type === 'token' ? ctx.actor.id : null,
      created_at: now,
      updated_at: now,
      version: 1,
    };
    const window = await withTransaction(this.deps.db, async (trx) => {
      await this.checkScope(trx, scope);
      await this.repo.insert(trx, row);
      await bumpRevision(trx, now);
      const created = present(row, now);
      await this.deps.audit.append(trx, ctx, {
        action: 'maintenance_window.create',
        targetType: 'maintenance_window',
        targetId: row.id,
        after: created,
      });
      return created;
    });
    this.deps.changed();
    return window;
  }

  async update(id: string, request: UpdateMaintenanceWindowRequest, expected: number, ctx: ActionContext): Promise<MaintenanceWindow> {
    const now = this.deps.now();
    const window = await withTransaction(this.deps.db, async (trx) => {
      const current = await this.repo.get(id, trx);
      if (!current) throw problems.notFound('The maintenance window');
      if (current.version !== expected) throw problems.preconditionFailed();
      const schedule = request.schedule ?? readJson<MaintenanceSchedule>(current.schedule);
      const timeZone = request.timeZone ?? current.time_zone;
      validateSchedule(schedule, timeZone);
      const scope = request.scope ? scopeFromInput(request.scope) : readJson<StoredScope>(current.scope);
      if (request.scope) await this.checkScope(trx, scope);
      const bounds = scheduleBounds(schedule, timeZone);
      const row: MaintenanceWindowsTable = {
        ...current,
        name: request.name?.trim() ?? current.name,
        description: request.description ?? current.description,
        time_zone: timeZone,
        schedule: JSON.stringify(schedule),
        scope: JSON.stringify(scope),
        active_from: bounds.from,
        active_until: bounds.until,
        updated_at: now,
        version: current.version + 1,
      };
      if (!(await this.repo.update(trx, row, expected))) throw problems.preconditionFailed();
      await bumpRevision(trx, now);
      const updated = present(row, now);
      await this.deps.audit.append(trx, ctx, {
        action: 'maintenance_window.update',
        targetType: 'maintenance_window',
        targetId: id,
        before: present(current, now),
        after: updated,
      });
      return updated;
    });
    this.deps.changed();
    return window;
  }

  async delete(id: string, expected: number, ctx: ActionContext): Promise<void> {
    const now = this.deps.now();
    await withTransaction(this.deps.db, async (trx) => {
      const current = await this.repo.get(id, trx);
      if (!current) throw problems.notFound('The maintenance window');
      if (current.version !== expected || !(await this.repo.delete(trx, id, expected))) throw problems.preconditionFailed();
      await bumpRevision(trx, now);
      await this.deps.audit.append(trx, ctx, {
        action: 'maintenance_window.delete',
        targetType: 'maintenance_window',
        targetId: id,
        before: present(current, now),
      });
    });
    this.deps.changed();
  }

  /** Every occurrence overlapping `[from, to)` (at most 62 days), in start order, for a calendar. */
  async occurrences(from: number, to: number): Promise<MaintenanceOccurrence[]> {
    if (!(to > from)) throw problems.validation('to must be after from', [{ path: 'to', message: 'must be after from' }]);
    if (to - from > MAX_OCCURRENCE_RANGE_MS) {
      throw problems.validation('The range is longer than 62 days.', [{ path: 'to', message: 'at most 62 days after from' }]);
    }
    const out: MaintenanceOccurrence[] = [];
    for (const row of await this.repo.overlapping(from, to)) {
      for (const span of occurrencesBetween(readJson(row.schedule), row.time_zone, from, to)) {
        out.push({ windowId: row.id, name: row.name, start: span.start, end: span.end });
      }
    }
    out.sort((a, b) => a.start - b.start || (a.windowId < b.windowId ? -1 : 1));
    return out.slice(0, MAX_OCCURRENCES);
  }

  /** The windows holding at `at`, as the API presents them. */
  async activeAt(at: number): Promise<MaintenanceWindow[]> {
    const rows = await this.repo.overlapping(at, at + 1);
    return rows.filter((row) => occurrenceAt(readJson(row.schedule), row.time_zone, at) !== null).map((row) => present(row, at));
  }

  /** The windows holding at `now`, with the CIs their tags name, for the dispatcher to ask {@link ActiveMaintenance.covers}. */
  async maintenanceAt(now: number): Promise<ActiveMaintenance> {
    const windows: ActiveMaintenanceWindow[] = (await this.windowsBetween(now, now + 1)).map(({ occurrences, ...window }) => ({
      ...window,
      occurrence: occurrences[0] as Occurrence,
    }));
    return activeMaintenance(now, windows);
  }

  /**
   * The windows with an occurrence overlapping `[from, to)`, each with those occurrences (in start order), its scope
   * and the CIs its tags name now: the same windows that mute alerts, for a status page to show. Three statements
   * whatever the number of windows.
   */
  async windowsBetween(from: number, to: number): Promise<MaintenanceWindowSpans[]> {
    const holding: { row: MaintenanceWindowsTable; occurrences: Occurrence[] }[] = [];
    for (const row of await this.repo.overlapping(from, to)) {
      const occurrences = occurrencesBetween(readJson(row.schedule), row.time_zone, from, to);
      if (occurrences.length > 0) holding.push({ row, occurrences });
    }
    const scopes = holding.map(({ row }) => scopeSpec(readJson<StoredScope>(row.scope)));
    const tagged = await this.repo.cisTagged([...new Set(scopes.flatMap((scope) => scope.tags))]);
    return holding.map(({ row, occurrences }, index) => {
      const scope = scopes[index] as MaintenanceScopeSpec;
      return {
        id: row.id,
        name: row.name,
        timeZone: row.time_zone,
        schedule: readJson(row.schedule),
        scope,
        occurrences,
        taggedCiIds: new Set(scope.tags.flatMap((tag) => [...(tagged.get(tag) ?? [])])),
      };
    });
  }

  private async checkScope(trx: Kysely<SuppressionTables>, scope: StoredScope): Promise<void> {
    const found = await this.repo.existing(trx, scope.ciIds, scope.checkIds);
    const errors: FieldError[] = [
      ...scope.ciIds.flatMap((id, i) => (found.cis.has(id) ? [] : [{ path: `scope.ciIds[${i}]`, message: `no configuration item ${id}` }])),
      ...scope.checkIds.flatMap((id, i) => (found.checks.has(id) ? [] : [{ path: `scope.checkIds[${i}]`, message: `no check ${id}` }])),
    ];
    if (errors.length > 0) throw problems.validation('The scope names things that do not exist.', errors);
  }
}

function validateSchedule(schedule: MaintenanceSchedule, timeZone: string): void {
  const found = scheduleProblems(schedule, timeZone);
  if (found.length > 0) throw problems.validation(found.map((p) => `${p.path}: ${p.message}`).join('; '), found);
}

function scopeFromInput(input: MaintenanceScopeInput): StoredScope {
  const matchers = input.matchers === undefined ? [] : matchersFromInput(input.matchers, 'scope.matchers');
  const scope: StoredScope = {
    ciIds: [...new Set(input.ciIds ?? [])],
    checkIds: [...new Set(input.checkIds ?? [])],
    tags: [...new Set((input.tags ?? []).map((tag) => tag.trim()).filter((tag) => tag !== ''))],
    matchers: plainMatchers(matchers),
  };
  if (scope.ciIds.length + scope.checkIds.length + scope.tags.length + scope.matchers.length === 0) {
    throw problems.validation('A maintenance window must cover something.', [
      { path: 'scope', message: 'name at least one CI, check, tag or label matcher' },
    ]);
  }
  return scope;
}

function scopeSpec(stored: StoredScope): MaintenanceScopeSpec {
  return { ciIds: stored.ciIds, checkIds: stored.checkIds, tags: stored.tags, matchers: storedMatchers(stored.matchers) };
}

function present(row: MaintenanceWindowsTable, now: number): MaintenanceWindow {
  const schedule = readJson<MaintenanceSchedule>(row.schedule);
  const stored = readJson<StoredScope>(row.scope);
  const current = occurrenceAt(schedule, row.time_zone, now);
  const next = occurrencesBetween(schedule, row.time_zone, now, now + NEXT_HORIZON_MS).find((o) => o.start > now) ?? null;
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    timeZone: row.time_zone,
    schedule: readJson(row.schedule),
    scope: { ...stored, matchersText: stored.matchers.length === 0 ? '' : formatMatchers(storedMatchers(stored.matchers)) },
    current,
    next,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}
