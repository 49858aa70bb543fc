/*
 * Stored schedules: create, change (If-Match), delete, overrides, and what they compute — who is on call, the final
 * shifts of a calendar, a user's own shifts. Every change is audited in its transaction. No HTTP types, no SQL.
 */
import {
  type AddOverrideRequest,
  type CreateScheduleRequest,
  MAX_SHIFT_RANGE_MS,
  type MyOnCall,
  type MyShift,
  type OnCallNow,
  type OnCallPerson,
  type OnCallSchedule,
  type ScheduleWarning,
  type ShiftList,
  type UpdateScheduleRequest,
} from '@estate/contract';
import type { ActionContext, AuditLog } from '../../../platform/audit/audit-log';
import { readJson } from '../../../platform/db/database';
import { withTransaction } from '../../../platform/db/transaction';
import { decodeCursor, toPage } from '../../../platform/http/pagination';
import { type FieldError, problems } from '../../../platform/http/problem';
import { newId } from '../../../platform/ids';
import type { OnCallRepository, ScheduleRow, UserRow } from './oncall.repository';
import type { OnCallSchedulesTable } from './oncall.tables';
import { finalShifts, scheduleGaps, whoIsOnCall } from './schedule';
import type { Schedule, ScheduleLayer, ScheduleOverride } from './schedule-types';
import { validateSchedule } from './schedule-validation';

const DAY_MS = 86_400_000;
/** How far ahead a saved schedule is searched for gaps to warn about. */
const GAP_LOOKAHEAD_MS = 14 * DAY_MS;
const MAX_GAP_WARNINGS = 5;
/** How far ahead "my next shift" looks. */
const MY_LOOKAHEAD_MS = 62 * DAY_MS;

export interface ScheduleServiceDeps {
  repo: OnCallRepository;
  audit: AuditLog;
  now: () => number;
}

interface Definition {
  layers: ScheduleLayer[];
  overrides: ScheduleOverride[];
}

/** The library's Schedule of a stored row. */
export function scheduleOf(row: ScheduleRow, dialect?: 'sqlite' | 'postgres'): Schedule {
  const definition = readJson<Definition>(row.definition, dialect);
  return { id: row.id, name: row.name, timeZone: row.time_zone, layers: definition.layers ?? [], overrides: definition.overrides ?? [] };
}

function personOf(users: Map<string, UserRow>, id: string): OnCallPerson {
  const user = users.get(id);
  return user ? { id, name: user.name, email: user.email } : { id, name: 'Unknown user', email: '' };
}

/** Stored on-call schedules and what they compute. */
export class ScheduleService {
  constructor(private readonly deps: ScheduleServiceDeps) {}

  private get repo(): OnCallRepository {
    return this.deps.repo;
  }

  private schedule(row: ScheduleRow): Schedule {
    return scheduleOf(row, this.repo.dialect);
  }

  /** The answer for a stored schedule: its definition, and warnings about it as of now. */
  present(row: ScheduleRow): OnCallSchedule {
    const schedule = this.schedule(row);
    return {
      id: row.id,
      name: row.name,
      timeZone: row.time_zone,
      layers: schedule.layers as ScheduleLayer[] as OnCallSchedule['layers'],
      overrides: [...(schedule.overrides ?? [])],
      warnings: this.warnings(schedule),
      createdBy: row.created_by,
      createdAt: Number(row.created_at),
      updatedAt: Number(row.updated_at),
      version: row.version,
    };
  }

  /** Overlapping overrides (the library's notices) and gaps in the next two weeks. */
  warnings(schedule: Schedule): ScheduleWarning[] {
    const { errors, notices } = validateSchedule(schedule);
    if (errors.length > 0) return errors;
    const now = this.deps.now();
    const gaps = scheduleGaps(schedule, now, now + GAP_LOOKAHEAD_MS);
    const warnings: ScheduleWarning[] = [...notices];
    for (const gap of gaps.slice(0, MAX_GAP_WARNINGS)) {
      warnings.push({
        path: 'layers',
        message: `Nobody is on call from ${new Date(gap.start).toISOString()} to ${new Date(gap.end).toISOString()}.`,
      });
    }
    if (gaps.length > MAX_GAP_WARNINGS)
      warnings.push({ path: 'layers', message: `${gaps.length - MAX_GAP_WARNINGS} more gaps in the next two weeks.` });
    return warnings;
  }

