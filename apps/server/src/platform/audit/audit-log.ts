import { createHash } from 'node:crypto';
import type { ActorType, AuditEvent, AuditQuery, Outcome } from '@estate/contract';
import { type Kysely, sql } from 'kysely';
import type { Database, Dialect } from '../db/database';
import { readJson } from '../db/database';
import { decodeCursor, encodeCursor, InvalidCursorError } from '../http/pagination';
import { newId } from '../ids';
import { canonicalJson } from './canonical-json';
import { storableJson, storableOrNull, storableText } from './storable-value';

/** An audit event as stored: the contract's `AuditEvent` without the target's current name, which readers resolve. */
export type AuditRecord = Omit<AuditEvent, 'targetLabel' | 'targetDeleted'>;

/** Who did something: a user (through a session), an API token, the CLI, the system itself, or nobody known. */
export interface Actor {
  type: ActorType;
  id: string | null;
  label: string | null;
}

/** What every mutation knows about its cause; services receive it and pass it to the audit log. */
export interface ActionContext {
  actor: Actor;
  requestId: string | null;
  sourceIp: string | null;
}

/** One thing to record. `before`/`after` must never hold secrets (hashes, TOTP seeds, tokens). */
export interface AuditEntry {
  action: string;
  outcome?: Outcome;
  targetType?: string | null;
  targetId?: string | null;
  before?: unknown;
  after?: unknown;
}

interface AuditRow {
  seq: number;
  id: string;
  at: number;
  actor_type: string;
  actor_id: string | null;
  actor_label: string | null;
  action: string;
  outcome: string;
  target_type: string | null;
  target_id: string | null;
  before: unknown;
  after: unknown;
  request_id: string | null;
  source_ip: string | null;
  prev_hash: string;
  hash: string;
}

/** One place where the chain does not hold: an edited, inserted or deleted row. */
export interface AuditBreak {
  seq: number;
  problem: string;
}

/**
 * The result of checking the hash chain from the first row to the last. Verification goes on past a break, so one
 * damaged row (or a false alarm) never hides what happened after it.
 */
export interface AuditVerification {
  ok: boolean;
  /** Rows read and checked, broken ones included. */
  checked: number;
  /** The first sequence number where the chain breaks. */
  brokenAt: number | null;
  /** The first break's explanation. */
  problem: string | null;
  /** Every break, in order, up to `MAX_REPORTED_BREAKS`; `breakCount` counts them all. */
  breaks: AuditBreak[];
  breakCount: number;
}

/** How many breaks `verify()` lists; past that it only counts them, so a wrecked log cannot exhaust memory. */
export const MAX_REPORTED_BREAKS = 100;

const GENESIS = '0'.repeat(64);
// Any constant works; it only has to be the same in every process that appends.
const AUDIT_LOCK_KEY = 7_304_221;

function rowHash(prevHash: string, row: Omit<AuditRow, 'hash' | 'prev_hash'>): string {
  const body = canonicalJson({
    seq: row.seq,
    id: row.id,
    at: row.at,
    actorType: row.actor_type,
    actorId: row.actor_id,
    actorLabel: row.actor_label,
    action: row.action,
    outcome: row.outcome,
    targetType: row.target_type,
    targetId: row.target_id,
    before: row.before ?? null,
    after: row.after ?? null,
    requestId: row.request_id,
    sourceIp: row.source_ip,
  });
  return createHash('sha256').update(prevHash).update('\n').update(body).digest('hex');
}

/**
 * The append-only, hash-chained audit log. Each row's hash covers its content and the previous row's hash, so
 * editing, inserting or deleting any row breaks the chain there, and `verify()` finds every such place.
 */
export class AuditLog {
  constructor(private readonly database: Database) {}

  /**
   * Appends an entry inside `executor`'s transaction (or a new one), so the entry commits or rolls back with the
   * change it records. Appends are serialised (PostgreSQL: a transaction-scoped advisory lock) to keep one chain.
   */
  // biome-ignore lint/suspicious/noExplicitAny: appends from any module's typed executor.
  async append(executor: Kysely<any>, ctx: ActionContext, entry: AuditEntry): Promise<AuditRecord> {
    if (!executor.isTransaction) return executor.transaction().execute((trx) => this.append(trx, ctx, entry));
    if (this.database.dialect === 'postgres') await sql`select pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`.execute(executor);
    const last = await executor.selectFrom('audit_events').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
    const base = {
      seq: (last?.seq ?? 0) + 1,
      id: newId(),
      at: Date.now(),
      actor_type: ctx.actor.type,
      actor_id: storableOrNull(ctx.actor.id),
      actor_label: storableOrNull(ctx.actor.label),
      action: storableText(entry.action),
      outcome: entry.outcome ?? 'success',
      target_type: storableOrNull(entry.targetType ?? null),
      target_id: storableOrNull(entry.targetId ?? null),
      // Hashed as stored: text the stores would alter on the way in is made storable first (ADR 0004).
      before: storableJson(entry.before),
      after: storableJson(entry.after),
      request_id: storableOrNull(ctx.requestId),
      source_ip: storableOrNull(ctx.sourceIp),
    };
    const prevHash = last?.hash ?? GENESIS;
    const hash = rowHash(prevHash, base);
    await executor
      .insertInto('audit_events')
      .values({
        ...base,
        before: base.before === null ? null : JSON.stringify(base.before),
        after: base.after === null ? null : JSON.stringify(base.after),
        prev_hash: prevHash,
        hash,
      })
      .execute();
    return toEvent({ ...base, prev_hash: prevHash, hash });
  }

