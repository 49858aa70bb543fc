/*
 * SQL of the on-call part (Kysely, both dialects): schedules, escalation policies, feed tokens, running escalations
 * and handoff marks. No rules here; the services decide.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Dialect } from '../../../platform/db/database';
import type {
  EscalationPoliciesTable,
  EscalationsTable,
  OnCallFeedTokensTable,
  OnCallSchedulesTable,
  OnCallTables,
  OnCallUsersTable,
} from './oncall.tables';

export type ScheduleRow = Selectable<OnCallSchedulesTable>;
export type PolicyRow = Selectable<EscalationPoliciesTable>;
export type FeedTokenRow = Selectable<OnCallFeedTokensTable>;
export type EscalationRow = Selectable<EscalationsTable>;
export type UserRow = Pick<Selectable<OnCallUsersTable>, 'id' | 'name' | 'email' | 'disabled_at'>;

/** How many schedules one computation across schedules (my on-call, handoff notices) reads at most. */
export const MAX_SCHEDULES_SCANNED = 1_000;

/** The on-call tables, read and written through one handle (a transaction or the store). */
export class OnCallRepository {
  constructor(
    readonly db: Kysely<OnCallTables>,
    readonly dialect: Dialect,
  ) {}

  /** The same repository over a transaction. */
  with(trx: Kysely<OnCallTables>): OnCallRepository {
    return new OnCallRepository(trx, this.dialect);
  }

  json(value: unknown): string {
    return JSON.stringify(value);
  }

  // Schedules.

  listSchedules(limit: number, after: readonly [string, string] | undefined): Promise<ScheduleRow[]> {
    let q = this.db.selectFrom('oncall_schedules').selectAll();
    if (after) q = q.where((eb) => eb.or([eb('name', '>', after[0]), eb.and([eb('name', '=', after[0]), eb('id', '>', after[1])])]));
    return q.orderBy('name').orderBy('id').limit(limit).execute();
  }

  allSchedules(): Promise<ScheduleRow[]> {
    return this.db.selectFrom('oncall_schedules').selectAll().orderBy('name').limit(MAX_SCHEDULES_SCANNED).execute();
  }

  schedulesByIds(ids: readonly string[]): Promise<ScheduleRow[]> {
    // Guard against running an invalid `in ()` when the list is empty.
    if (ids.length === 0) return Promise.resolve([]);
    return this.db.selectFrom('oncall_schedules').selectAll().where('id', 'in', ids).execute();
  }

  getSchedule(id: string, forUpdate = false): Promise<ScheduleRow | undefined> {
    return this.db
      .selectFrom('oncall_schedules')
      .selectAll()
      .where('id', '=', id)
      .$if(forUpdate && this.dialect === 'postgres', (q) => q.forUpdate())
      .executeTakeFirst();
  }

  async insertSchedule(row: OnCallSchedulesTable): Promise<void> {
    await this.db
      .insertInto('oncall_schedules')
      .values({ ...row, definition: this.json(row.definition) })
      .execute();
  }

  async updateSchedule(
    id: string,
    expected: number,
    row: Omit<OnCallSchedulesTable, 'id' | 'created_by' | 'created_at'>,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('oncall_schedules')
      .set({ ...row, definition: this.json(row.definition) })
      .where('id', '=', id)
      .where('version', '=', expected)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async deleteSchedule(id: string): Promise<void> {
    await this.db.deleteFrom('oncall_feed_tokens').where('kind', '=', 'schedule').where('subject_id', '=', id).execute();
    await this.db.deleteFrom('oncall_schedules').where('id', '=', id).execute();
  }

  // Users.

  usersByIds(ids: readonly string[]): Promise<UserRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('users')
      .select(['id', 'name', 'email', 'disabled_at'])
      .where('id', 'in', [...new Set(ids)])
      .execute();
  }

  // Escalation policies.

  listPolicies(limit: number, after: readonly [string, string] | undefined): Promise<PolicyRow[]> {
    let q = this.db.selectFrom('escalation_policies').selectAll();
    if (after) q = q.where((eb) => eb.or([eb('name', '>', after[0]), eb.and([eb('name', '=', after[0]), eb('id', '>', after[1])])]));
    return q.orderBy('name').orderBy('id').limit(limit).execute();
  }

  getPolicy(id: string): Promise<PolicyRow | undefined> {
    return this.db.selectFrom('escalation_policies').selectAll().where('id', '=', id).executeTakeFirst();
  }