  async list(query: { limit?: number; cursor?: string }): Promise<{ items: OnCallSchedule[]; nextCursor: string | null }> {
    const limit = query.limit ?? 50;
    const after = query.cursor === undefined ? undefined : (decodeCursor(query.cursor, 2).map(String) as [string, string]);
    const page = toPage(await this.repo.listSchedules(limit + 1, after), limit, (r) => [r.name, r.id]);
    return { items: page.items.map((row) => this.present(row)), nextCursor: page.nextCursor };
  }

  async get(id: string): Promise<OnCallSchedule> {
    return this.present(await this.row(id));
  }

  private async row(id: string, repo = this.repo, forUpdate = false): Promise<ScheduleRow> {
    const row = await repo.getSchedule(id, forUpdate);
    if (!row) throw problems.notFound('The schedule');
    return row;
  }

  /** 400 naming each field that makes the schedule uncomputable, or a person who is not a user. */
  private async check(schedule: Schedule, repo: OnCallRepository): Promise<void> {
    const errors: FieldError[] = [...validateSchedule(schedule).errors];
    const layerIds = new Set<string>();
    schedule.layers.forEach((layer, index) => {
      if (layerIds.has(layer.id)) errors.push({ path: `layers[${index}].id`, message: `layer id "${layer.id}" is used twice` });
      layerIds.add(layer.id);
    });
    const persons = [...schedule.layers.flatMap((l) => l.rotation.participants), ...(schedule.overrides ?? []).map((o) => o.person)];
    const known = new Set((await repo.usersByIds(persons)).map((u) => u.id));
    schedule.layers.forEach((layer, index) => {
      layer.rotation.participants.forEach((person, p) => {
        if (!known.has(person))
          errors.push({ path: `layers[${index}].rotation.participants[${p}]`, message: `no user has the id ${person}` });
      });
    });
    (schedule.overrides ?? []).forEach((override, index) => {
      if (!known.has(override.person))
        errors.push({ path: `overrides[${index}].person`, message: `no user has the id ${override.person}` });
    });
    if (errors.length > 0)
      throw problems.validation(`The schedule has ${errors.length === 1 ? 'an error' : `${errors.length} errors`}.`, errors);
  }

  async create(request: CreateScheduleRequest, ctx: ActionContext): Promise<OnCallSchedule> {
    const id = newId();
    const now = this.deps.now();
    const schedule: Schedule = {
      id,
      name: request.name,
      timeZone: request.timeZone,
      layers: request.layers,
      overrides: request.overrides ?? [],
    };
    return withTransaction(
      this.repo.db,
      async (trx) => {
        const repo = this.repo.with(trx);
        await this.check(schedule, repo);
        const row: OnCallSchedulesTable = {
          id,
          name: request.name,
          time_zone: request.timeZone,
          definition: { layers: schedule.layers, overrides: schedule.overrides },
          created_by: ctx.actor.type === 'user' || ctx.actor.type === 'token' ? ctx.actor.id : null,
          created_at: now,
          updated_at: now,
          version: 1,
        };
        await repo.insertSchedule(row);
        const created = this.present(row);
        await this.deps.audit.append(trx, ctx, { action: 'schedule.create', targetType: 'schedule', targetId: id, after: created });
        return created;
      },
      { conflict: 'A schedule with this name exists already.' },
    );
  }

  async update(id: string, request: UpdateScheduleRequest, expected: number, ctx: ActionContext): Promise<OnCallSchedule> {
    return this.change(id, expected, ctx, 'schedule.update', (current) => ({
      ...current,
      name: request.name ?? current.name,
      timeZone: request.timeZone ?? current.timeZone,
      layers: request.layers ?? current.layers,
      overrides: request.overrides ?? current.overrides,
    }));
  }

  /** Adds an override (no If-Match: adding never loses another's edit); the answer carries its id. */
  async addOverride(id: string, request: AddOverrideRequest, ctx: ActionContext): Promise<OnCallSchedule> {
    const override: ScheduleOverride = { id: newId().replace(/-/g, ''), person: request.person, start: request.start, end: request.end };
    return this.change(id, null, ctx, 'schedule.override.add', (current) => ({
      ...current,
      overrides: [...(current.overrides ?? []), override],
    }));
  }