  /** Appends in a transaction of its own: for events that change nothing else (logins, refusals). */
  record(ctx: ActionContext, entry: AuditEntry): Promise<AuditRecord> {
    return this.append(this.database.db, ctx, entry);
  }

  /** Newest first, filtered, keyset-paginated on `seq`. */
  async list(query: AuditQuery): Promise<{ items: AuditRecord[]; nextCursor: string | null }> {
    const limit = query.limit ?? 50;
    let q = this.database.db.selectFrom('audit_events').selectAll();
    if (query.actorId) q = q.where('actor_id', '=', query.actorId);
    if (query.action) {
      q = query.action.endsWith('.')
        ? q.where(sql<boolean>`action like ${`${escapeLike(query.action)}%`} escape '\\'`)
        : q.where('action', '=', query.action);
    }
    if (query.outcome) q = q.where('outcome', '=', query.outcome);
    if (query.targetType) q = q.where('target_type', '=', query.targetType);
    if (query.targetId) q = q.where('target_id', '=', query.targetId);
    if (query.since !== undefined) q = q.where('at', '>=', query.since);
    if (query.until !== undefined) q = q.where('at', '<', query.until);
    if (query.cursor) {
      const [seq] = decodeCursor(query.cursor, 1);
      if (typeof seq !== 'number') throw new InvalidCursorError();
      q = q.where('seq', '<', Number(seq));
    }
    const rows = (await q
      .orderBy('seq', 'desc')
      .limit(limit + 1)
      .execute()) as AuditRow[];
    const page = rows.slice(0, limit);
    const nextCursor = rows.length > limit && page.length > 0 ? encodeCursor([page[page.length - 1]!.seq]) : null;
    return { items: page.map((r) => toEvent(decoded(r, this.database.dialect))), nextCursor };
  }

  /**
   * Walks the whole chain in order, in batches, and reports every row whose hash or link does not match and every
   * gap in the sequence. After a break it goes on from the stored row, so each damaged row is reported once.
   */
  async verify(batchSize = 1000): Promise<AuditVerification> {
    const breaks: AuditBreak[] = [];
    let breakCount = 0;
    const report = (seq: number, problem: string) => {
      breakCount++;
      if (breaks.length < MAX_REPORTED_BREAKS) breaks.push({ seq, problem });
    };
    let prevHash: string | null = GENESIS;
    let expectedSeq = 1;
    let checked = 0;
    for (;;) {
      const rows = (await this.database.db
        .selectFrom('audit_events')
        .selectAll()
        .where('seq', '>=', expectedSeq)
        .orderBy('seq', 'asc')
        .limit(batchSize)
        .execute()) as AuditRow[];
      if (rows.length === 0) break;
      for (const row of rows) {
        const seq = Number(row.seq);
        if (seq !== expectedSeq) {
          report(expectedSeq, seq - expectedSeq === 1 ? `row ${expectedSeq} is missing` : `rows ${expectedSeq}–${seq - 1} are missing`);
          // The missing row's hash is unknown, so the next row's link cannot be checked; its own hash still can.
          prevHash = null;
        }
        checked++;
        expectedSeq = seq + 1;
        const problem = this.rowProblem(row, prevHash);
        if (problem) report(seq, problem);
        prevHash = row.hash;
      }
    }
    const first = breaks[0] ?? null;
    return { ok: breakCount === 0, checked, brokenAt: first?.seq ?? null, problem: first?.problem ?? null, breaks, breakCount };
  }

  private rowProblem(row: AuditRow, prevHash: string | null): string | null {
    if (prevHash !== null && row.prev_hash !== prevHash) return `row ${row.seq} does not link to the row before it`;
    const normalised = {
      ...row,
      seq: Number(row.seq),
      at: Number(row.at),
      before: readJson(row.before, this.database.dialect),
      after: readJson(row.after, this.database.dialect),
    };
    if (rowHash(row.prev_hash, normalised) !== row.hash) return `row ${row.seq} was modified after it was written`;
    return null;
  }

  /** The dialect, for callers that need to explain verification results. */
  get dialect(): Dialect {
    return this.database.dialect;
  }
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** A stored row with its JSON columns read as values (jsonb arrives parsed, text does not). */
function decoded(row: AuditRow, dialect: Dialect): AuditRow {
  return { ...row, before: readJson(row.before, dialect), after: readJson(row.after, dialect) };
}

/** Presents a row whose `before`/`after` are already values. */
function toEvent(row: AuditRow): AuditRecord {
  return {
    seq: Number(row.seq),
    id: row.id,
    at: Number(row.at),
    actorType: row.actor_type as ActorType,
    actorId: row.actor_id,
    actorLabel: row.actor_label,
    action: row.action,
    outcome: row.outcome as Outcome,
    targetType: row.target_type,
    targetId: row.target_id,
    before: row.before,
    after: row.after,
    requestId: row.request_id,
    sourceIp: row.source_ip,
    hash: row.hash,
  };
}
