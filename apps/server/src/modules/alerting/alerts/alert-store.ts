/*
 * The alerts table and its timeline, the evaluator's and dispatcher's saved state, and the lease that lets one
 * process at a time evaluate and dispatch. Rows are episodes: one label set from pending (or firing) to resolved.
 */
import type { AlertEpisode, AlertEvent, AlertListQuery, AlertSummary } from '@estate/contract';
import { type Kysely, sql } from 'kysely';
import { type Dialect, readJson } from '../../../platform/db/database';
import { decodeCursor, encodeCursor } from '../../../platform/http/pagination';
import { problems } from '../../../platform/http/problem';
import { newId } from '../../../platform/ids';
import type { AlertsTable, AlertTables } from './alerts.tables';

export type Db = Kysely<AlertTables>;

export function presentEpisode(row: AlertsTable): AlertEpisode {
  const labels = readJson<Record<string, string>>(row.labels);
  return {
    id: row.id,
    fingerprint: row.fingerprint,
    name: labels.alertname || row.rule_name,
    source: row.source,
    ruleGroupId: row.rule_group_id,
    ruleVersion: row.rule_version,
    state: row.state,
    severity: row.severity,
    labels,
    annotations: readJson(row.annotations),
    value: row.value === null || Number.isNaN(Number(row.value)) ? null : Number(row.value),
    activeAt: Number(row.active_at),
    firedAt: row.fired_at === null ? null : Number(row.fired_at),
    resolvedAt: row.resolved_at === null ? null : Number(row.resolved_at),
    acknowledgedAt: row.acknowledged_at === null ? null : Number(row.acknowledged_at),
    acknowledgedBy: row.acknowledged_by,
    suppressedBy: readJson(row.suppressed_by),
    notified: row.notified === 1,
    updatedAt: Number(row.updated_at),
  };
}

/** Reads and writes of alert episodes and their timelines. */
export class AlertStore {
  constructor(
    readonly db: Db,
    readonly dialect: Dialect,
  ) {}