  policiesByIds(ids: readonly string[]): Promise<PolicyRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db.selectFrom('escalation_policies').selectAll().where('id', 'in', ids).execute();
  }

  async insertPolicy(row: EscalationPoliciesTable): Promise<void> {
    await this.db
      .insertInto('escalation_policies')
      .values({ ...row, steps: this.json(row.steps) })
      .execute();
  }

  async updatePolicy(
    id: string,
    expected: number,
    row: Omit<EscalationPoliciesTable, 'id' | 'created_by' | 'created_at'>,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('escalation_policies')
      .set({ ...row, steps: this.json(row.steps) })
      .where('id', '=', id)
      .where('version', '=', expected)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async deletePolicy(id: string): Promise<void> {
    await this.db.deleteFrom('escalation_policies').where('id', '=', id).execute();
  }

  async runningEscalationOf(policyId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('escalations')
      .select('id')
      .where('policy_id', '=', policyId)
      .where('acknowledged_at', 'is', null)
      .where('resolved_at', 'is', null)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  // Feed tokens.

  async insertFeedToken(row: OnCallFeedTokensTable): Promise<void> {
    await this.db.insertInto('oncall_feed_tokens').values(row).execute();
  }

  feedTokensOf(userId: string): Promise<FeedTokenRow[]> {
    return this.db
      .selectFrom('oncall_feed_tokens')
      .selectAll()
      .where('created_by', '=', userId)
      .orderBy('created_at', 'desc')
      .limit(200)
      .execute();
  }

  getFeedToken(id: string): Promise<FeedTokenRow | undefined> {
    return this.db.selectFrom('oncall_feed_tokens').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async revokeFeedToken(id: string, at: number): Promise<void> {
    await this.db.updateTable('oncall_feed_tokens').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).execute();
  }

  /** The live token with this hash for this feed, with its creator still an enabled user. */
  liveFeedToken(kind: string, subjectId: string, tokenHash: string): Promise<FeedTokenRow | undefined> {
    return this.db
      .selectFrom('oncall_feed_tokens')
      .innerJoin('users', 'users.id', 'oncall_feed_tokens.created_by')
      .selectAll('oncall_feed_tokens')
      .where('token_hash', '=', tokenHash)
      .where('kind', '=', kind)
      .where('subject_id', '=', subjectId)
      .where('revoked_at', 'is', null)
      .where('users.disabled_at', 'is', null)
      .executeTakeFirst();
  }

  // Escalations.

  /** Inserts unless the incident key exists; answers whether it inserted. */
  async insertEscalation(row: EscalationsTable): Promise<boolean> {
    const result = await this.db
      .insertInto('escalations')
      .values({ ...row, alert: this.json(row.alert), progress: this.json(row.progress) })
      .onConflict((oc) => oc.column('incident_key').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  getEscalation(incidentKey: string, forUpdate = false): Promise<EscalationRow | undefined> {
    return this.db
      .selectFrom('escalations')
      .selectAll()
      .where('incident_key', '=', incidentKey)
      .$if(forUpdate && this.dialect === 'postgres', (q) => q.forUpdate())
      .executeTakeFirst();
  }

  dueEscalationKeys(now: number, limit: number): Promise<string[]> {
    return this.db
      .selectFrom('escalations')
      .select('incident_key')
      .where('next_at', '<=', now)
      .where('acknowledged_at', 'is', null)
      .where('resolved_at', 'is', null)
      .orderBy('next_at')
      .limit(limit)
      .execute()
      .then((rows) => rows.map((r) => r.incident_key));
  }

  async updateEscalation(id: string, set: Partial<Omit<EscalationsTable, 'id' | 'incident_key'>>): Promise<void> {
    const values: Record<string, unknown> = { ...set };
    if (set.progress !== undefined) values.progress = this.json(set.progress);
    if (set.alert !== undefined) values.alert = this.json(set.alert);
    await this.db.updateTable('escalations').set(values).where('id', '=', id).execute();
  }

  // Handoff marks.

  handoffMarks(): Promise<{ schedule_id: string; checked_until: number }[]> {
    return this.db.selectFrom('oncall_handoff_marks').selectAll().limit(MAX_SCHEDULES_SCANNED).execute();
  }

  async setHandoffMark(scheduleId: string, checkedUntil: number): Promise<void> {
    await this.db
      .insertInto('oncall_handoff_marks')
      .values({ schedule_id: scheduleId, checked_until: checkedUntil })
      .onConflict((oc) => oc.column('schedule_id').doUpdateSet({ checked_until: checkedUntil }))
      .execute();
  }
}