  async removeOverride(id: string, overrideId: string, ctx: ActionContext): Promise<OnCallSchedule> {
    return this.change(id, null, ctx, 'schedule.override.remove', (current) => {
      const overrides = (current.overrides ?? []).filter((o) => o.id !== overrideId);
      if (overrides.length === (current.overrides ?? []).length) throw problems.notFound('The override');
      return { ...current, overrides };
    });
  }

  private async change(
    id: string,
    expected: number | null,
    ctx: ActionContext,
    action: string,
    edit: (current: Schedule) => Schedule,
  ): Promise<OnCallSchedule> {
    return withTransaction(
      this.repo.db,
      async (trx) => {
        const repo = this.repo.with(trx);
        const row = await this.row(id, repo, true);
        if (expected !== null && row.version !== expected) throw problems.preconditionFailed();
        const before = this.present(row);
        const next = edit(this.schedule(row));
        await this.check(next, repo);
        const changed = {
          name: next.name,
          time_zone: next.timeZone,
          definition: { layers: next.layers, overrides: next.overrides ?? [] },
          updated_at: this.deps.now(),
          version: row.version + 1,
        };
        if (!(await repo.updateSchedule(id, row.version, changed))) throw problems.preconditionFailed();
        const after = this.present({ ...row, ...changed });
        await this.deps.audit.append(trx, ctx, { action, targetType: 'schedule', targetId: id, before, after });
        return after;
      },
      { conflict: 'A schedule with this name exists already.' },
    );
  }

  async delete(id: string, expected: number, ctx: ActionContext): Promise<void> {
    await withTransaction(this.repo.db, async (trx) => {
      const repo = this.repo.with(trx);
      const row = await this.row(id, repo, true);
      if (row.version !== expected) throw problems.preconditionFailed();
      const before = this.present(row);
      await repo.deleteSchedule(id);
      await this.deps.audit.append(trx, ctx, { action: 'schedule.delete', targetType: 'schedule', targetId: id, before });
    });
  }

  /** Who the schedule has on call at `at` (now when absent). */
  async onCall(id: string, at: number | undefined): Promise<OnCallNow> {
    const instant = at ?? this.deps.now();
    const found = whoIsOnCall(this.schedule(await this.row(id)), instant);
    if (!found) return { at: instant, person: null, source: null };
    const users = new Map((await this.repo.usersByIds([found.person])).map((u) => [u.id, u]));
    return { at: instant, person: personOf(users, found.person), source: found.source };
  }

  /** The final shifts over `[from, to)`, at most {@link MAX_SHIFT_RANGE_MS} long. */
  async shifts(id: string, from: number, to: number): Promise<ShiftList> {
    if (to <= from) throw problems.validation('The range is empty.', [{ path: 'to', message: 'must be after from' }]);
    if (to - from > MAX_SHIFT_RANGE_MS) {
      throw problems.validation('The range is too long.', [
        { path: 'to', message: `at most ${MAX_SHIFT_RANGE_MS / DAY_MS} days after from` },
      ]);
    }
    const shifts = finalShifts(this.schedule(await this.row(id)), from, to);
    const users = new Map((await this.repo.usersByIds(shifts.map((s) => s.person))).map((u) => [u.id, u]));
    return { from, to, items: shifts.map((s) => ({ person: personOf(users, s.person), start: s.start, end: s.end, source: s.source })) };
  }

  /** A user's shifts running now, and their next shift in each schedule, within the next 62 days. */
  async mine(userId: string): Promise<MyOnCall> {
    const now = this.deps.now();
    const current: MyShift[] = [];
    const next: MyShift[] = [];
    for (const row of await this.repo.allSchedules()) {
      const schedule = this.schedule(row);
      if (validateSchedule(schedule).errors.length > 0) continue;
      // From a week back, so a running shift shows its true start.
      const mine = finalShifts(schedule, now - 7 * DAY_MS, now + MY_LOOKAHEAD_MS).filter((s) => s.person === userId && s.end > now);
      const running = mine.filter((s) => s.start <= now);
      const upcoming = mine.find((s) => s.start > now);
      for (const s of running) current.push({ scheduleId: row.id, scheduleName: row.name, start: s.start, end: s.end });
      if (upcoming) next.push({ scheduleId: row.id, scheduleName: row.name, start: upcoming.start, end: upcoming.end });
    }
    next.sort((a, b) => a.start - b.start);
    return { at: now, current, next };
  }
}