  async insertEpisode(trx: Db, row: AlertsTable): Promise<boolean> {
    const done = await trx
      .insertInto('alerts')
      .values({
        ...row,
        labels: JSON.stringify(row.labels),
        annotations: JSON.stringify(row.annotations),
        suppressed_by: jsonOrNull(row.suppressed_by),
      })
      .onConflict((oc) => oc.columns(['fingerprint', 'active_at']).doNothing())
      .executeTakeFirst();
    return Number(done.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  async updateEpisode(trx: Db, id: string, set: Partial<AlertsTable>): Promise<void> {
    const values: Record<string, unknown> = { ...set };
    if ('annotations' in set) values.annotations = JSON.stringify(set.annotations);
    if ('suppressed_by' in set) values.suppressed_by = jsonOrNull(set.suppressed_by);
    await trx.updateTable('alerts').set(values).where('id', '=', id).execute();
  }

  async deleteEpisode(trx: Db, id: string): Promise<void> {
    await trx.deleteFrom('alerts').where('id', '=', id).execute();
  }

  async event(trx: Db, alertId: string, at: number, kind: string, detail: Record<string, unknown> = {}, actor: string | null = null) {
    await trx
      .insertInto('alert_events')
      .values({ id: newId(at), alert_id: alertId, at, kind, actor, detail: JSON.stringify(detail) })
      .execute();
  }

  /** Episodes not yet resolved, and resolved ones newer than `since` (the evaluator's working set after a restart). */
  async openEpisodes(since: number): Promise<AlertsTable[]> {
    return this.db
      .selectFrom('alerts')
      .selectAll()
      .where((eb) => eb.or([eb('state', '!=', 'resolved'), eb('resolved_at', '>=', since)]))
      .execute();
  }

  /** The incidents (receiver and group) an episode was notified as: what its escalations are keyed by. */
  async incidentKeys(trx: Db, id: string): Promise<string[]> {
    const rows = await trx.selectFrom('alert_events').select('detail').where('alert_id', '=', id).where('kind', '=', 'notified').execute();
    const keys = rows
      .map((r) => readJson<{ incidentKey?: string }>(r.detail)?.incidentKey)
      .filter((k): k is string => typeof k === 'string');
    return [...new Set(keys)];
  }

  async get(id: string, db: Db = this.db): Promise<AlertsTable> {
    const row = await db.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw problems.notFound('The alert');
    return row;
  }

  async timeline(id: string): Promise<AlertEvent[]> {
    const rows = await this.db
      .selectFrom('alert_events')
      .selectAll()
      .where('alert_id', '=', id)
      .orderBy('at')
      .orderBy('id')
      .limit(500)
      .execute();
    return rows.map((r) => ({ at: Number(r.at), kind: r.kind, actor: r.actor, detail: readJson(r.detail) ?? {} }));
  }

  async previous(row: AlertsTable) {
    const rows = await this.db
      .selectFrom('alerts')
      .select(['id', 'active_at', 'resolved_at'])
      .where('fingerprint', '=', row.fingerprint)
      .where('active_at', '<', row.active_at)
      .orderBy('active_at', 'desc')
      .limit(20)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      activeAt: Number(r.active_at),
      resolvedAt: r.resolved_at === null ? null : Number(r.resolved_at),
    }));
  }

  /** A page of episodes: active ones (pending and firing) by default, newest first. */
  async list(query: AlertListQuery): Promise<{ items: AlertEpisode[]; nextCursor: string | null }> {
    const limit = query.limit ?? 50;
    let q = this.db.selectFrom('alerts').selectAll();
    const state = query.state ?? 'active';
    q = state === 'active' ? q.where('state', '!=', 'resolved') : q.where('state', '=', state);
    if (query.severity) q = q.where('severity', '=', query.severity);
    if (query.q) {
      const like = `%${query.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      q = q.where(
        sql<boolean>`lower(${sql.ref('labels')}${sql.raw(this.dialect === 'postgres' ? '::text' : '')}) like ${like} escape '\\'`,
      );
    }
    if (query.cursor) {
      const [at, id] = decodeCursor(query.cursor, 2);
      const after = { at: Number(at), id: String(id) };
      q = q.where((eb) => eb.or([eb('active_at', '<', after.at), eb.and([eb('active_at', '=', after.at), eb('id', '<', after.id)])]));
    }
    const rows = await q
      .orderBy('active_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(presentEpisode),
      nextCursor: rows.length > limit && last ? encodeCursor([Number(last.active_at), last.id]) : null,
    };
  }

  async summary(): Promise<AlertSummary> {
    const rows = await this.db
      .selectFrom('alerts')
      .select(['state', 'acknowledged_at', 'suppressed_by'])
      .where('state', '!=', 'resolved')
      .execute();
    const summary = { firing: 0, pending: 0, acknowledged: 0, suppressed: 0 };
    for (const r of rows) {
      if (r.state === 'firing') summary.firing++;
      else summary.pending++;
      if (r.acknowledged_at !== null) summary.acknowledged++;
      if (readJson(r.suppressed_by) !== null) summary.suppressed++;
    }
    return summary;
  }

  /** Saved state by key (`dispatcher`, `group:<id>`); undefined when none. */
  async loadState<T>(key: string): Promise<T | undefined> {
    const row = await this.db.selectFrom('alerting_state').select('value').where('key', '=', key).executeTakeFirst();
    return row ? readJson<T>(row.value) : undefined;
  }

  async saveState(trx: Db, key: string, value: unknown, now: number): Promise<void> {
    const text = JSON.stringify(value);
    await trx
      .insertInto('alerting_state')
      .values({ key, value: text, holder: null, until: null, updated_at: now })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: text, updated_at: now }))
      .execute();
  }

  /** Every saved state whose key starts with `prefix` (`group:`), by the rest of its key: one read for all groups. */
  async loadStates<T>(prefix: string): Promise<Map<string, T>> {
    const rows = await this.db.selectFrom('alerting_state').select(['key', 'value']).where('key', 'like', `${prefix}%`).execute();
    return new Map(rows.map((r) => [r.key.slice(prefix.length), readJson<T>(r.value)]));
  }

  /**
   * Takes or keeps the evaluation lease for `holder` until `until`: answers true when this holder has it. A holder
   * that stopped renewing loses it once `until` passed.
   */
  async claimLease(holder: string, now: number, until: number): Promise<boolean> {
    await this.db
      .insertInto('alerting_state')
      .values({ key: 'lease', value: '{}', holder: null, until: 0, updated_at: now })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    const done = await this.db
      .updateTable('alerting_state')
      .set({ holder, until, updated_at: now })
      .where('key', '=', 'lease')
      .where((eb) => eb.or([eb('holder', '=', holder), eb('holder', 'is', null), eb('until', '<', now)]))
      .executeTakeFirst();
    return Number(done.numUpdatedRows) === 1;
  }

  async releaseLease(holder: string): Promise<void> {
    await this.db
      .updateTable('alerting_state')
      .set({ holder: null, until: 0 })
      .where('key', '=', 'lease')
      .where('holder', '=', holder)
      .execute();
  }
}

function jsonOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}
